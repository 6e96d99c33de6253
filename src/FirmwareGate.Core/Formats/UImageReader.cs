using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// U-Boot legacy image (include/image.h, struct legacy_img_hdr): a 64-byte big-endian header with
/// header and data CRC32, OS, architecture, type, compression and name; type "multi" carries a
/// zero-terminated size table followed by 4-byte aligned sub-images.
/// </summary>
public sealed class UImageReader : IFormatReader
{
    private const int HeaderSize = 64;
    private const int MaxMultiParts = 64;

    private static class FieldOffsets
    {
        public const int Magic = 0;
        public const int HeaderCrc = 4;
        public const int Time = 8;
        public const int Size = 12;
        public const int Load = 16;
        public const int Entry = 20;
        public const int DataCrc = 24;
        public const int Os = 28;
        public const int Arch = 29;
        public const int Type = 30;
        public const int Comp = 31;
        public const int Name = 32;
    }

    private static readonly string[] Types = ["invalid", "standalone", "kernel", "ramdisk", "multi", "firmware", "script", "filesystem", "flat_dt"];
    private static readonly string[] Comps = ["none", "gzip", "bzip2", "lzma", "lzo", "lz4", "zstd"];
    private static readonly Dictionary<int, string> Oses = new() { [1] = "openbsd", [2] = "netbsd", [3] = "freebsd", [5] = "linux", [14] = "qnx", [17] = "u-boot", [19] = "rtems", [20] = "ose", [21] = "plan9", [22] = "openrtos", [23] = "arm-trusted-firmware", [24] = "tee", [25] = "opensbi", [26] = "efi" };
    private static readonly Dictionary<int, string> Arches = new() { [1] = "alpha", [2] = "arm", [3] = "x86", [4] = "ia64", [5] = "mips", [6] = "mips64", [7] = "ppc", [8] = "s390", [9] = "sh", [10] = "sparc", [11] = "sparc64", [12] = "m68k", [15] = "microblaze", [16] = "nios2", [17] = "blackfin", [18] = "avr32", [19] = "st200", [20] = "sandbox", [21] = "nds32", [22] = "arm64", [23] = "arc", [24] = "x86_64", [25] = "xtensa", [26] = "riscv" };

    /// <inheritdoc/>
    public string Format => "uimage";

    // 27 05 19 56: IH_MAGIC 0x27051956, big-endian.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new([0x27, 0x05, 0x19, 0x56])];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[HeaderSize];
        if (source.ReadFully(0, h) < HeaderSize || !HeaderCrcValid(h))
        {
            return false;
        }

        length = HeaderSize + (long)BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.Size..]);
        return true;
    }

    private static bool HeaderCrcValid(ReadOnlySpan<byte> h)
    {
        Span<byte> copy = stackalloc byte[HeaderSize];
        h.CopyTo(copy);
        copy.Slice(FieldOffsets.HeaderCrc, 4).Clear();
        return Crc32.HashToUInt32(copy) == BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.HeaderCrc..]);
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        Span<byte> h = stackalloc byte[HeaderSize];
        source.ReadExactly(0, h, Format);
        if (!HeaderCrcValid(h))
        {
            throw new CorruptDataException(Format, FieldOffsets.HeaderCrc, "header CRC32 mismatch");
        }

        long size = BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.Size..]);
        string type = Name(Types, h[FieldOffsets.Type]);
        string comp = Name(Comps, h[FieldOffsets.Comp]);
        var result = new ReadResult { Length = Math.Min(HeaderSize + size, source.Length), Compression = comp };
        var d = result.Details;
        d["name"] = Encoding.Latin1.GetString(h.Slice(FieldOffsets.Name, 32).TrimEnd((byte)0)).Split('\0')[0];
        d["type"] = type;
        d["os"] = Oses.GetValueOrDefault(h[FieldOffsets.Os], h[FieldOffsets.Os].ToString(CultureInfo.InvariantCulture));
        d["arch"] = Arches.GetValueOrDefault(h[FieldOffsets.Arch], h[FieldOffsets.Arch].ToString(CultureInfo.InvariantCulture));
        d["comp"] = comp;
        d["time"] = BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.Time..]).ToString(CultureInfo.InvariantCulture);
        d["load"] = "0x" + BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.Load..]).ToString("x8", CultureInfo.InvariantCulture);
        d["entry"] = "0x" + BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.Entry..]).ToString("x8", CultureInfo.InvariantCulture);

        long available = Math.Min(size, source.Length - HeaderSize);
        var data = source.Slice(HeaderSize, available);
        if (available < size)
        {
            result.Warnings.Add($"uimage at 0x0: data needs {size} bytes, {available} available (truncated)");
            d["dataCrcValid"] = "false";
        }
        else
        {
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.DataCrc..]);
            uint actual = Checksums.Crc32Of(data, context.CancellationToken);
            d["dataCrcValid"] = stored == actual ? "true" : "false";
            if (stored != actual)
            {
                result.Warnings.Add($"uimage at 0x0: data CRC32 mismatch (header 0x{stored:x8}, data 0x{actual:x8})");
            }
        }

        string? expected = comp is "none" or "invalid" ? null : comp;
        if (type == "multi")
        {
            AddMultiParts(data, result, expected);
        }
        else
        {
            result.Children.Add(new ChildBlob(data, HeaderSize, Label: type == "flat_dt" ? "dtb" : type) { Carved = true, ExpectedFormat = expected });
        }

        return result;
    }

    private void AddMultiParts(IByteSource data, ReadResult result, string? expected)
    {
        var sizes = new List<long>();
        Span<byte> word = stackalloc byte[4];
        long pos = 0;
        while (true)
        {
            if (data.ReadFully(pos, word) < 4)
            {
                throw new TruncatedInputException(Format, HeaderSize + pos, "multi-image size table runs past the data");
            }

            pos += 4;
            uint s = BinaryPrimitives.ReadUInt32BigEndian(word);
            if (s == 0)
            {
                break;
            }

            if (sizes.Count == MaxMultiParts)
            {
                throw new CorruptDataException(Format, HeaderSize + pos, $"multi-image lists more than {MaxMultiParts} parts");
            }

            sizes.Add(s);
        }

        for (int i = 0; i < sizes.Count; i++)
        {
            if (pos + sizes[i] > data.Length)
            {
                result.Warnings.Add($"uimage at 0x0: multi-image part {i} ({sizes[i]} bytes at 0x{HeaderSize + pos:x}) runs past the data; skipped");
                break;
            }

            result.Children.Add(new ChildBlob(data.Slice(pos, sizes[i]), HeaderSize + pos, Label: "part") { Carved = true, ExpectedFormat = expected });
            pos += (sizes[i] + 3) & ~3L;
        }
    }

    private static string Name(string[] names, byte value) => value < names.Length ? names[value] : value.ToString(CultureInfo.InvariantCulture);
}
