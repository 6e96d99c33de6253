namespace FirmwareGate.Core.Elf;

/// <summary>One section header, with its name from the section name table.</summary>
/// <param name="Name">Section name (".dynsym"); empty when the name table is missing or the offset is bad.</param>
/// <param name="Type">sh_type.</param>
/// <param name="Flags">sh_flags.</param>
/// <param name="Address">sh_addr.</param>
/// <param name="Offset">sh_offset.</param>
/// <param name="Size">sh_size.</param>
/// <param name="Link">sh_link (for symbol tables, the index of their string table).</param>
/// <param name="Info">sh_info.</param>
/// <param name="EntrySize">sh_entsize.</param>
public sealed record ElfSection(
    string Name, ElfSectionType Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link, uint Info, ulong EntrySize);
