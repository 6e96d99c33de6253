namespace FirmwareGate.Core.Elf;

/// <summary>One entry of the dynamic array.</summary>
/// <param name="Tag">d_tag.</param>
/// <param name="Value">d_val / d_ptr.</param>
public readonly record struct ElfDynamicEntry(ElfDynamicTag Tag, ulong Value);
