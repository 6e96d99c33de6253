namespace FirmwareGate.Core.Formats;

/// <summary>
/// Bounds on what one scan may produce. Firmware is hostile: every reader checks these before it
/// allocates, decodes or recurses. Defaults suit real images up to a few GB unpacked.
/// </summary>
public sealed record ReadLimits
{
    /// <summary>Maximum nesting of layers (image → trx → squashfs is depth 2).</summary>
    public int MaxDepth { get; init; } = 12;

    /// <summary>Maximum bytes decoded or extracted in the whole scan (4 GiB).</summary>
    public long MaxTotalBytes { get; init; } = 4L << 30;

    /// <summary>
    /// Maximum decoded/encoded ratio of one compressed layer, checked as it decodes once the layer has
    /// produced <see cref="RatioFloorBytes"/>: small, very compressible members (a sparse ext4 image)
    /// pass, a bomb stops early.
    /// </summary>
    public double MaxRatio { get; init; } = 200;

    /// <summary>Decoded bytes a layer may produce before the ratio is enforced (32 MiB).</summary>
    public long RatioFloorBytes { get; init; } = 32L << 20;

    /// <summary>Maximum filesystem and archive entries in the whole scan.</summary>
    public int MaxFiles { get; init; } = 500_000;

    /// <summary>Decoded layers up to this size stay in memory; larger ones spill to a scratch file.</summary>
    public long InMemoryBytes { get; init; } = 32L << 20;

    /// <summary>
    /// Maximum layers in the whole scan. Depth alone does not bound a tree whose nodes point back
    /// into their parent (a FIT whose images cover the FIT): breadth multiplies at every level.
    /// </summary>
    public int MaxLayers { get; init; } = 10_000;

    /// <summary>
    /// Decoded bytes all layers together may keep in memory (256 MiB); once it is used, further
    /// decoded outputs go to scratch files, so memory is bounded by this, not by the total-bytes limit.
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = 256L << 20;

    /// <summary>Longest path inside a filesystem or archive, in bytes (Linux PATH_MAX).</summary>
    public int MaxPathBytes { get; init; } = 4096;

    /// <summary>The defaults.</summary>
    public static ReadLimits Default { get; } = new();
}
