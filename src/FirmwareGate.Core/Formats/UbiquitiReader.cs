using System.Buffers.Binary;
using System.Text;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// Ubiquiti firmware images, the layout of OpenWrt firmware-utils src/fw.h and mkfwimage.c: a header
/// (magic, 256-byte version string, CRC32 of both), PART sections (name, addresses, data and part sizes,
/// the data, then a CRC32 of section header and data) and an END. section with a CRC32 of everything
/// before it (or ENDS with an RSA signature). Integers are big-endian.
/// </summary>
public sealed class UbiquitiReader : IFormatReader
{
    private const int HeaderSize = 268;   // header_t
    private const int HeaderCrcSpan = 260; // magic + version
    private const int PartHeaderSize = 56; // part_t
    private const int PartCrcSize = 8;     // part_crc_t
    private const int EndSize = 12;        // signature_t
    private const int EndRsaSize = 264;    // signature_rsa_t
    private const int MaxParts = 256;

    private static class PartOffsets
    {
        public const int Name = 4;       // char[16]
        public const int Index = 36;
        public const int DataSize = 48;
        public const int PartSize = 52;
    }

    /// <inheritdoc/>
    public string Format => "ubiquiti";

    // mkfwimage -m defaults to "OPEN"; Ubiquiti's own images start "UBNT" or "GEOS". The header CRC confirms.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("UBNT"u8.ToArray()), new("OPEN"u8.ToArray()), new("GEOS"u8.ToArray())];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[HeaderSize + 4];
        if (source.ReadFully(0, h) < h.Length || !h[HeaderSize..].SequenceEqual("PART"u8))
        {
            return false;
        }

        return BinaryPrimitives.ReadUInt32BigEndian(h[HeaderCrcSpan..]) == System.IO.Hashing.Crc32.HashToUInt32(h[..HeaderCrcSpan]);
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        byte[] h = new byte[HeaderSize];
        source.ReadExactly(0, h, Format);
        var children = new List<ChildBlob>();
        var warnings = new List<string>();
        var names = new List<string>();
        long pos = HeaderSize;
        Span<byte> part = stackalloc byte[PartHeaderSize];
        Span<byte> word = stackalloc byte[4];
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            source.ReadExactly(pos, part[..4], Format);
            if (part[..4].SequenceEqual("END."u8) || part[..4].SequenceEqual("ENDS"u8))
            {
                break;
            }

            if (!part[..4].SequenceEqual("PART"u8))
            {
                throw new CorruptDataException(Format, pos, $"ubiquiti at 0x{pos:x}: expected a PART or END section");
            }

            if (children.Count >= MaxParts)
            {
                throw new LimitExceededException(Format, pos, "parts", $"ubiquiti: more than {MaxParts} PART sections");
            }

            source.ReadExactly(pos, part, Format);
            long dataSize = BinaryPrimitives.ReadUInt32BigEndian(part[PartOffsets.DataSize..]);
            long dataOffset = pos + PartHeaderSize;
            if (dataSize > source.Length - dataOffset - PartCrcSize)
            {
                throw new TruncatedInputException(Format, pos, $"ubiquiti at 0x{pos:x}: PART data of {dataSize} bytes runs past the end");
            }

            string name = CString(part.Slice(PartOffsets.Name, 16));
            names.Add(name);
            source.ReadExactly(dataOffset + dataSize, word, Format);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(word);
            uint actual = Checksums.Crc32Of(source.Slice(pos, PartHeaderSize + dataSize), context.CancellationToken);
            if (stored != actual)
            {
                warnings.Add($"ubiquiti at 0x{pos:x}: PART {name} CRC32 mismatch (stored 0x{stored:x8}, data 0x{actual:x8})");
            }

            children.Add(new ChildBlob(source.Slice(dataOffset, dataSize), dataOffset, Label: name.Length > 0 ? name : null) { Carved = true });
            pos = dataOffset + dataSize + PartCrcSize;
        }

        bool rsa = part[3] == (byte)'S';
        long end = pos + (rsa ? EndRsaSize : EndSize);
        if (end > source.Length)
        {
            throw new TruncatedInputException(Format, pos, "ubiquiti: END section runs past the end");
        }

        var result = new ReadResult { Length = end };
        result.Details["magic"] = Encoding.ASCII.GetString(h, 0, 4);
        result.Details["version"] = CString(h.AsSpan(4, 256));
        result.Details["parts"] = string.Join(",", names);
        result.Details["signed"] = rsa ? "true" : "false";
        if (!rsa)
        {
            source.ReadExactly(pos + 4, word, Format);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(word);
            uint actual = Checksums.Crc32Of(source.Slice(0, pos), context.CancellationToken);
            result.Details["crcValid"] = stored == actual ? "true" : "false";
            if (stored != actual)
            {
                warnings.Add($"ubiquiti at 0x{pos:x}: END CRC32 mismatch (stored 0x{stored:x8}, image 0x{actual:x8})");
            }
        }

        result.Warnings.AddRange(warnings);
        result.Children.AddRange(children);
        return result;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? field : field[..end]);
    }
}
