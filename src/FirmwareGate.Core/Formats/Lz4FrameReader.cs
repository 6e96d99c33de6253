using FirmwareGate.Core.Sources;
using K4os.Compression.LZ4.Streams;

namespace FirmwareGate.Core.Formats;

/// <summary>LZ4 frame format, decoded with K4os.Compression.LZ4.</summary>
public sealed class Lz4FrameReader : StreamDecompressionReader
{
    /// <inheritdoc/>
    public override string Format => "lz4";

    // 04 22 4d 18: frame magic 0x184D2204 little-endian (lz4 frame format §General Structure).
    /// <inheritdoc/>
    public override IReadOnlyList<Signature> Signatures { get; } = [new([0x04, 0x22, 0x4D, 0x18])];

    /// <inheritdoc/>
    public override bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = Head(source, stackalloc byte[7]);

        // FLG: version 01, reserved bit 1 zero; BD: reserved bits zero, block size id 4..7.
        return h.Length == 7 && (h[4] >> 6) == 1 && (h[4] & 0x02) == 0 && (h[5] & 0x8F) == 0 && ((h[5] >> 4) & 7) >= 4;
    }

    /// <inheritdoc/>
    protected override Stream OpenDecoder(Stream input, IByteSource source, ReadContext context) => LZ4Stream.Decode(input, leaveOpen: true);
}
