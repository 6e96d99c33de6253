namespace FirmwareGate.Core.Elf;

/// <summary>p_type of a program header (ELF gABI, and the GNU extensions). Other values are kept as numbers.</summary>
public enum ElfSegmentType : uint
{
    /// <summary>PT_NULL.</summary>
    Null = 0,

    /// <summary>PT_LOAD: mapped into memory; maps virtual addresses to file offsets.</summary>
    Load = 1,

    /// <summary>PT_DYNAMIC: the dynamic section.</summary>
    Dynamic = 2,

    /// <summary>PT_INTERP: the program interpreter path.</summary>
    Interp = 3,

    /// <summary>PT_NOTE.</summary>
    Note = 4,

    /// <summary>PT_SHLIB.</summary>
    ShLib = 5,

    /// <summary>PT_PHDR.</summary>
    Phdr = 6,

    /// <summary>PT_TLS.</summary>
    Tls = 7,

    /// <summary>PT_GNU_EH_FRAME.</summary>
    GnuEhFrame = 0x6474e550,

    /// <summary>PT_GNU_STACK: its flags say whether the stack is executable.</summary>
    GnuStack = 0x6474e551,

    /// <summary>PT_GNU_RELRO: read-only after relocation.</summary>
    GnuRelro = 0x6474e552,

    /// <summary>PT_GNU_PROPERTY: the .note.gnu.property note.</summary>
    GnuProperty = 0x6474e553,
}
