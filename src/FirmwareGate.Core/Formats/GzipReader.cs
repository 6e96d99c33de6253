using System.IO.Compression;
using FirmwareGate.Core.Compression;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>gzip (RFC 1952), one or more members, decoded with the runtime's zlib.</summary>
public sealed class GzipReader : StreamDecompressionReader
{
    /// <inheritdoc/>
    public override string Format => "gzip";

    // 1f 8b 08: ID1 ID2 CM=deflate (RFC 1952 §2.3.1).
    /// <inheritdoc/>
    public override IReadOnlyList<Signature> Signatures { get; } = [new([0x1F, 0x8B, 0x08])];

    /// <inheritdoc/>
    public override bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = Head(source, stackalloc byte[10]);
        return h.Length == 10 && h[0] == 0x1F && h[1] == 0x8B && h[2] == 8
            && (h[3] & 0xE0) == 0 // reserved FLG bits
            && h[8] is 0 or 2 or 4 // XFL
            && (h[9] <= 13 || h[9] == 255); // OS
    }

    /// <inheritdoc/>
    protected override Stream OpenDecoder(Stream input, IByteSource source, ReadContext context) =>
        context.UseNativeCodecs && ZlibNativeStream.IsAvailable
            ? new ZlibNativeStream(input)
            : new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);

    /// <inheritdoc/>
    protected override long ConsumedLength(Stream decoder, Stream input, IByteSource source) =>
        decoder is ZlibNativeStream z ? z.TotalIn : base.ConsumedLength(decoder, input, source);
}
