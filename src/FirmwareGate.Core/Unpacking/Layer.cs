using System.Text.Json.Serialization;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Unpacking;

/// <summary>One node of the unpack tree: a recognised format, padding, or an unknown region.</summary>
public sealed class Layer
{
    /// <summary>Stable id from the tree position ("1", "1.2").</summary>
    public string Id { get; set; } = "";

    /// <summary>Format name (<c>squashfs</c>, <c>uimage</c>, <c>padding</c>, <c>unknown</c>, <c>kernel</c>, ...).</summary>
    public required string Format { get; set; }

    /// <summary>Offset in the parent's decoded bytes; null for a named member (archive entry, FIT node).</summary>
    public long? Offset { get; init; }

    /// <summary>Member name when the layer is a named member of its parent.</summary>
    public string? Name { get; init; }

    /// <summary>Bytes of the parent this layer occupies.</summary>
    public long Size { get; set; }

    /// <summary>Compression of the layer's content (squashfs compressor, uImage comp field).</summary>
    public string? Compression { get; set; }

    /// <summary>Format-specific header fields, sorted.</summary>
    public SortedDictionary<string, string> Details { get; } = new(StringComparer.Ordinal);

    /// <summary>Problems found while reading this layer.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Nested layers.</summary>
    public List<Layer> Children { get; } = [];

    /// <summary>Shannon entropy (bits per byte) of unknown regions.</summary>
    public double? Entropy { get; set; }

    /// <summary>Bytes of an unknown region in 4 KiB blocks above the high-entropy threshold.</summary>
    public long? HighEntropyBytes { get; set; }

    /// <summary>Entries, for filesystems and archives.</summary>
    [JsonIgnore]
    public FileSystemTree? FileSystem { get; set; }

    /// <summary>The layer's bytes within its parent.</summary>
    [JsonIgnore]
    public IByteSource? Source { get; set; }

    /// <summary>Display location: image@0x40:uimage/squashfs(xz).</summary>
    [JsonIgnore]
    public string Location { get; set; } = "";

    /// <summary>True when children are regions of this layer's own bytes (coverage recurses into them).</summary>
    [JsonIgnore]
    public bool ChildrenAreCarved { get; set; }

    /// <summary>
    /// Position in the parent's bytes of a layer carved from them, also for named members (FIT
    /// nodes) whose <see cref="Offset"/> is null; coverage uses it. Not part of the report.
    /// </summary>
    [JsonIgnore]
    public long? CarvedOffset { get; set; }

    /// <summary>True for recognised formats (not padding or unknown).</summary>
    [JsonIgnore]
    public bool IsRecognised => Format is not (LayerFormats.Padding or LayerFormats.Unknown);

    /// <summary>Walks this layer and its descendants, depth first.</summary>
    public IEnumerable<Layer> Descendants()
    {
        yield return this;
        foreach (var child in Children)
        {
            foreach (var d in child.Descendants())
            {
                yield return d;
            }
        }
    }
}
