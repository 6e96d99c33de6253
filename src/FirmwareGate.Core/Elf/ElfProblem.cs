namespace FirmwareGate.Core.Elf;

/// <summary>
/// A fault in an optional part of an ELF file (a section table past the end, a string offset out of range,
/// a dynamic section without its terminator). The part is skipped or cut short; the rest is still read.
/// </summary>
/// <param name="Offset">File offset where the fault was seen.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ElfProblem(long Offset, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"elf at 0x{Offset:x}: {Message}";
}
