namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>Bounds on what one offline file may cost.</summary>
/// <param name="MaxFileBytes">Largest file read (compressed size for gzip files).</param>
/// <param name="MaxDecompressedBytes">Largest content a gzip file may expand to.</param>
/// <param name="MaxFiles">Most files one folder import reads.</param>
internal sealed record SourceLimits(long MaxFileBytes, long MaxDecompressedBytes, int MaxFiles)
{
    /// <summary>An NVD yearly feed is a few hundred MB uncompressed; 1 GiB leaves room and refuses bombs.</summary>
    public static SourceLimits Default { get; } = new(1L << 30, 1L << 30, 2_000_000);
}
