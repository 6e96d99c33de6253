namespace FirmwareGate.Core.Formats.AndroidSparse;

/// <summary>
/// One run of output blocks of an Android sparse image: raw bytes stored in the image
/// (<paramref name="StoredOffset"/> is set), a repeated 32-bit fill pattern, or a hole of zeros.
/// </summary>
/// <param name="OutputOffset">Where the run starts in the expanded image.</param>
/// <param name="Length">Bytes in the run.</param>
/// <param name="StoredOffset">Offset of the raw data in the sparse file, or -1 for fill and holes.</param>
/// <param name="Fill">The fill pattern (little-endian word as stored); 0 for holes.</param>
internal readonly record struct SparseSegment(long OutputOffset, long Length, long StoredOffset, uint Fill);
