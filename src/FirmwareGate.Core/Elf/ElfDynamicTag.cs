namespace FirmwareGate.Core.Elf;

/// <summary>d_tag of a dynamic entry (the ones FirmwareGate reads). Other values are kept as numbers.</summary>
public enum ElfDynamicTag : long
{
    /// <summary>DT_NULL: end of the dynamic array.</summary>
    Null = 0,

    /// <summary>DT_NEEDED: a needed library (string table offset).</summary>
    Needed = 1,

    /// <summary>DT_HASH: the SysV hash table (its nchain is the dynamic symbol count).</summary>
    Hash = 4,

    /// <summary>DT_STRTAB: address of the dynamic string table.</summary>
    StrTab = 5,

    /// <summary>DT_SYMTAB: address of the dynamic symbol table.</summary>
    SymTab = 6,

    /// <summary>DT_STRSZ: size of the dynamic string table.</summary>
    StrSz = 10,

    /// <summary>DT_SYMENT: size of one symbol entry.</summary>
    SymEnt = 11,

    /// <summary>DT_SONAME: the library's own name.</summary>
    Soname = 14,

    /// <summary>DT_RPATH: library search path (deprecated form, searched before LD_LIBRARY_PATH).</summary>
    RPath = 15,

    /// <summary>DT_SYMBOLIC.</summary>
    Symbolic = 16,

    /// <summary>DT_DEBUG.</summary>
    Debug = 21,

    /// <summary>DT_TEXTREL: relocations touch a non-writable segment.</summary>
    TextRel = 22,

    /// <summary>DT_BIND_NOW: resolve all symbols at load time.</summary>
    BindNow = 24,

    /// <summary>DT_RUNPATH: library search path (new form).</summary>
    RunPath = 29,

    /// <summary>DT_FLAGS.</summary>
    Flags = 30,

    /// <summary>DT_GNU_HASH: the GNU hash table.</summary>
    GnuHash = 0x6ffffef5,

    /// <summary>DT_VERSYM.</summary>
    VerSym = 0x6ffffff0,

    /// <summary>DT_FLAGS_1.</summary>
    Flags1 = 0x6ffffffb,

    /// <summary>DT_VERNEED.</summary>
    VerNeed = 0x6ffffffe,

    /// <summary>DT_MIPS_SYMTABNO: number of dynamic symbols on MIPS.</summary>
    MipsSymTabNo = 0x70000011,
}
