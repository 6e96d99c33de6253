using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using FirmwareGate.Core.Formats.Ubi;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// UBI images (ubinize output or a NAND partition dump): every PEB's erase counter and volume identifier
/// headers, the layout volume's volume table, and each volume reassembled from its logical erase blocks
/// (the highest sequence number wins when a LEB appears twice). Each volume becomes a child named after it,
/// so the UBIFS or SquashFS inside is read in turn. Layout: the kernel's include/uapi/mtd/ubi-media.h.
/// </summary>
public sealed class UbiReader : IFormatReader
{
    // PEB sizes tried, as powers of two: 1 KiB (NOR with small sectors) to 16 MiB.
    private const int MinPebShift = 10;
    private const int MaxPebShift = 24;
    private const int MaxWarnings = 20;

    /// <inheritdoc/>
    public string Format => "ubi";

    // 55 42 49 23 "UBI#": UBI_EC_HDR_MAGIC.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("UBI#"u8.ToArray())];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        if (!TryGeometry(source, out var ec, out long peb))
        {
            return false;
        }

        length = CountPebs(source, peb, ec.ImageSeq, out _) * peb;
        return length > 0;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        if (!TryGeometry(source, out var first, out long peb))
        {
            throw new CorruptDataException(Format, 0, "no valid erase counter header, or no second PEB to tell the PEB size by");
        }

        long pebCount = CountPebs(source, peb, first.ImageSeq, out long lastUbi);
        var warnings = new List<string>();
        var lebs = ScanPebs(source, peb, lastUbi + 1, warnings, context);
        long lebSize = peb - first.DataOffset;
        var result = new ReadResult { Length = pebCount * peb };
        result.Details["pebSize"] = peb.ToString(CultureInfo.InvariantCulture);
        result.Details["lebSize"] = lebSize.ToString(CultureInfo.InvariantCulture);
        result.Details["vidHeaderOffset"] = first.VidHdrOffset.ToString(CultureInfo.InvariantCulture);
        result.Details["dataOffset"] = first.DataOffset.ToString(CultureInfo.InvariantCulture);
        result.Details["imageSeq"] = "0x" + first.ImageSeq.ToString("x8", CultureInfo.InvariantCulture);
        result.Details["pebs"] = pebCount.ToString(CultureInfo.InvariantCulture);

        var table = ReadVolumeTable(source, lebs, lebSize, warnings);
        var ids = lebs.Keys.Select(k => k.VolId).Where(v => v != UbiHeaders.LayoutVolumeId).Concat(table.Keys).Distinct().Order().ToList();
        result.Details["volumes"] = ids.Count.ToString(CultureInfo.InvariantCulture);
        foreach (uint id in ids)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            table.TryGetValue(id, out var record);
            var child = BuildVolume(source, id, record, lebs, lebSize, pebCount, warnings, context);
            if (child is not null)
            {
                result.Children.Add(child);
            }
        }

        if (warnings.Count > MaxWarnings)
        {
            int more = warnings.Count - MaxWarnings;
            warnings.RemoveRange(MaxWarnings, more);
            warnings.Add($"ubi: {more} more warnings not shown");
        }

        result.Warnings.AddRange(warnings);
        return result;
    }

    /// <summary>
    /// The first EC header, and the PEB size: the smallest power of two at which the next PEB's EC header
    /// is valid and belongs to the same image (image_seq). The PEB size is stored nowhere in UBI.
    /// </summary>
    private static bool TryGeometry(IByteSource source, out UbiHeaders.EcHeader ec, out long peb)
    {
        peb = 0;
        Span<byte> h = stackalloc byte[UbiHeaders.HeaderSize];
        if (source.ReadFully(0, h) < h.Length || !UbiHeaders.EcHeader.TryParse(h, out ec, out bool crc) || !crc || !ec.IsPlausible)
        {
            ec = default;
            return false;
        }

        for (int shift = MinPebShift; shift <= MaxPebShift; shift++)
        {
            long size = 1L << shift;
            if (size <= ec.DataOffset)
            {
                continue;
            }

            if (size + UbiHeaders.HeaderSize > source.Length)
            {
                break;
            }

            if (source.ReadFully(size, h) == h.Length && UbiHeaders.EcHeader.TryParse(h, out var next, out bool ok) && ok && next.ImageSeq == ec.ImageSeq)
            {
                peb = size;
                return true;
            }
        }

        return false;
    }

    /// <summary>PEBs of the image: consecutive PEBs with an EC header or erased; trailing erased PEBs are not counted.</summary>
    private static long CountPebs(IByteSource source, long peb, uint imageSeq, out long lastUbi)
    {
        Span<byte> h = stackalloc byte[UbiHeaders.HeaderSize];
        lastUbi = -1;
        long available = source.Length / peb;
        for (long i = 0; i < available; i++)
        {
            int n = source.ReadFully(i * peb, h);
            if (n == h.Length && UbiHeaders.EcHeader.TryParse(h, out var ec, out bool crc))
            {
                if (crc && ec.ImageSeq != imageSeq)
                {
                    break;
                }

                lastUbi = i;
            }
            else if (h.IndexOfAnyExcept((byte)0xFF) >= 0)
            {
                break;
            }
        }

        return lastUbi + 1;
    }

    private readonly record struct LebKey(uint VolId, uint Lnum);

    private readonly record struct LebCopy(long Peb, UbiHeaders.VidHeader Vid, long DataStart);

    /// <summary>Reads every PEB's headers; keeps, per (volume, LEB), the copy with the highest sqnum.</summary>
    private Dictionary<LebKey, LebCopy> ScanPebs(IByteSource source, long peb, long count, List<string> warnings, ReadContext context)
    {
        var lebs = new Dictionary<LebKey, LebCopy>();
        Span<byte> h = stackalloc byte[UbiHeaders.HeaderSize];
        for (long i = 0; i < count; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            long at = i * peb;
            source.ReadFully(at, h);
            if (!UbiHeaders.EcHeader.TryParse(h, out var ec, out bool crc))
            {
                continue; // Erased PEB.
            }

            if (!crc || !ec.IsPlausible || ec.DataOffset >= peb)
            {
                warnings.Add($"ubi at 0x{at:x}: PEB {i} has a corrupt erase counter header; skipped");
                continue;
            }

            if (source.ReadFully(at + ec.VidHdrOffset, h) < h.Length || BinaryPrimitives.ReadUInt32BigEndian(h) != UbiHeaders.VidMagic)
            {
                if (h.IndexOfAnyExcept((byte)0xFF) >= 0)
                {
                    warnings.Add($"ubi at 0x{at + ec.VidHdrOffset:x}: PEB {i} has no volume identifier header magic; skipped");
                }

                continue; // Free PEB: EC header only.
            }

            if (!UbiHeaders.VidHeader.TryParse(h, out var vid))
            {
                warnings.Add($"ubi at 0x{at + ec.VidHdrOffset:x}: PEB {i} volume identifier header CRC mismatch; skipped");
                continue;
            }

            var key = new LebKey(vid.VolId, vid.Lnum);
            if (!lebs.TryGetValue(key, out var old) || vid.Sqnum > old.Vid.Sqnum)
            {
                lebs[key] = new LebCopy(i, vid, at + ec.DataOffset);
            }
        }

        return lebs;
    }

    private sealed record VolumeRecord(string Name, uint ReservedPebs, uint DataPad, int Type);

    /// <summary>The volume table: LEB 0 of the layout volume, LEB 1 when LEB 0's records do not check.</summary>
    private Dictionary<uint, VolumeRecord> ReadVolumeTable(IByteSource source, Dictionary<LebKey, LebCopy> lebs, long lebSize, List<string> warnings)
    {
        int records = (int)Math.Min(UbiHeaders.MaxVolumes, lebSize / UbiHeaders.VtblRecordSize);
        for (uint copy = 0; copy < 2; copy++)
        {
            if (!lebs.TryGetValue(new LebKey(UbiHeaders.LayoutVolumeId, copy), out var leb))
            {
                continue;
            }

            byte[] table = new byte[records * UbiHeaders.VtblRecordSize];
            if (source.ReadFully(leb.DataStart, table) < table.Length)
            {
                warnings.Add($"ubi at 0x{leb.DataStart:x}: volume table copy {copy} is truncated");
                continue;
            }

            var parsed = ParseVolumeTable(table, out int bad);
            if (bad == 0)
            {
                return parsed;
            }

            warnings.Add($"ubi at 0x{leb.DataStart:x}: volume table copy {copy} has {bad} records with a bad CRC");
            if (copy == 1)
            {
                return parsed;
            }
        }

        warnings.Add("ubi: no readable volume table; volumes are named by their id");
        return [];
    }

    private static Dictionary<uint, VolumeRecord> ParseVolumeTable(ReadOnlySpan<byte> table, out int bad)
    {
        var result = new Dictionary<uint, VolumeRecord>();
        bad = 0;
        for (int i = 0; i * UbiHeaders.VtblRecordSize < table.Length; i++)
        {
            var r = table.Slice(i * UbiHeaders.VtblRecordSize, UbiHeaders.VtblRecordSize);
            if (UbiHeaders.Crc(r[..UbiHeaders.VtblRecordCrcSpan]) != BinaryPrimitives.ReadUInt32BigEndian(r[UbiHeaders.Vtbl.Crc..]))
            {
                bad++;
                continue;
            }

            uint reserved = BinaryPrimitives.ReadUInt32BigEndian(r[UbiHeaders.Vtbl.ReservedPebs..]);
            int nameLen = BinaryPrimitives.ReadUInt16BigEndian(r[UbiHeaders.Vtbl.NameLen..]);
            if (reserved == 0 || nameLen > UbiHeaders.MaxNameLength)
            {
                continue; // An empty slot (the kernel's empty_vtbl_record).
            }

            string name = Encoding.UTF8.GetString(r.Slice(UbiHeaders.Vtbl.Name, nameLen));
            result[(uint)i] = new VolumeRecord(name, reserved, BinaryPrimitives.ReadUInt32BigEndian(r[UbiHeaders.Vtbl.DataPad..]), r[UbiHeaders.Vtbl.VolType]);
        }

        return result;
    }

    /// <summary>
    /// Reassembles one volume. Dynamic: LEBs 0 to the highest mapped one, each of the usable LEB size, unmapped
    /// ones erased. Static: used_ebs LEBs of data_size bytes each, every one checked against its data_crc.
    /// </summary>
    private ChildBlob? BuildVolume(IByteSource source, uint id, VolumeRecord? record, Dictionary<LebKey, LebCopy> lebs, long lebSize, long pebCount, List<string> warnings, ReadContext context)
    {
        var mine = lebs.Where(l => l.Key.VolId == id).OrderBy(l => l.Key.Lnum).Select(l => l.Value).ToList();
        string name = record?.Name is { Length: > 0 } n ? n : "volume-" + id.ToString(CultureInfo.InvariantCulture);
        if (record is null)
        {
            warnings.Add($"ubi: volume {id} has LEBs but no volume table record; named {name}");
        }

        if (mine.Count == 0)
        {
            return null; // Reserved in the table, nothing written.
        }

        int type = record?.Type ?? mine[0].Vid.VolType;
        long dataPad = record?.DataPad ?? mine[0].Vid.DataPad;
        if (dataPad >= lebSize)
        {
            warnings.Add($"ubi: volume {name}: data_pad {dataPad} is not less than the LEB size {lebSize}; volume skipped");
            return null;
        }

        long usable = lebSize - dataPad;

        // A LEB number is below the volume's reserved PEBs, which are at most the device's PEBs: a larger one
        // would make a huge volume of erased blocks out of one header. So a volume is never larger than the image.
        long maxLnum = Math.Min(pebCount, record?.ReservedPebs ?? pebCount);
        var segments = new List<(long ImageOffset, long Length)>();
        if (type == UbiHeaders.Static)
        {
            uint used = mine[0].Vid.UsedEbs;
            if (used > maxLnum)
            {
                warnings.Add($"ubi: static volume {name} claims {used} used LEBs, more than its {maxLnum} PEBs; volume skipped");
                return null;
            }

            var byLnum = mine.ToDictionary(c => c.Vid.Lnum);
            for (uint l = 0; l < used; l++)
            {
                if (!byLnum.TryGetValue(l, out var c) || c.Vid.DataSize > usable)
                {
                    warnings.Add($"ubi: static volume {name}: LEB {l} is missing or its data_size is larger than the LEB; volume incomplete");
                    segments.Add((-1, usable));
                    continue;
                }

                if (!DataCrcMatches(source, c, context))
                {
                    warnings.Add($"ubi at 0x{c.DataStart:x}: static volume {name}: LEB {l} data CRC mismatch");
                }

                segments.Add((c.DataStart, c.Vid.DataSize));
            }
        }
        else
        {
            long next = 0;
            foreach (var c in mine)
            {
                if (c.Vid.Lnum >= maxLnum)
                {
                    warnings.Add($"ubi: volume {name}: LEB {c.Vid.Lnum} is beyond its {maxLnum} PEBs; ignored");
                    continue;
                }

                if (c.Vid.Lnum > next)
                {
                    segments.Add((-1, (c.Vid.Lnum - next) * usable));
                }

                segments.Add((c.DataStart, usable));
                next = c.Vid.Lnum + 1L;
            }
        }

        var volume = new UbiVolumeSource(source, segments);
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ubiVolumeId"] = id.ToString(CultureInfo.InvariantCulture),
            ["ubiVolumeType"] = type == UbiHeaders.Static ? "static" : "dynamic",
        };
        return new ChildBlob(volume, null, name) { Details = details };
    }

    private static bool DataCrcMatches(IByteSource source, LebCopy c, ReadContext context)
    {
        var crc = new Crc32();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            for (long done = 0; done < c.Vid.DataSize;)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                int want = (int)Math.Min(buffer.Length, c.Vid.DataSize - done);
                int n = source.ReadFully(c.DataStart + done, buffer.AsSpan(0, want));
                if (n < want)
                {
                    return false;
                }

                crc.Append(buffer.AsSpan(0, n));
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return ~crc.GetCurrentHashAsUInt32() == c.Vid.DataCrc;
    }
}
