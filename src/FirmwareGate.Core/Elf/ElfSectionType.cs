namespace FirmwareGate.Core.Elf;

/// <summary>sh_type of a section header. Other values are kept as numbers.</summary>
public enum ElfSectionType : uint
{
    /// <summary>SHT_NULL.</summary>
    Null = 0,

    /// <summary>SHT_PROGBITS.</summary>
    ProgBits = 1,

    /// <summary>SHT_SYMTAB: the full symbol table (gone once stripped).</summary>
    SymTab = 2,

    /// <summary>SHT_STRTAB.</summary>
    StrTab = 3,

    /// <summary>SHT_RELA.</summary>
    Rela = 4,

    /// <summary>SHT_HASH.</summary>
    Hash = 5,

    /// <summary>SHT_DYNAMIC.</summary>
    Dynamic = 6,

    /// <summary>SHT_NOTE.</summary>
    Note = 7,

    /// <summary>SHT_NOBITS (.bss).</summary>
    NoBits = 8,

    /// <summary>SHT_REL.</summary>
    Rel = 9,

    /// <summary>SHT_DYNSYM: the dynamic symbol table.</summary>
    DynSym = 11,

    /// <summary>SHT_GNU_HASH.</summary>
    GnuHash = 0x6ffffff6,

    /// <summary>SHT_GNU_verneed.</summary>
    GnuVerNeed = 0x6ffffffe,

    /// <summary>SHT_GNU_versym.</summary>
    GnuVerSym = 0x6fffffff,
}
