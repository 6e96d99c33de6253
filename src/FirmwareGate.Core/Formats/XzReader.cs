using System.Buffers.Binary;
using System.IO.Hashing;
using FirmwareGate.Core.Compression;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>.xz streams: liblzma when present (exact stream length), SharpCompress otherwise.</summary>
public sealed class XzReader : StreamDecompressionReader
{
    /// <inheritdoc/>
    public override string Format => "xz";

    // fd 37 7a 58 5a 00 "\xFD7zXZ\0" (xz file format 1.1.0 §2.1.1.1).
    /// <inheritdoc/>
    public override IReadOnlyList<Signature> Signatures { get; } = [new([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])];

    /// <inheritdoc/>
    public override bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = Head(source, stackalloc byte[12]);
        if (h.Length < 12 || h[6] != 0 || (h[7] & 0xF0) != 0)
        {
            return false;
        }

        // Stream flags are followed by their CRC32 (§2.1.1.3).
        return Crc32.HashToUInt32(h.Slice(6, 2)) == BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
    }

    /// <inheritdoc/>
    protected override Stream OpenDecoder(Stream input, IByteSource source, ReadContext context) =>
        context.UseNativeCodecs && LibLzma.IsAvailable
            ? new LzmaNativeStream(input, alone: false)
            : new SharpCompress.Compressors.Xz.XZStream(input);

    /// <inheritdoc/>
    protected override long ConsumedLength(Stream decoder, Stream input, IByteSource source) =>
        decoder is LzmaNativeStream n ? n.TotalIn : base.ConsumedLength(decoder, input, source);
}
