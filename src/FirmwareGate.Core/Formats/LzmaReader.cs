using System.Buffers.Binary;
using FirmwareGate.Core.Compression;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>LZMA-alone (.lzma): 13-byte header of properties, dictionary size and decoded size.</summary>
public sealed class LzmaReader : StreamDecompressionReader
{
    private const int HeaderSize = 13;

    /// <inheritdoc/>
    public override string Format => "lzma";

    // 5d 00 00: lc=3 lp=0 pb=2 and the low bytes of a dictionary size, the usual encoder output.
    /// <inheritdoc/>
    public override IReadOnlyList<Signature> Signatures { get; } = [new([0x5D, 0x00, 0x00])];

    /// <inheritdoc/>
    public override bool WeakSignature => true;

    /// <inheritdoc/>
    public override bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = Head(source, stackalloc byte[HeaderSize + 1]);
        if (h.Length < HeaderSize + 1 || h[0] >= 9 * 5 * 5)
        {
            return false;
        }

        uint dict = BinaryPrimitives.ReadUInt32LittleEndian(h[1..]);
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(h[5..]);
        bool dictOk = dict is >= 1 << 12 and <= 1u << 30;
        bool sizeOk = size == ulong.MaxValue || (size > 0 && size < 1UL << 34);

        // The range coder's first byte is always 0 (LZMA SDK, LzmaDec.c).
        return dictOk && sizeOk && h[HeaderSize] == 0;
    }

    /// <inheritdoc/>
    protected override Stream OpenDecoder(Stream input, IByteSource source, ReadContext context)
    {
        if (context.UseNativeCodecs && LibLzma.IsAvailable)
        {
            return new LzmaNativeStream(input, alone: true);
        }

        Span<byte> h = stackalloc byte[HeaderSize];
        source.ReadExactly(0, h, Format);
        uint dictionary = BinaryPrimitives.ReadUInt32LittleEndian(h[1..]);
        if (dictionary > LibLzma.MaxDictionary)
        {
            // The managed decoder allocates the whole window up front.
            throw new CorruptDataException(Format, 1, $"dictionary of {dictionary} bytes is above the decoder limit of {LibLzma.MaxDictionary}");
        }

        input.Position = HeaderSize;
        long size = BinaryPrimitives.ReadInt64LittleEndian(h[5..]);
        return SharpCompress.Compressors.LZMA.LzmaStream.Create(h[..5].ToArray(), input, source.Length - HeaderSize, size, leaveOpen: true);
    }

    /// <inheritdoc/>
    protected override long ConsumedLength(Stream decoder, Stream input, IByteSource source) =>
        decoder is LzmaNativeStream n ? n.TotalIn : base.ConsumedLength(decoder, input, source);
}
