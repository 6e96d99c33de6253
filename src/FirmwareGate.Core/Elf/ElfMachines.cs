namespace FirmwareGate.Core.Elf;

/// <summary>Names for e_machine values (ELF gABI list, the architectures firmware is built for).</summary>
public static class ElfMachines
{
    /// <summary>EM_386.</summary>
    public const ushort X86 = 3;

    /// <summary>EM_MIPS.</summary>
    public const ushort Mips = 8;

    /// <summary>EM_PPC.</summary>
    public const ushort PowerPC = 20;

    /// <summary>EM_PPC64.</summary>
    public const ushort PowerPC64 = 21;

    /// <summary>EM_ARM.</summary>
    public const ushort Arm = 40;

    /// <summary>EM_X86_64.</summary>
    public const ushort X86_64 = 62;

    /// <summary>EM_AARCH64.</summary>
    public const ushort Aarch64 = 183;

    /// <summary>EM_RISCV.</summary>
    public const ushort RiscV = 243;

    /// <summary>Short lower-case name ("aarch64", "mips"); "em-N" for a number not in the list.</summary>
    public static string Name(ushort machine) => machine switch
    {
        0 => "none",
        2 => "sparc",
        X86 => "x86",
        4 => "m68k",
        Mips => "mips",
        10 => "mips-rs3-le",
        15 => "parisc",
        18 => "sparc32plus",
        PowerPC => "ppc",
        PowerPC64 => "ppc64",
        22 => "s390",
        Arm => "arm",
        42 => "superh",
        43 => "sparcv9",
        50 => "ia64",
        X86_64 => "x86-64",
        92 => "openrisc",
        93 => "arc",
        94 => "xtensa",
        106 => "blackfin",
        Aarch64 => "aarch64",
        189 => "microblaze",
        195 => "arc-v2",
        247 => "bpf",
        RiscV => "riscv",
        258 => "loongarch",
        _ => $"em-{machine}",
    };
}
