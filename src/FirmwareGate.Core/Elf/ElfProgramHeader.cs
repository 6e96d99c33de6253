namespace FirmwareGate.Core.Elf;

/// <summary>One program header (segment).</summary>
/// <param name="Type">p_type.</param>
/// <param name="Flags">p_flags.</param>
/// <param name="Offset">p_offset: where the segment's bytes start in the file.</param>
/// <param name="VirtualAddress">p_vaddr.</param>
/// <param name="FileSize">p_filesz.</param>
/// <param name="MemorySize">p_memsz.</param>
/// <param name="Align">p_align.</param>
public readonly record struct ElfProgramHeader(
    ElfSegmentType Type, ElfSegmentFlags Flags, ulong Offset, ulong VirtualAddress, ulong FileSize, ulong MemorySize, ulong Align);
