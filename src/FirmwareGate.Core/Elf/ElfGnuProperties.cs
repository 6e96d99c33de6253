namespace FirmwareGate.Core.Elf;

/// <summary>The processor features the GNU property note (NT_GNU_PROPERTY_TYPE_0) says every object of the file was built with.</summary>
/// <param name="X86Features">GNU_PROPERTY_X86_FEATURE_1_AND bits, when present.</param>
/// <param name="Aarch64Features">GNU_PROPERTY_AARCH64_FEATURE_1_AND bits, when present.</param>
public sealed record ElfGnuProperties(uint? X86Features, uint? Aarch64Features)
{
    /// <summary>GNU_PROPERTY_X86_FEATURE_1_AND.</summary>
    public const uint X86Feature1And = 0xc0000002;

    /// <summary>GNU_PROPERTY_AARCH64_FEATURE_1_AND.</summary>
    public const uint Aarch64Feature1And = 0xc0000000;

    /// <summary>x86 indirect branch tracking (CET IBT).</summary>
    public bool Ibt => X86Features is { } f && (f & 1) != 0;

    /// <summary>x86 shadow stack (CET SHSTK).</summary>
    public bool Shstk => X86Features is { } f && (f & 2) != 0;

    /// <summary>AArch64 branch target identification.</summary>
    public bool Bti => Aarch64Features is { } f && (f & 1) != 0;

    /// <summary>AArch64 pointer authentication.</summary>
    public bool Pac => Aarch64Features is { } f && (f & 2) != 0;
}
