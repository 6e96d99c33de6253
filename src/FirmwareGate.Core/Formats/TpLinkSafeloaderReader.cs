using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FirmwareGate.Core.Formats.Vendor;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// TP-Link SafeLoader factory images, the layout of OpenWrt firmware-utils src/tplink-safeloader.c
/// (generate_factory_image, put_partitions, read_partition_table): the big-endian image size, the MD5 of a
/// fixed 16-byte salt followed by every byte from 0x14 to the end, the vendor information block, then at
/// 0x1014 a 2048-byte text partition table of lines <c>fwup-ptn NAME base 0xHEX size 0xHEX\t\r\n</c>
/// whose bases count from 0x1014. Sysupgrade images carry no header and are not this format.
/// </summary>
public sealed class TpLinkSafeloaderReader : IFormatReader
{
    private const int TableOffset = 0x1014;
    private const int TableSize = 0x800;
    private const int DigestOffset = 4;
    private const int DigestSize = 16;
    private const int HashedFrom = 0x14;
    private const int VendorLengthOffset = 0x14;
    private const int VendorOffset = 0x18;
    private const int MaxVendorLength = TableOffset - VendorOffset;
    private const int MaxPartitions = 64;
    private const int MaxNameLength = 31;

    // md5_salt in tplink-safeloader.c: shared by the TP-Link devices that use this image format.
    private static readonly byte[] Salt = [0x7a, 0x2b, 0x15, 0xed, 0x9b, 0x98, 0x59, 0x6d, 0xe5, 0x04, 0xab, 0x44, 0xac, 0x2a, 0x9f, 0x4e];

    private static readonly byte[] EntryTag = "fwup-ptn "u8.ToArray();

    // The text and version records tplink-safeloader.c writes (make_partition_table, make_soft_version,
    // make_support_list, extra-para): part of the header's metadata, not content to unpack.
    private static readonly HashSet<string> MetadataPartitions = new(StringComparer.Ordinal) { "partition-table", "soft-version", "support-list", "extra-para" };

    /// <inheritdoc/>
    public string Format => "tplink-safeloader";

    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new(EntryTag, TableOffset)];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> head = stackalloc byte[4];
        Span<byte> tag = stackalloc byte[EntryTag.Length];
        if (source.ReadFully(0, head) < head.Length || source.ReadFully(TableOffset, tag) < tag.Length || !tag.SequenceEqual(EntryTag))
        {
            return false;
        }

        long size = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (size < TableOffset + TableSize)
        {
            return false;
        }

        length = size;
        return true;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        byte[] header = new byte[TableOffset + TableSize];
        source.ReadExactly(0, header, Format);
        long size = BinaryPrimitives.ReadUInt32BigEndian(header);
        var result = new ReadResult { Length = Math.Min(size, source.Length) };
        result.Details["vendor"] = VendorText(header);
        var partitions = ReadTable(header.AsSpan(TableOffset, TableSize), result.Warnings);
        result.Details["partitions"] = string.Join(",", partitions.Select(p => p.Name));
        VerifyDigest(source, header, size, result, context.CancellationToken);
        foreach (var p in partitions)
        {
            long start = TableOffset + p.Base;
            if (start < TableOffset + TableSize || p.Size > result.Length - start)
            {
                result.Warnings.Add($"tplink-safeloader at 0x0: partition {p.Name} (base 0x{p.Base:x}, size 0x{p.Size:x}) lies outside the {result.Length}-byte image; skipped");
                continue;
            }

            if (MetadataPartitions.Contains(p.Name))
            {
                continue;
            }

            result.Children.Add(new ChildBlob(source.Slice(start, p.Size), start, p.Name, Label: p.Name) { Carved = true });
        }

        return result;
    }

    private void VerifyDigest(IByteSource source, byte[] header, long size, ReadResult result, CancellationToken ct)
    {
        if (size > source.Length)
        {
            result.Warnings.Add($"tplink-safeloader at 0x0: image of {size} bytes runs past the {source.Length} bytes available; MD5 not checked");
            return;
        }

        byte[] actual = VendorChecksums.Md5(Salt, source.Slice(HashedFrom, size - HashedFrom), ct);
        bool valid = header.AsSpan(DigestOffset, DigestSize).SequenceEqual(actual);
        result.Details["md5Valid"] = valid ? "true" : "false";
        if (!valid)
        {
            result.Warnings.Add($"tplink-safeloader at 0x0: MD5 mismatch (header {Convert.ToHexStringLower(header.AsSpan(DigestOffset, DigestSize))}, image {Convert.ToHexStringLower(actual)})");
        }
    }

    private static string VendorText(byte[] header)
    {
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(VendorLengthOffset));
        if (length == 0 || length > MaxVendorLength)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (byte b in header.AsSpan(VendorOffset, (int)length))
        {
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : ' ');
        }

        return text.ToString().Trim();
    }

    private static List<Partition> ReadTable(ReadOnlySpan<byte> table, List<string> warnings)
    {
        var partitions = new List<Partition>();
        int pos = 0;
        while (pos + EntryTag.Length <= table.Length && table[pos..].StartsWith(EntryTag))
        {
            int end = table[pos..].IndexOf((byte)'\n');
            if (end < 0)
            {
                warnings.Add($"tplink-safeloader at 0x{TableOffset + pos:x}: unterminated partition table entry; rest of the table ignored");
                break;
            }

            if (partitions.Count == MaxPartitions)
            {
                warnings.Add($"tplink-safeloader at 0x{TableOffset + pos:x}: more than {MaxPartitions} partitions; rest of the table ignored");
                break;
            }

            string line = Encoding.ASCII.GetString(table.Slice(pos + EntryTag.Length, end - EntryTag.Length));
            if (TryParseEntry(line, out var partition))
            {
                partitions.Add(partition);
            }
            else
            {
                warnings.Add($"tplink-safeloader at 0x{TableOffset + pos:x}: unreadable partition table entry; skipped");
            }

            pos += end + 1;
        }

        return partitions;
    }

    // "NAME base 0x01814 size 0x00100\t\r" (the tag already removed).
    private static bool TryParseEntry(string line, out Partition partition)
    {
        partition = default;
        string[] words = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 5 || words[1] != "base" || words[3] != "size" || words[0].Length > MaxNameLength
            || !words[0].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            || !TryParseHex(words[2], out long b) || !TryParseHex(words[4], out long s))
        {
            return false;
        }

        partition = new Partition(words[0], b, s);
        return true;
    }

    private static bool TryParseHex(string word, out long value)
    {
        value = 0;
        return word.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && word.Length <= 10
            && long.TryParse(word.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private readonly record struct Partition(string Name, long Base, long Size);
}
