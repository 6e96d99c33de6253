using System.Buffers.Binary;
using System.Globalization;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// Broadcom TRX (v1: 3 partitions, v2: 4), as written by OpenWrt's trx/otrx tools:
/// magic, length, CRC32, flags/version, partition offsets.
/// </summary>
public sealed class TrxReader : IFormatReader
{
    private static class FieldOffsets
    {
        public const int Magic = 0;
        public const int Length = 4;
        public const int Crc = 8;
        public const int FlagsVersion = 12;
        public const int Partitions = 16;
    }

    /// <inheritdoc/>
    public string Format => "trx";

    // "HDR0" = 48 44 52 30.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("HDR0"u8.ToArray())];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[32];
        if (source.ReadFully(0, h) < 32)
        {
            return false;
        }

        uint len = BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.Length..]);
        int version = BinaryPrimitives.ReadUInt16LittleEndian(h[(FieldOffsets.FlagsVersion + 2)..]);
        if (version is not (1 or 2) || len < HeaderSize(version))
        {
            return false;
        }

        uint first = BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.Partitions..]);
        if (first != 0 && (first < HeaderSize(version) || first >= len))
        {
            return false;
        }

        length = len;
        return true;
    }

    private static int HeaderSize(int version) => version == 1 ? 28 : 32;

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        Span<byte> h = stackalloc byte[32];
        source.ReadExactly(0, h, Format);
        long len = BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.Length..]);
        int version = BinaryPrimitives.ReadUInt16LittleEndian(h[(FieldOffsets.FlagsVersion + 2)..]);
        int count = version == 1 ? 3 : 4;
        var result = new ReadResult { Length = Math.Min(len, source.Length) };
        result.Details["version"] = version.ToString(CultureInfo.InvariantCulture);
        result.Details["flags"] = "0x" + BinaryPrimitives.ReadUInt16LittleEndian(h[FieldOffsets.FlagsVersion..]).ToString("x", CultureInfo.InvariantCulture);
        if (len > source.Length)
        {
            result.Warnings.Add($"trx at 0x0: header length {len} exceeds the {source.Length} bytes available; reading what is there");
            len = source.Length;
        }
        else
        {
            // The CRC covers flags/version to the end, zlib CRC32 without the final inversion.
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.Crc..]);
            uint actual = ~Checksums.Crc32Of(source.Slice(FieldOffsets.FlagsVersion, len - FieldOffsets.FlagsVersion), context.CancellationToken);
            result.Details["crcValid"] = stored == actual ? "true" : "false";
            if (stored != actual)
            {
                result.Warnings.Add($"trx at 0x0: CRC32 mismatch (header 0x{stored:x8}, data 0x{actual:x8})");
            }
        }

        var offsets = new List<long>();
        for (int i = 0; i < count; i++)
        {
            long off = BinaryPrimitives.ReadUInt32LittleEndian(h[(FieldOffsets.Partitions + (4 * i))..]);
            if (off == 0)
            {
                continue;
            }

            if (off < HeaderSize(version) || off >= len || (offsets.Count > 0 && off <= offsets[^1]))
            {
                result.Warnings.Add($"trx at 0x0: partition {i} offset 0x{off:x} is outside the image or out of order; ignored");
                continue;
            }

            offsets.Add(off);
        }

        for (int i = 0; i < offsets.Count; i++)
        {
            long end = i + 1 < offsets.Count ? offsets[i + 1] : len;
            result.Children.Add(new ChildBlob(source.Slice(offsets[i], end - offsets[i]), offsets[i]) { Carved = true });
        }

        return result;
    }
}
