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
    protected override Stream OpenDecoder(Stream input, IByteSource source, ReadContext context)
    {
        if (context.UseNativeCodecs && LibLzma.IsAvailable)
        {
            return new LzmaNativeStream(input, alone: false);
        }

        // The managed decoder allocates the whole window a block header claims, with no limit of its own.
        if (FirstBlockDictionary(source) is { } dictionary && dictionary > LibLzma.MaxDictionary)
        {
            throw new CorruptDataException(Format, 12, $"dictionary of {dictionary} bytes is above the decoder limit of {LibLzma.MaxDictionary}");
        }

        return new SharpCompress.Compressors.Xz.XZStream(input);
    }

    /// <summary>The LZMA2 dictionary size of the first block's filter chain (xz file format §3.1), if it has one.</summary>
    private static long? FirstBlockDictionary(IByteSource source)
    {
        Span<byte> h = stackalloc byte[1024];
        h = h[..source.ReadFully(12, h)];
        if (h.Length < 2 || h[0] == 0 || (h[0] + 1) * 4 > h.Length)
        {
            return null;
        }

        h = h[..((h[0] + 1) * 4)];
        int filters = (h[1] & 3) + 1;
        int pos = 2;
        int sizes = ((h[1] >> 6) & 1) + ((h[1] >> 7) & 1);
        for (int i = 0; i < sizes; i++)
        {
            _ = ReadVarint(h, ref pos);
        }

        for (int f = 0; f < filters && pos < h.Length; f++)
        {
            long id = ReadVarint(h, ref pos);
            long size = ReadVarint(h, ref pos);
            if (size < 0 || pos + size > h.Length)
            {
                return null;
            }

            if (id == 0x21 && size == 1)
            {
                int p = h[pos];
                return p > 40 ? long.MaxValue : (2L | (p & 1L)) << ((p / 2) + 11);
            }

            pos += (int)size;
        }

        return null;
    }

    private static long ReadVarint(ReadOnlySpan<byte> h, ref int pos)
    {
        long value = 0;
        for (int shift = 0; shift < 63 && pos < h.Length; shift += 7)
        {
            byte b = h[pos++];
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        return -1;
    }

    /// <inheritdoc/>
    protected override long ConsumedLength(Stream decoder, Stream input, IByteSource source) =>
        decoder is LzmaNativeStream n ? n.TotalIn : base.ConsumedLength(decoder, input, source);
}
