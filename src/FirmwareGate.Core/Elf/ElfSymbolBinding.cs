namespace FirmwareGate.Core.Elf;

/// <summary>ELF_ST_BIND of a symbol. Other values are kept as numbers.</summary>
public enum ElfSymbolBinding : byte
{
    /// <summary>STB_LOCAL.</summary>
    Local = 0,

    /// <summary>STB_GLOBAL.</summary>
    Global = 1,

    /// <summary>STB_WEAK.</summary>
    Weak = 2,

    /// <summary>STB_GNU_UNIQUE.</summary>
    GnuUnique = 10,
}
