using FirmwareGate.Core.Sources;
using SharpCompress.Compressors;
using SharpCompress.Compressors.BZip2;

namespace FirmwareGate.Core.Formats;

/// <summary>bzip2 streams, decoded with SharpCompress.</summary>
public sealed class Bzip2Reader : StreamDecompressionReader
{
    /// <inheritdoc/>
    public override string Format => "bzip2";

    // "BZh" + level '1'..'9', then the block magic 31 41 59 26 53 59 (pi) or end magic 17 72 45 38 50 90.
    /// <inheritdoc/>
    public override IReadOnlyList<Signature> Signatures { get; } = [new("BZh"u8.ToArray())];

    /// <inheritdoc/>
    public override bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = Head(source, stackalloc byte[10]);
        return h.Length == 10 && h[3] is >= (byte)'1' and <= (byte)'9'
            && (h[4..].SequenceEqual((ReadOnlySpan<byte>)[0x31, 0x41, 0x59, 0x26, 0x53, 0x59])
                || h[4..].SequenceEqual((ReadOnlySpan<byte>)[0x17, 0x72, 0x45, 0x38, 0x50, 0x90]));
    }

    /// <inheritdoc/>
    protected override Stream OpenDecoder(Stream input, IByteSource source, ReadContext context) =>
        BZip2Stream.Create(input, CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true, tolerateTruncatedStream: false);
}
