namespace FirmwareGate.Core.Elf;

/// <summary>What the dynamic section says: needed libraries, own name, search paths and binding flags.</summary>
public sealed class ElfDynamic
{
    /// <summary>DF_BIND_NOW in DT_FLAGS.</summary>
    public const ulong FlagBindNow = 0x8;

    /// <summary>DF_1_NOW in DT_FLAGS_1.</summary>
    public const ulong Flag1Now = 0x1;

    /// <summary>DF_1_PIE in DT_FLAGS_1: a position-independent executable.</summary>
    public const ulong Flag1Pie = 0x08000000;

    internal ElfDynamic(IReadOnlyList<ElfDynamicEntry> entries, IReadOnlyList<string> needed, string? soname, string? rpath, string? runpath)
    {
        Entries = entries;
        Needed = needed;
        Soname = soname;
        RPath = rpath;
        RunPath = runpath;
        Flags = Find(ElfDynamicTag.Flags);
        Flags1 = Find(ElfDynamicTag.Flags1);
    }

    /// <summary>The entries in file order, up to DT_NULL.</summary>
    public IReadOnlyList<ElfDynamicEntry> Entries { get; }

    /// <summary>DT_NEEDED names, in file order.</summary>
    public IReadOnlyList<string> Needed { get; }

    /// <summary>DT_SONAME.</summary>
    public string? Soname { get; }

    /// <summary>DT_RPATH.</summary>
    public string? RPath { get; }

    /// <summary>DT_RUNPATH.</summary>
    public string? RunPath { get; }

    /// <summary>DT_FLAGS, when present.</summary>
    public ulong? Flags { get; }

    /// <summary>DT_FLAGS_1, when present.</summary>
    public ulong? Flags1 { get; }

    /// <summary>True when symbols are bound at load time: DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW (full RELRO needs it).</summary>
    public bool BindNow =>
        Has(ElfDynamicTag.BindNow) || (Flags is { } f && (f & FlagBindNow) != 0) || (Flags1 is { } f1 && (f1 & Flag1Now) != 0);

    /// <summary>True when an entry with this tag is present.</summary>
    public bool Has(ElfDynamicTag tag) => Entries.Any(e => e.Tag == tag);

    /// <summary>The value of the first entry with this tag.</summary>
    public ulong? Find(ElfDynamicTag tag)
    {
        foreach (var e in Entries)
        {
            if (e.Tag == tag)
            {
                return e.Value;
            }
        }

        return null;
    }
}
