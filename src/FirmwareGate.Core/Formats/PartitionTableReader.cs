using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// Disk partition tables with 512-byte sectors: MBR (four primary entries, extended partitions with
/// their chain of EBRs) and GPT (UEFI 2.10 §5.3: header at LBA 1 and the entry array, both CRC32-checked).
/// A protective MBR (type 0xEE) defers to the GPT. Each partition is a carved child named by its
/// number (MBR: 1-4 primary, 5+ logical, as Linux numbers them) or its GPT name.
/// </summary>
public sealed class PartitionTableReader : IFormatReader
{
    private const int Sector = 512;
    private const int MaxLogical = 128;
    private const int MaxGptEntries = 1024;

    /// <summary>MBR layout (offsets within sector 0).</summary>
    private static class Mbr
    {
        public const int Entries = 446;
        public const int EntrySize = 16;
        public const int BootFlag = 0;
        public const int Type = 4;
        public const int StartLba = 8;
        public const int SectorCount = 12;
        public const int Signature = 510;
    }

    /// <summary>GPT header offsets (UEFI 2.10 table 5.5).</summary>
    private static class Gpt
    {
        public const int HeaderSize = 12;
        public const int HeaderCrc = 16;
        public const int MyLba = 24;
        public const int AlternateLba = 32;
        public const int EntryLba = 72;
        public const int EntryCount = 80;
        public const int EntrySize = 84;
        public const int EntryArrayCrc = 88;
        public const int MinHeaderSize = 92;
        public const int EntryFirstLba = 32;
        public const int EntryLastLba = 40;
        public const int EntryName = 56;
        public const int EntryNameBytes = 72;
    }

    private readonly record struct Partition(int Number, long Start, long Length, string Type, string? Name);

    /// <inheritdoc/>
    public string Format => "partition-table";

    // MBR boot signature 55 aa at 0x1fe; GPT "EFI PART" (45 46 49 20 50 41 52 54) at LBA 1.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("EFI PART"u8.ToArray(), Sector), new([0x55, 0xAA], Mbr.Signature)];

    /// <inheritdoc/>
    public bool WeakSignature => true;

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> mbr = stackalloc byte[Sector];
        if (source.ReadFully(0, mbr) < Sector || mbr[Mbr.Signature] != 0x55 || mbr[Mbr.Signature + 1] != 0xAA)
        {
            return false;
        }

        return TryReadGptHeader(source, out _) || ValidMbr(mbr, source.Length);
    }

    // Four entries, each empty or with a boot flag of 0x00/0x80, a start inside the input and a
    // size: a FAT or ext boot sector that also ends in 55 aa fails this.
    private static bool ValidMbr(ReadOnlySpan<byte> mbr, long sourceLength)
    {
        int used = 0;
        for (int i = 0; i < 4; i++)
        {
            var e = mbr.Slice(Mbr.Entries + (i * Mbr.EntrySize), Mbr.EntrySize);
            if (e[Mbr.Type] == 0)
            {
                if (e.IndexOfAnyExcept((byte)0) >= 0)
                {
                    return false;
                }

                continue;
            }

            long start = BinaryPrimitives.ReadUInt32LittleEndian(e[Mbr.StartLba..]);
            long count = BinaryPrimitives.ReadUInt32LittleEndian(e[Mbr.SectorCount..]);
            if (e[Mbr.BootFlag] is not (0 or 0x80) || start == 0 || count == 0 || start * Sector >= sourceLength)
            {
                return false;
            }

            used++;
        }

        return used > 0;
    }

    private readonly record struct GptHeader(long EntryLba, uint EntryCount, uint EntrySize, uint EntryArrayCrc, long AlternateLba);

    private static bool TryReadGptHeader(IByteSource source, out GptHeader header)
    {
        header = default;
        Span<byte> h = stackalloc byte[Sector];
        if (source.ReadFully(Sector, h) < Sector || !h[..8].SequenceEqual("EFI PART"u8))
        {
            return false;
        }

        uint size = BinaryPrimitives.ReadUInt32LittleEndian(h[Gpt.HeaderSize..]);
        if (size is < Gpt.MinHeaderSize or > Sector || BinaryPrimitives.ReadUInt64LittleEndian(h[Gpt.MyLba..]) != 1)
        {
            return false;
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(h[Gpt.HeaderCrc..]);
        h[Gpt.HeaderCrc..(Gpt.HeaderCrc + 4)].Clear();
        if (Crc32.HashToUInt32(h[..(int)size]) != stored)
        {
            return false;
        }

        header = new GptHeader(
            (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(h[Gpt.EntryLba..]), long.MaxValue / Sector),
            BinaryPrimitives.ReadUInt32LittleEndian(h[Gpt.EntryCount..]),
            BinaryPrimitives.ReadUInt32LittleEndian(h[Gpt.EntrySize..]),
            BinaryPrimitives.ReadUInt32LittleEndian(h[Gpt.EntryArrayCrc..]),
            (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(h[Gpt.AlternateLba..]), long.MaxValue / Sector));
        return header.EntrySize >= 128 && header.EntrySize % 8 == 0 && header.EntrySize <= 4096 && header.EntryCount > 0;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        var warnings = new List<string>();
        List<Partition> parts;
        string scheme;
        // The format is reported as the scheme found: "mbr" or "gpt".
        long end = Sector;
        if (TryReadGptHeader(source, out var gpt))
        {
            scheme = "gpt";
            parts = ReadGpt(source, gpt, warnings, ref end);
        }
        else
        {
            Span<byte> mbr = stackalloc byte[Sector];
            source.ReadExactly(0, mbr, Format);
            if (mbr[Mbr.Signature] != 0x55 || mbr[Mbr.Signature + 1] != 0xAA || !ValidMbr(mbr, source.Length))
            {
                throw new CorruptDataException(Format, 0, "no valid MBR or GPT header");
            }

            scheme = "mbr";
            parts = ReadMbr(source, mbr, warnings, context);
        }

        var children = new List<ChildBlob>();
        foreach (var p in parts)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            long start = p.Start * Sector;
            if (start >= source.Length)
            {
                warnings.Add($"{scheme}: partition {p.Number} starts at 0x{start:x}, past the {source.Length} bytes available; not analysed");
                continue;
            }

            long length = p.Length * Sector;
            if (length > source.Length - start)
            {
                warnings.Add($"{scheme}: partition {p.Number} ends past the {source.Length} bytes available (truncated); reading what is there");
                length = source.Length - start;
            }

            var details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["partition"] = p.Number.ToString(CultureInfo.InvariantCulture),
                ["partitionType"] = p.Type,
            };
            children.Add(new ChildBlob(source.Slice(start, length), start, p.Name ?? p.Number.ToString(CultureInfo.InvariantCulture)) { Carved = true, Details = details });
            end = Math.Max(end, start + length);
        }

        var result = new ReadResult { Length = Math.Min(end, source.Length), Format = scheme };
        result.Children.AddRange(children);
        result.Details["partitions"] = children.Count.ToString(CultureInfo.InvariantCulture);
        result.Warnings.AddRange(warnings);
        return result;
    }

    private static List<Partition> ReadMbr(IByteSource source, ReadOnlySpan<byte> mbr, List<string> warnings, ReadContext context)
    {
        var parts = new List<Partition>();
        int logical = 5;
        for (int i = 0; i < 4; i++)
        {
            var e = mbr.Slice(Mbr.Entries + (i * Mbr.EntrySize), Mbr.EntrySize);
            byte type = e[Mbr.Type];
            if (type == 0)
            {
                continue;
            }

            long start = BinaryPrimitives.ReadUInt32LittleEndian(e[Mbr.StartLba..]);
            long count = BinaryPrimitives.ReadUInt32LittleEndian(e[Mbr.SectorCount..]);
            if (type is 0x05 or 0x0F or 0x85)
            {
                ReadExtended(source, start, count, parts, ref logical, warnings, context);
                continue;
            }

            parts.Add(new Partition(i + 1, start, count, "0x" + type.ToString("x2", CultureInfo.InvariantCulture), null));
        }

        return parts;
    }

    // The EBR chain: entry 1 is a logical partition relative to its EBR, entry 2 the next EBR
    // relative to the extended partition's start. A chain that revisits an EBR is a loop.
    private static void ReadExtended(IByteSource source, long extStart, long extCount, List<Partition> parts, ref int number, List<string> warnings, ReadContext context)
    {
        var seen = new HashSet<long>();
        Span<byte> ebr = stackalloc byte[Sector];
        long at = extStart;
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (!seen.Add(at))
            {
                warnings.Add($"mbr: extended partition chain returns to the EBR at sector {at}: a loop; chain stops");
                return;
            }

            if (seen.Count > MaxLogical)
            {
                warnings.Add($"mbr: more than {MaxLogical} logical partitions; chain stops");
                return;
            }

            if (at > long.MaxValue / Sector || source.ReadFully(at * Sector, ebr) < Sector || ebr[Mbr.Signature] != 0x55 || ebr[Mbr.Signature + 1] != 0xAA)
            {
                warnings.Add($"mbr: no valid EBR at sector {at}; chain stops");
                return;
            }

            var first = ebr.Slice(Mbr.Entries, Mbr.EntrySize);
            if (first[Mbr.Type] != 0)
            {
                long start = at + BinaryPrimitives.ReadUInt32LittleEndian(first[Mbr.StartLba..]);
                long count = BinaryPrimitives.ReadUInt32LittleEndian(first[Mbr.SectorCount..]);
                if (start + count > extStart + extCount)
                {
                    warnings.Add($"mbr: logical partition {number} runs past its extended partition");
                }

                parts.Add(new Partition(number++, start, count, "0x" + first[Mbr.Type].ToString("x2", CultureInfo.InvariantCulture), null));
            }

            var next = ebr.Slice(Mbr.Entries + Mbr.EntrySize, Mbr.EntrySize);
            if (next[Mbr.Type] == 0)
            {
                return;
            }

            at = extStart + BinaryPrimitives.ReadUInt32LittleEndian(next[Mbr.StartLba..]);
        }
    }

    private static List<Partition> ReadGpt(IByteSource source, GptHeader gpt, List<string> warnings, ref long end)
    {
        var parts = new List<Partition>();
        if (gpt.EntryCount > MaxGptEntries)
        {
            warnings.Add($"gpt: {gpt.EntryCount} entries, more than {MaxGptEntries}; reading the first {MaxGptEntries}");
        }

        long count = Math.Min(gpt.EntryCount, MaxGptEntries);
        long arrayStart = gpt.EntryLba * Sector;
        long arrayBytes = count * gpt.EntrySize;
        if (arrayStart >= source.Length || arrayBytes > source.Length - arrayStart)
        {
            throw new TruncatedInputException("gpt", arrayStart, $"the entry array ({arrayBytes} bytes) runs past the end of the input");
        }

        byte[] array = new byte[arrayBytes];
        source.ReadExactly(arrayStart, array, "gpt");
        end = Math.Max(end, arrayStart + arrayBytes);
        if (count == gpt.EntryCount && Crc32.HashToUInt32(array) != gpt.EntryArrayCrc)
        {
            warnings.Add($"gpt: entry array CRC32 mismatch (header 0x{gpt.EntryArrayCrc:x8}); entries read anyway");
        }

        for (int i = 0; i < count; i++)
        {
            var e = array.AsSpan(i * (int)gpt.EntrySize, (int)gpt.EntrySize);
            if (e[..16].IndexOfAnyExcept((byte)0) < 0)
            {
                continue;
            }

            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(e[Gpt.EntryFirstLba..]);
            ulong last = BinaryPrimitives.ReadUInt64LittleEndian(e[Gpt.EntryLastLba..]);
            if (last < first || last >= (ulong)(long.MaxValue / Sector))
            {
                warnings.Add($"gpt: entry {i + 1} has LBAs {first}..{last}; ignored");
                continue;
            }

            string name = Encoding.Unicode.GetString(e.Slice(Gpt.EntryName, Gpt.EntryNameBytes)).TrimEnd('\0');
            int nul = name.IndexOf('\0', StringComparison.Ordinal);
            name = nul >= 0 ? name[..nul] : name;
            parts.Add(new Partition(i + 1, (long)first, (long)(last - first + 1), new Guid(e[..16]).ToString(), name.Length > 0 ? $"{i + 1}-{name}" : null));
        }

        // The backup header sits in the last sector; the layer covers it when it is there.
        if (gpt.AlternateLba > 1 && gpt.AlternateLba * Sector < source.Length)
        {
            end = Math.Max(end, (gpt.AlternateLba + 1) * Sector);
        }

        return parts;
    }
}
