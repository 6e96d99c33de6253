namespace FirmwareGate.Core.Elf;

/// <summary>e_type: the kind of ELF file. Values outside the list are kept as numbers.</summary>
public enum ElfType : ushort
{
    /// <summary>ET_NONE.</summary>
    None = 0,

    /// <summary>ET_REL: an object file or a kernel module.</summary>
    Relocatable = 1,

    /// <summary>ET_EXEC: an executable at a fixed address (not PIE).</summary>
    Executable = 2,

    /// <summary>ET_DYN: a shared library or a position-independent executable.</summary>
    SharedObject = 3,

    /// <summary>ET_CORE: a core dump.</summary>
    Core = 4,
}
