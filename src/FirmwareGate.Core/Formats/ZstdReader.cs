using FirmwareGate.Core.Sources;
using ZstdSharp;

namespace FirmwareGate.Core.Formats;

/// <summary>Zstandard frames (RFC 8878), decoded with ZstdSharp.</summary>
public sealed class ZstdReader : StreamDecompressionReader
{
    /// <inheritdoc/>
    public override string Format => "zstd";

    // 28 b5 2f fd: frame magic 0xFD2FB528 little-endian (RFC 8878 §3.1.1).
    /// <inheritdoc/>
    public override IReadOnlyList<Signature> Signatures { get; } = [new([0x28, 0xB5, 0x2F, 0xFD])];

    /// <inheritdoc/>
    public override bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = Head(source, stackalloc byte[6]);

        // Frame_Header_Descriptor bit 3 is reserved and must be zero.
        return h.Length == 6 && (h[4] & 0x08) == 0;
    }

    /// <inheritdoc/>
    protected override Stream OpenDecoder(Stream input, IByteSource source, ReadContext context)
    {
        var stream = new DecompressionStream(input, leaveOpen: true);
        stream.SetParameter(ZstdSharp.Unsafe.ZSTD_dParameter.ZSTD_d_windowLogMax, 27);
        return stream;
    }
}
