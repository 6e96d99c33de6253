using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Analysis;

/// <summary>What an analyser sees of one file (or one raw layer) before it asks for the bytes.</summary>
public sealed class AnalysisTarget
{
    internal AnalysisTarget(Layer layer, FsEntry? entry, IByteSource content, IReadOnlyList<Layer>? ancestors = null)
    {
        Layer = layer;
        Entry = entry;
        Content = content;
        Ancestors = ancestors ?? [];
    }

    /// <summary>The layers that contain <see cref="Layer"/>, outermost first (a uImage above its kernel); empty when unknown.</summary>
    public IReadOnlyList<Layer> Ancestors { get; }

    /// <summary>The layer the file belongs to (a filesystem or archive), or the raw layer itself.</summary>
    public Layer Layer { get; }

    /// <summary>The filesystem entry; null for a raw layer (a kernel, a boot loader, an unknown region).</summary>
    public FsEntry? Entry { get; }

    /// <summary>True for a file of a filesystem or archive; false for a raw layer.</summary>
    public bool IsFile => Entry is not null;

    /// <summary>Absolute path inside the filesystem ("/usr/sbin/dropbear"); empty for a raw layer.</summary>
    public string Path => Entry?.Path ?? "";

    /// <summary>The last path component; empty for a raw layer.</summary>
    public string FileName => Entry is null ? "" : Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>Size in bytes.</summary>
    public long Size => Content.Length;

    /// <summary>The bytes, read on demand.</summary>
    public IByteSource Content { get; }

    /// <summary>
    /// Where the evidence is, in the report's syntax: the layer location, then ':' and the path for a file
    /// (<c>router.trx@0x4bb9d4:trx/squashfs(xz):/usr/sbin/dropbear</c>).
    /// </summary>
    public string Location => Entry is null ? Layer.Location : Layer.Location + ":" + Entry.Path;
}
