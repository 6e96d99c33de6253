namespace FirmwareGate.Core.Elf;

/// <summary>One symbol of .dynsym or .symtab.</summary>
/// <param name="Name">Name from the linked string table (no version suffix); empty for the null symbol or a bad offset.</param>
/// <param name="Value">st_value.</param>
/// <param name="Size">st_size.</param>
/// <param name="Type">Symbol type.</param>
/// <param name="Binding">Symbol binding.</param>
/// <param name="SectionIndex">st_shndx (0 = SHN_UNDEF: imported).</param>
public readonly record struct ElfSymbol(string Name, ulong Value, ulong Size, ElfSymbolType Type, ElfSymbolBinding Binding, ushort SectionIndex)
{
    /// <summary>True when the symbol is defined in this file; false for an import (SHN_UNDEF).</summary>
    public bool IsDefined => SectionIndex != 0;
}
