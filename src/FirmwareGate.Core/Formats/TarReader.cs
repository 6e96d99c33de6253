using System.Globalization;
using System.Text;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// tar: POSIX ustar, GNU (long names 'L'/'K', base-256 numbers, old sparse 'S') and pax ('x'/'g'
/// path, linkpath, size, uid, gid, mtime and the GNU.sparse.* formats 0.0, 0.1 and 1.0).
/// Names stay bytes (<see cref="EntryName"/>). Member contents are slices of the archive; sparse
/// members read their holes as zeros.
/// </summary>
public sealed class TarReader : IFormatReader
{
    private const int Block = 512;
    private const long MaxExtendedHeader = 1 << 20;
    private const int MaxSparseRegions = 1_000_000;

    private static class FieldOffsets
    {
        public const int Name = 0;
        public const int Mode = 100;
        public const int Uid = 108;
        public const int Gid = 116;
        public const int Size = 124;
        public const int MTime = 136;
        public const int Checksum = 148;
        public const int TypeFlag = 156;
        public const int LinkName = 157;
        public const int Magic = 257;
        public const int DevMajor = 329;
        public const int DevMinor = 337;
        public const int Prefix = 345;

        // Old GNU header (GNU tar manual, "GNU tar format", struct oldgnu_header): four sparse
        // entries of offset[12] + numbytes[12] at 386, isextended at 482, realsize[12] at 483.
        public const int OldGnuSparse = 386;
        public const int OldGnuIsExtended = 482;
        public const int OldGnuRealSize = 483;

        // struct sparse_header, a 512-byte block after the header while isextended: 21 entries, then isextended.
        public const int ExtensionIsExtended = 504;
    }

    private const int SparseEntry = 24;
    private const int SparsesInHeader = 4;
    private const int SparsesInExtension = 21;

    /// <inheritdoc/>
    public string Format => "tar";

    // "ustar" at 257: POSIX "ustar\0" + "00", GNU "ustar  \0".
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("ustar"u8.ToArray(), FieldOffsets.Magic)];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[Block];
        return source.ReadFully(0, h) == Block && ChecksumValid(h);
    }

    private static bool ChecksumValid(ReadOnlySpan<byte> h)
    {
        if (!TryParseNumber(h.Slice(FieldOffsets.Checksum, 8), out long stored))
        {
            return false;
        }

        // POSIX sums unsigned bytes; some old tars summed signed chars, and GNU tar accepts both.
        long sum = 0;
        long signedSum = 0;
        for (int i = 0; i < Block; i++)
        {
            byte b = i is >= FieldOffsets.Checksum and < FieldOffsets.Checksum + 8 ? (byte)' ' : h[i];
            sum += b;
            signedSum += (sbyte)b;
        }

        return sum == stored || signedSum == stored;
    }

    /// <summary>Names and pax records that apply to the next member.</summary>
    private sealed class Pending
    {
        public byte[]? LongName { get; set; }

        public byte[]? LongLink { get; set; }

        public PaxHeader? Pax { get; set; }

        public void Clear()
        {
            LongName = LongLink = null;
            Pax = null;
        }
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        var entries = new EntryListBuilder(Format, context);
        var warnings = entries.Warnings;
        byte[] h = new byte[Block];
        long pos = 0;
        var pending = new Pending();
        var globalPax = new PaxHeader(Format, 0);
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (source.ReadFully(pos, h) < Block)
            {
                warnings.Add($"tar at 0x{pos:x}: archive ends without the end-of-archive blocks (truncated)");
                break;
            }

            if (h.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                pos += Block;
                if (source.ReadFully(pos, h) == Block && h.AsSpan().IndexOfAnyExcept((byte)0) < 0)
                {
                    pos += Block;
                }

                break;
            }

            if (!ChecksumValid(h))
            {
                if (pos == 0)
                {
                    throw new CorruptDataException(Format, pos, "header checksum mismatch");
                }

                warnings.Add($"tar at 0x{pos:x}: header checksum mismatch; archive read up to here");
                break;
            }

            long next;
            try
            {
                next = ReadMember(source, h, pos, pending, globalPax, entries, context);
            }
            catch (OverflowException)
            {
                // Safety net: every header field is range-checked before arithmetic, so this is a field we missed.
                var e = new CorruptDataException(Format, pos, "header field out of range");
                if (pos == 0)
                {
                    throw e;
                }

                warnings.Add(e.Message + "; archive read up to here");
                break;
            }
            catch (CorruptDataException e) when (pos > 0)
            {
                warnings.Add(e.Message + "; archive read up to here");
                break;
            }

            if (next < 0)
            {
                break;
            }

            pos = next;
        }

        return new ReadResult { Length = Math.Min(pos, source.Length), FileSystem = entries.Build(), AnalyseMembers = true }.WithWarnings(warnings);
    }

    /// <summary>Reads the member whose header is <paramref name="h"/>; returns the next header's offset, or -1 to stop.</summary>
    private long ReadMember(IByteSource source, byte[] h, long pos, Pending pending, PaxHeader globalPax, EntryListBuilder entries, ReadContext context)
    {
        char type = (char)h[FieldOffsets.TypeFlag];
        if (!TryParseNumber(h.AsSpan(FieldOffsets.Size, 12), out long size) || size < 0)
        {
            throw new CorruptDataException(Format, pos + FieldOffsets.Size, "bad size field");
        }

        var pax = pending.Pax;
        if (PaxNumber(pax, globalPax, "size") is long paxSize)
        {
            size = paxSize;
        }

        // Old GNU sparse members carry more of their map in extension blocks before the data.
        long dataStart = pos + Block;
        OldGnuSparseMap? oldGnu = null;
        if (type == 'S')
        {
            oldGnu = ReadOldGnuSparseMap(source, h, pos, context);
            if (oldGnu is null)
            {
                entries.Warnings.Add($"tar at 0x{pos:x}: sparse map extension blocks run past the end of the input (truncated)");
                return -1;
            }

            dataStart = oldGnu.DataStart;
        }

        if (size > source.Length - dataStart)
        {
            entries.Warnings.Add($"tar at 0x{pos:x}: member data ({size} bytes) runs past the end of the input (truncated)");
            return -1;
        }

        long next = checked(dataStart + size + ((Block - (size % Block)) % Block));
        switch (type)
        {
            case 'L':
            case 'K':
            case 'x':
            case 'g':
                {
                    if (size > MaxExtendedHeader)
                    {
                        throw new CorruptDataException(Format, pos, $"extended header of {size} bytes");
                    }

                    var text = new byte[size];
                    source.ReadExactly(dataStart, text, Format);
                    switch (type)
                    {
                        case 'L':
                            pending.LongName = CString(text);
                            break;
                        case 'K':
                            pending.LongLink = CString(text);
                            break;
                        case 'g':
                            globalPax.Merge(ParsePax(text, pos, entries.Warnings));
                            break;
                        default:
                            pending.Pax = ParsePax(text, pos, entries.Warnings);
                            break;
                    }

                    return next;
                }

            case 'V':
                // GNU volume label: names the archive, not a member.
                pending.Clear();
                return next;
        }

        byte[] name = pax?.Get("path") ?? globalPax.Get("path") ?? pending.LongName ?? UstarName(h);
        byte[] link = pax?.Get("linkpath") ?? globalPax.Get("linkpath") ?? pending.LongLink ?? CString(h.AsSpan(FieldOffsets.LinkName, 100));
        pending.Clear();

        IByteSource content = source.Slice(dataStart, size);
        if (oldGnu is not null || pax?.IsSparse == true)
        {
            try
            {
                if (pax?.IsSparse == true && pax.Get("GNU.sparse.name") is { } realName)
                {
                    name = realName;
                }

                var sparse = oldGnu is not null
                    ? ExpandSparse(oldGnu.RealSize, oldGnu.Regions, content, 0, pos, oldGnu.Error)
                    : ReadPaxSparse(pax!, content, pos); // IsSparse was true, so pax is set.

                // Holes are produced bytes: they count toward the output limit like decoded data. A member
                // past what is left is refused without charging it, so it does not starve the layers after it.
                long holes = sparse.Length - sparse.DataBytes;
                if (holes > context.Limits.MaxTotalBytes - context.Budget.BytesProduced)
                {
                    throw context.Budget.Hit(new LimitExceededException(Format, pos, "totalBytes",
                        $"{holes} bytes of holes exceed what is left of {context.Limits.MaxTotalBytes} bytes (--max-total-bytes)"));
                }

                context.Budget.AddBytes(holes, Format, pos);
                content = sparse;
            }
            catch (FirmwareFormatException e) when (e is CorruptDataException or LimitExceededException or TruncatedInputException)
            {
                entries.Warnings.Add($"tar at 0x{pos:x}: sparse member '{EntryName.Display(EntryName.Decode(name))}': {e.Detail}; not extracted");
                return next;
            }
        }

        AddEntry(entries, h, type, EntryName.Decode(name), EntryName.Decode(link), content, pax, globalPax, pos);
        return next;
    }

    private void AddEntry(EntryListBuilder entries, byte[] h, char type, string name, string link, IByteSource content, PaxHeader? pax, PaxHeader globalPax, long pos)
    {
        var path = entries.NormalizeOrReject(name, pos);
        if (path is null)
        {
            return;
        }

        TryParseNumber(h.AsSpan(FieldOffsets.Mode, 8), out long mode);
        long uid = PaxOwner(pax, globalPax, "uid", entries.Warnings, pos) ?? (TryParseNumber(h.AsSpan(FieldOffsets.Uid, 8), out long u) ? u : 0);
        long gid = PaxOwner(pax, globalPax, "gid", entries.Warnings, pos) ?? (TryParseNumber(h.AsSpan(FieldOffsets.Gid, 8), out long g) ? g : 0);
        long mtime = PaxSeconds(pax, globalPax, "mtime") ?? (TryParseNumber(h.AsSpan(FieldOffsets.MTime, 12), out long m) ? m : 0);
        TryParseNumber(h.AsSpan(FieldOffsets.DevMajor, 8), out long major);
        TryParseNumber(h.AsSpan(FieldOffsets.DevMinor, 8), out long minor);
        var entryType = type switch
        {
            '0' or '\0' or '7' or 'S' => EntryType.File,
            '2' => EntryType.Symlink,
            '3' => EntryType.CharDev,
            '4' => EntryType.BlockDev,
            '5' or 'D' => EntryType.Dir,
            '6' => EntryType.Fifo,
            '1' => EntryType.File,
            _ => (EntryType?)null,
        };
        if (entryType is null)
        {
            entries.Warnings.Add($"tar at 0x{pos:x}: entry '{EntryName.Display(name)}' has unknown type '{type}'; read as a file");
            entryType = EntryType.File;
        }

        bool file = entryType == EntryType.File;
        var entry = new FsEntry
        {
            Path = path,
            Type = entryType.Value,
            Mode = (int)(mode & 0xFFF),
            Uid = uid,
            Gid = gid,
            MTime = mtime,
            Size = file ? content.Length : 0,
            LinkTarget = entryType == EntryType.Symlink ? link : null,
            Major = (int)major,
            Minor = (int)minor,
            Content = file ? content : null,
        };
        if (type == '1')
        {
            entries.AddHardLink(path, link, entry, pos);
            return;
        }

        entries.Add(entry);
    }

    private static byte[] UstarName(ReadOnlySpan<byte> h)
    {
        var name = CString(h.Slice(FieldOffsets.Name, 100));
        bool ustar = h.Slice(FieldOffsets.Magic, 6).SequenceEqual("ustar\0"u8);
        var prefix = ustar ? CString(h.Slice(FieldOffsets.Prefix, 155)) : [];
        return prefix.Length > 0 ? [.. prefix, (byte)'/', .. name] : name;
    }

    private static byte[] CString(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        return (nul < 0 ? field : field[..nul]).ToArray();
    }

    // ---- pax ----

    /// <summary>The records of one pax extended header; values are raw bytes (hdrcharset=BINARY keeps them so anyway).</summary>
    private sealed class PaxHeader(string format, long offset)
    {
        private readonly Dictionary<string, (byte[] Value, long Offset)> _values = new(StringComparer.Ordinal);

        /// <summary>GNU.sparse.offset and GNU.sparse.numbytes records of sparse format 0.0, in order (they repeat).</summary>
        public List<(bool IsOffset, byte[] Value)> Sparse00 { get; } = [];

        public bool IsSparse => Sparse00.Count > 0 || _values.Keys.Any(k => k.StartsWith("GNU.sparse.", StringComparison.Ordinal));

        public void Set(string key, byte[] value)
        {
            if (key is "GNU.sparse.offset" or "GNU.sparse.numbytes")
            {
                Sparse00.Add((key == "GNU.sparse.offset", value));
            }

            _values[key] = (value, offset);
        }

        public void Merge(PaxHeader other)
        {
            foreach (var (k, v) in other._values)
            {
                _values[k] = v;
            }
        }

        public byte[]? Get(string key) => _values.TryGetValue(key, out var v) ? v.Value : null;

        public bool Has(string key) => _values.ContainsKey(key);

        /// <summary>A non-negative decimal record, or null when absent; anything else is corrupt.</summary>
        public long? Number(string key) =>
            _values.TryGetValue(key, out var v) ? ParseDecimal(v.Value, format, v.Offset, key) : null;
    }

    private static long? PaxNumber(PaxHeader? pax, PaxHeader global, string key) =>
        pax is not null && pax.Has(key) ? pax.Number(key) : global.Number(key);

    // An unusable pax uid or gid loses only itself: the header's value stands.
    private static long? PaxOwner(PaxHeader? pax, PaxHeader global, string key, List<string> warnings, long pos)
    {
        try
        {
            return PaxNumber(pax, global, key);
        }
        catch (CorruptDataException e)
        {
            warnings.Add($"tar at 0x{pos:x}: pax {e.Detail}; the header's {key} is used");
            return null;
        }
    }

    // pax mtime is decimal seconds with an optional fraction and sign ("1700000000.25"); an unusable one is ignored.
    private static long? PaxSeconds(PaxHeader? pax, PaxHeader global, string key)
    {
        var value = pax?.Get(key) ?? global.Get(key);
        if (value is null)
        {
            return null;
        }

        int dot = Array.IndexOf(value, (byte)'.');
        var whole = dot < 0 ? value.AsSpan() : value.AsSpan(0, dot);
        return long.TryParse(whole, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds) ? seconds : null;
    }

    private static long ParseDecimal(ReadOnlySpan<byte> text, string format, long offset, string what)
    {
        if (text.IsEmpty || text.Length > 19 || text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            string shown = Encoding.ASCII.GetString(text[..Math.Min(text.Length, 40)]);
            throw new CorruptDataException(format, offset, $"{what} '{shown}' is not a number from 0 to {long.MaxValue}");
        }

        return value;
    }

    private PaxHeader ParsePax(ReadOnlySpan<byte> text, long offset, List<string> warnings)
    {
        // Records are "LEN KEY=VALUE\n", LEN counting the whole record (POSIX pax, "pax Extended Header").
        var result = new PaxHeader(Format, offset);
        int pos = 0;
        while (pos < text.Length)
        {
            var rest = text[pos..];
            int space = rest.IndexOf((byte)' ');
            if (space <= 0 || space > 10 || !int.TryParse(rest[..space], NumberStyles.None, CultureInfo.InvariantCulture, out int len)
                || len <= space + 2 || len > rest.Length || rest[len - 1] != (byte)'\n')
            {
                if (rest.IndexOfAnyExcept((byte)0) >= 0)
                {
                    warnings.Add($"tar at 0x{offset:x}: malformed pax record at byte {pos} of the extended header; the rest is ignored");
                }

                break;
            }

            var record = rest[(space + 1)..(len - 1)];
            int eq = record.IndexOf((byte)'=');
            if (eq > 0)
            {
                result.Set(EntryName.Decode(record[..eq]), record[(eq + 1)..].ToArray());
            }

            pos += len;
        }

        return result;
    }

    // ---- sparse members ----

    private sealed record OldGnuSparseMap(long RealSize, List<(long Offset, long Length)> Regions, long DataStart, string? Error);

    /// <summary>Reads the old GNU sparse map from the header and its extension blocks; null when the blocks are truncated.</summary>
    private static OldGnuSparseMap? ReadOldGnuSparseMap(IByteSource source, byte[] h, long pos, ReadContext context)
    {
        var regions = new List<(long, long)>();
        string? error = null;
        if (!TryParseNumber(h.AsSpan(FieldOffsets.OldGnuRealSize, 12), out long realSize) || realSize < 0)
        {
            error = "bad real size";
        }

        bool more = AddOldGnuEntries(h.AsSpan(FieldOffsets.OldGnuSparse, SparsesInHeader * SparseEntry), regions, ref error);
        bool extended = h[FieldOffsets.OldGnuIsExtended] != 0;
        long at = pos + Block;
        byte[] ext = new byte[Block];
        while (extended)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (source.ReadFully(at, ext) < Block)
            {
                return null;
            }

            at += Block;
            if (more)
            {
                more = AddOldGnuEntries(ext.AsSpan(0, SparsesInExtension * SparseEntry), regions, ref error);
            }

            extended = ext[FieldOffsets.ExtensionIsExtended] != 0;
        }

        return new OldGnuSparseMap(realSize, regions, at, error);
    }

    // GNU tar stops at the first entry whose numbytes field is empty (oldgnu_add_sparse).
    private static bool AddOldGnuEntries(ReadOnlySpan<byte> entries, List<(long, long)> regions, ref string? error)
    {
        for (int i = 0; i + SparseEntry <= entries.Length; i += SparseEntry)
        {
            var e = entries.Slice(i, SparseEntry);
            if (e[12] == 0)
            {
                return false;
            }

            if (regions.Count >= MaxSparseRegions)
            {
                error ??= $"more than {MaxSparseRegions} sparse regions";
                return false;
            }

            if (!TryParseNumber(e[..12], out long offset) || !TryParseNumber(e[12..], out long count) || offset < 0 || count < 0)
            {
                error ??= $"bad sparse map entry {regions.Count}";
                return false;
            }

            regions.Add((offset, count));
        }

        return true;
    }

    private SparseByteSource ReadPaxSparse(PaxHeader pax, IByteSource stored, long pos)
    {
        var major = pax.Number("GNU.sparse.major");
        var minor = pax.Number("GNU.sparse.minor");
        long? declared = pax.Number("GNU.sparse.numblocks");
        var regions = new List<(long, long)>();
        long dataOffset = 0;
        long realSize;
        if (major is not null || minor is not null)
        {
            // 1.0: the map is decimal lines at the start of the data, padded to a block:
            // count, then offset and size for each region (GNU tar manual, "PAX Format, Version 1.0").
            if (major != 1 || minor != 0)
            {
                throw new CorruptDataException(Format, pos, $"sparse format {major}.{minor} is not supported");
            }

            realSize = pax.Number("GNU.sparse.realsize") ?? pax.Number("GNU.sparse.size") ?? throw new CorruptDataException(Format, pos, "no GNU.sparse.realsize");
            var map = new DecimalLines(stored, Format, pos);
            long count = map.Next();
            // Each region takes at least four bytes of map ("0\n0\n"), so the data bounds the count.
            if (count > MaxSparseRegions || count > stored.Length / 4)
            {
                throw new CorruptDataException(Format, pos, $"sparse map of {count} regions in {stored.Length} bytes");
            }

            for (long i = 0; i < count; i++)
            {
                regions.Add((map.Next(), map.Next()));
            }

            dataOffset = map.Consumed + ((Block - (map.Consumed % Block)) % Block);
            if (dataOffset > stored.Length)
            {
                throw new CorruptDataException(Format, pos, "sparse map runs past the member data");
            }
        }
        else
        {
            realSize = pax.Number("GNU.sparse.size") ?? pax.Number("GNU.sparse.realsize") ?? throw new CorruptDataException(Format, pos, "no GNU.sparse.size");
            if (pax.Get("GNU.sparse.map") is { } text)
            {
                // 0.1: "offset,size,offset,size,...".
                var numbers = new List<long>();
                foreach (var range in ((ReadOnlySpan<byte>)text).Split((byte)','))
                {
                    if (numbers.Count >= 2 * MaxSparseRegions)
                    {
                        throw new CorruptDataException(Format, pos, $"more than {MaxSparseRegions} sparse regions");
                    }

                    numbers.Add(ParseDecimal(text.AsSpan()[range], Format, pos, "GNU.sparse.map value"));
                }

                if (numbers.Count % 2 != 0)
                {
                    throw new CorruptDataException(Format, pos, "GNU.sparse.map has an odd count of numbers");
                }

                for (int i = 0; i < numbers.Count; i += 2)
                {
                    regions.Add((numbers[i], numbers[i + 1]));
                }
            }
            else
            {
                // 0.0: GNU.sparse.offset and GNU.sparse.numbytes records, alternating.
                var records = pax.Sparse00;
                for (int i = 0; i < records.Count; i += 2)
                {
                    if (!records[i].IsOffset || i + 1 >= records.Count || records[i + 1].IsOffset)
                    {
                        throw new CorruptDataException(Format, pos, "GNU.sparse.offset and GNU.sparse.numbytes records do not alternate");
                    }

                    regions.Add((ParseDecimal(records[i].Value, Format, pos, "GNU.sparse.offset"), ParseDecimal(records[i + 1].Value, Format, pos, "GNU.sparse.numbytes")));
                }
            }
        }

        if (declared is not null && declared != regions.Count)
        {
            throw new CorruptDataException(Format, pos, $"GNU.sparse.numblocks says {declared}, the map has {regions.Count}");
        }

        return ExpandSparse(realSize, regions, stored, dataOffset, pos, null);
    }

    /// <summary>Checks a sparse map against the real size and the stored data, then builds the expanded view.</summary>
    private SparseByteSource ExpandSparse(long realSize, List<(long Offset, long Length)> regions, IByteSource stored, long dataOffset, long pos, string? error)
    {
        if (error is not null)
        {
            throw new CorruptDataException(Format, pos, error);
        }

        long end = 0;
        long packed = 0;
        for (int i = 0; i < regions.Count; i++)
        {
            var (offset, count) = regions[i];
            if (offset < end)
            {
                throw new CorruptDataException(Format, pos, $"sparse region {i} at {offset} overlaps or precedes the one before (ending at {end})");
            }

            if (count > realSize - offset)
            {
                throw new CorruptDataException(Format, pos, $"sparse region {i} ({offset}+{count}) ends past the real size {realSize}");
            }

            end = offset + count;
            packed += count; // Bounded by realSize: the regions are disjoint and inside it.
        }

        if (packed != stored.Length - dataOffset)
        {
            throw new CorruptDataException(Format, pos, $"sparse regions hold {packed} bytes, the member stores {stored.Length - dataOffset}");
        }

        // Empty regions (GNU tar ends every map with one at the real size) hold nothing: keeping only
        // the others bounds the map by the stored bytes, whatever the header claimed.
        regions.RemoveAll(r => r.Length == 0);
        return new SparseByteSource(stored.Slice(dataOffset, packed), realSize, regions);
    }

    /// <summary>Reads "NUMBER\n" lines from the start of a source (the 1.0 sparse map).</summary>
    private sealed class DecimalLines(IByteSource source, string format, long offset)
    {
        private readonly byte[] _buffer = new byte[Block];
        private long _bufferStart = -Block;
        private int _bufferLength;

        public long Consumed { get; private set; }

        public long Next()
        {
            long value = 0;
            int digits = 0;
            while (true)
            {
                if (Consumed >= _bufferStart + _bufferLength)
                {
                    _bufferStart = Consumed;
                    _bufferLength = source.ReadFully(Consumed, _buffer);
                    if (_bufferLength == 0)
                    {
                        throw new CorruptDataException(format, offset, "sparse map runs past the member data");
                    }
                }

                byte b = _buffer[Consumed - _bufferStart];
                Consumed++;
                if (b == (byte)'\n' && digits > 0)
                {
                    return value;
                }

                if (b is < (byte)'0' or > (byte)'9' || value > (long.MaxValue - 9) / 10)
                {
                    throw new CorruptDataException(format, offset, "sparse map holds something other than a number from 0 to 2^63-1");
                }

                value = (value * 10) + (b - '0');
                digits++;
            }
        }
    }

    // ---- numbers ----

    /// <summary>
    /// Octal (space/NUL terminated) or GNU base-256 numbers: a first byte of 0x80 starts a positive
    /// big-endian number in the rest of the field, 0xFF a negative one (two's complement), any width.
    /// False when the field is neither or the value does not fit in a long.
    /// </summary>
    internal static bool TryParseNumber(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            // The bits after the marker bit are a two's-complement number; bit 6 of the first byte is its sign.
            Int128 v = (field[0] & 0x40) != 0 ? (field[0] & 0x7F) - 0x80 : field[0] & 0x3F;
            foreach (byte b in field[1..])
            {
                v = (v << 8) | b;
                if (v > long.MaxValue || v < long.MinValue)
                {
                    return false;
                }
            }

            value = (long)v;
            return true;
        }

        var trimmed = field.Trim((ReadOnlySpan<byte>)[0, (byte)' ']);
        foreach (byte b in trimmed)
        {
            if (b is < (byte)'0' or > (byte)'7' || value > long.MaxValue >> 3)
            {
                return false;
            }

            value = (value << 3) | (long)(b - '0');
        }

        return true;
    }
}
