using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;
using SharpCompress.Archives;
using SharpCompress.Archives.Zip;
using SharpCompress.Readers;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// ZIP (APPNOTE 6.3.x). The archive ends at the end-of-central-directory record that points back at
/// its directory. The central directory is parsed here before SharpCompress sees it: counts are checked
/// against the bytes present, members whose data overlaps another's are reported and not decoded, and
/// names keep their exact bytes.
/// </summary>
public sealed class ZipReader : SharpCompressArchiveReader
{
    private const int EocdSize = 22;
    private const ushort DeflateMethod = 8;
    private const ushort EncryptedFlag = 1;
    private const int CentralEntrySize = 46;
    private const int LocalHeaderSize = 30;
    private const int Zip64LocatorSize = 20;
    private const int Zip64EocdSize = 56;
    private const long MaxScan = 4L << 30;
    private const int MaxOverlapWarnings = 10;
    private const uint CentralEntrySignature = 0x02014b50; // "PK\x01\x02" (APPNOTE 4.3.12)
    private const uint LocalHeaderSignature = 0x04034b50; // "PK\x03\x04" (APPNOTE 4.3.7)
    private const uint Zip64LocatorSignature = 0x07064b50; // "PK\x06\x07" (APPNOTE 4.3.15)
    private const uint Zip64EocdSignature = 0x06064b50; // "PK\x06\x06" (APPNOTE 4.3.14)
    private const ushort Zip64ExtraId = 0x0001; // APPNOTE 4.5.3
    private const ushort UnicodePathExtraId = 0x7075; // Info-ZIP Unicode Path, APPNOTE 4.6.9

    // One end-record index per underlying source: the scan offers every "PK\x03\x04" in a region as a
    // candidate, and searching forward from each for its end record made the total work quadratic.
    private readonly ConditionalWeakTable<object, EndRecordIndex> _endRecords = new();

    /// <inheritdoc/>
    public override string Format => "zip";

    // "PK\x03\x04": local file header signature 0x04034b50 (APPNOTE §4.3.7).
    /// <inheritdoc/>
    public override IReadOnlyList<Signature> Signatures { get; } = [new([0x50, 0x4B, 0x03, 0x04])];

    /// <inheritdoc/>
    public override bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[LocalHeaderSize];
        if (source.ReadFully(0, h) < LocalHeaderSize)
        {
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(h[4..]);
        ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[26..]);
        if ((version & 0xFF) > 63 || method is not (0 or 8 or 9 or 12 or 14 or 93 or 95 or 98 or 99) || nameLength is 0 or > 1024)
        {
            return false;
        }

        // The member name must be text: a stray "PK\x03\x04" in binary data rarely passes, so the
        // search for the end record below runs only for real local headers.
        Span<byte> name = stackalloc byte[nameLength];
        if (source.ReadFully(LocalHeaderSize, name) < nameLength || name.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0)
        {
            return false;
        }

        long eocd = FindEnd(source);
        if (eocd < 0)
        {
            return false;
        }

        Span<byte> comment = stackalloc byte[2];
        source.ReadFully(eocd + 20, comment);
        length = Math.Min(eocd + EocdSize + BinaryPrimitives.ReadUInt16LittleEndian(comment), source.Length);
        return true;
    }

    /// <inheritdoc/>
    protected override IArchive Open(Stream stream) => ZipArchive.OpenArchive(stream, new ReaderOptions { LeaveStreamOpen = false });

    /// <inheritdoc/>
    private protected override IReadOnlyList<MemberInfo> Inspect(IByteSource archive, ReadContext context, List<string> warnings)
    {
        long eocd = FindEnd(archive);
        if (eocd < 0)
        {
            throw new TruncatedInputException(Format, 0, "end of central directory not found");
        }

        var directory = ReadDirectoryLocation(archive, eocd, context);
        var members = ReadCentralDirectory(archive, directory, context);
        if (members.Count != directory.DeclaredEntries && (directory.Zip64 || members.Count % 0x10000 != directory.DeclaredEntries))
        {
            warnings.Add($"zip at 0x{eocd:x}: end record declares {directory.DeclaredEntries} entries, the central directory holds {members.Count}");
        }

        var skip = new bool[members.Count];
        CheckLocalHeaders(archive, directory, members, skip, warnings);
        FindOverlaps(members, skip, warnings);
        // Deflated members that are not encrypted are decoded straight from their data (zlib through
        // DeflateStream), without the library's per-member overhead; the CRC-32 is checked.
        return [.. members.Select((m, i) => new MemberInfo(m.Name, m.CompressedSize, m.Size, skip[i])
        {
            DeflateStart = m.Method == DeflateMethod && (m.Flags & EncryptedFlag) == 0 && !skip[i] ? m.DataStart : -1,
            Crc = m.Crc,
        })];
    }

    /// <summary>Position of the first end record after the start whose directory ends right before it, or -1.</summary>
    private long FindEnd(IByteSource source)
    {
        IByteSource root = source;
        long start = 0;
        if (source is SliceByteSource slice)
        {
            root = slice.Parent;
            start = slice.Start;
        }

        object key = root;
        if (root is MemoryByteSource memory && MemoryMarshal.TryGetArray(memory.Memory, out var segment) && segment.Array is { } array)
        {
            // Slices of memory are new MemoryByteSources over the same array: index the array.
            key = array;
            start += segment.Offset;
            root = new MemoryByteSource(array);
        }

        var index = _endRecords.GetValue(key, _ => new EndRecordIndex(root));
        long found = index.Find(start, start + source.Length);
        return found < 0 ? -1 : found - start;
    }

    private DirectoryLocation ReadDirectoryLocation(IByteSource archive, long eocd, ReadContext context)
    {
        Span<byte> end = stackalloc byte[EocdSize];
        archive.ReadExactly(eocd, end, Format);

        // SharpCompress takes the last end record in the final 64 KiB: one hidden in the comment would
        // show it another directory than the one checked here.
        long tail = archive.Length - eocd - 4;
        if (tail > 4)
        {
            var rest = new byte[(int)Math.Min(tail, 0x10000 + EocdSize)];
            int n = archive.ReadFully(eocd + 4, rest);
            if (rest.AsSpan(0, n).IndexOf("PK\x05\x06"u8) >= 0)
            {
                throw new CorruptDataException(Format, eocd, "archive comment holds another end-of-central-directory record");
            }
        }

        ushort entriesOnDisk = BinaryPrimitives.ReadUInt16LittleEndian(end[8..]);
        long declared = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        long limit = eocd;
        bool zip64 = entriesOnDisk == ushort.MaxValue || size == uint.MaxValue || offset == uint.MaxValue;
        if (zip64)
        {
            // APPNOTE 4.3.14-15: the locator sits right before the end record and points at the zip64 end record.
            Span<byte> locator = stackalloc byte[Zip64LocatorSize];
            if (eocd < Zip64LocatorSize || archive.ReadFully(eocd - Zip64LocatorSize, locator) < Zip64LocatorSize
                || BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature)
            {
                throw new CorruptDataException(Format, eocd, "zip64 end-of-central-directory locator missing");
            }

            ulong record = BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]);
            Span<byte> z = stackalloc byte[Zip64EocdSize];
            long lastRecord = eocd - Zip64LocatorSize - Zip64EocdSize;
            if (lastRecord < 0 || record > (ulong)lastRecord || archive.ReadFully((long)record, z) < Zip64EocdSize
                || BinaryPrimitives.ReadUInt32LittleEndian(z) != Zip64EocdSignature)
            {
                throw new CorruptDataException(Format, eocd, $"zip64 end-of-central-directory record at 0x{record:x} missing");
            }

            declared = ToLong(BinaryPrimitives.ReadUInt64LittleEndian(z[32..]), eocd);
            size = ToLong(BinaryPrimitives.ReadUInt64LittleEndian(z[40..]), eocd);
            offset = ToLong(BinaryPrimitives.ReadUInt64LittleEndian(z[48..]), eocd);
            limit = (long)record;
        }

        if (offset > limit || size > limit - offset)
        {
            throw new CorruptDataException(Format, eocd, $"central directory at 0x{offset:x} ({size} bytes) lies outside the archive");
        }

        // Each entry takes at least 46 bytes (APPNOTE 4.3.12): a count that cannot fit is a lie
        // meant to make a decoder allocate for it.
        if (declared > size / CentralEntrySize)
        {
            throw new CorruptDataException(Format, eocd, $"central directory claims {declared} entries in {size} bytes");
        }

        if (declared > context.Limits.MaxFiles)
        {
            throw context.Budget.Hit(new LimitExceededException(Format, eocd, "files", $"central directory claims {declared} entries, more than {context.Limits.MaxFiles} (--max-files)"));
        }

        return new DirectoryLocation(offset, size, declared, zip64);
    }

    private long ToLong(ulong value, long offset) =>
        value <= long.MaxValue ? (long)value : throw new CorruptDataException(Format, offset, $"zip64 field 0x{value:x} out of range");

    private List<CentralEntry> ReadCentralDirectory(IByteSource archive, DirectoryLocation directory, ReadContext context)
    {
        var members = new List<CentralEntry>();
        Span<byte> h = stackalloc byte[CentralEntrySize];
        long pos = directory.Offset;
        long end = directory.Offset + directory.Size;
        while (pos < end)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (end - pos < CentralEntrySize)
            {
                throw new CorruptDataException(Format, pos, "central directory ends inside an entry");
            }

            archive.ReadExactly(pos, h, Format);
            if (BinaryPrimitives.ReadUInt32LittleEndian(h) != CentralEntrySignature)
            {
                throw new CorruptDataException(Format, pos, "central directory entry signature missing");
            }

            if (members.Count >= context.Limits.MaxFiles)
            {
                throw context.Budget.Hit(new LimitExceededException(Format, pos, "files", $"more than {context.Limits.MaxFiles} entries (--max-files)"));
            }

            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            long next = pos + CentralEntrySize + nameLength + extraLength + commentLength;
            if (next > end)
            {
                throw new CorruptDataException(Format, pos, "central directory entry runs past the directory");
            }

            var variable = new byte[nameLength + extraLength];
            archive.ReadExactly(pos + CentralEntrySize, variable, Format);
            members.Add(ParseEntry(h, variable.AsSpan(0, nameLength), variable.AsSpan(nameLength), pos));
            pos = next;
        }

        return members;
    }

    private CentralEntry ParseEntry(ReadOnlySpan<byte> h, ReadOnlySpan<byte> name, ReadOnlySpan<byte> extra, long pos)
    {
        long compressed = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
        ushort disk = BinaryPrimitives.ReadUInt16LittleEndian(h[34..]);
        long local = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
        ReadOnlySpan<byte> nameBytes = name;
        bool sawZip64 = false;
        bool sawUnicode = false;

        // Extra fields as SharpCompress reads them (stop at the first malformed one; the first of each
        // kind wins), so both parses agree on sizes and offsets.
        for (int i = 0; i + 4 <= extra.Length;)
        {
            ushort id = BinaryPrimitives.ReadUInt16LittleEndian(extra[i..]);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(extra[(i + 2)..]);
            if (i + 4 + length > extra.Length)
            {
                break;
            }

            var data = extra.Slice(i + 4, length);
            if (id == Zip64ExtraId && !sawZip64)
            {
                sawZip64 = true;
                int need = (size == uint.MaxValue ? 8 : 0) + (compressed == uint.MaxValue ? 8 : 0) + (local == uint.MaxValue ? 8 : 0) + (disk == ushort.MaxValue ? 4 : 0);
                if (need > data.Length)
                {
                    throw new CorruptDataException(Format, pos, "zip64 extra field too short");
                }

                int at = 0;
                size = size == uint.MaxValue ? ReadZip64(data, ref at, pos) : size;
                compressed = compressed == uint.MaxValue ? ReadZip64(data, ref at, pos) : compressed;
                local = local == uint.MaxValue ? ReadZip64(data, ref at, pos) : local;
            }
            else if (id == UnicodePathExtraId && !sawUnicode)
            {
                // Version 1, CRC-32 of the header name, UTF-8 name; a stale CRC means the header name was changed since.
                sawUnicode = true;
                if (length > 5 && data[0] == 1 && BinaryPrimitives.ReadUInt32LittleEndian(data[1..]) == Crc32.HashToUInt32(name))
                {
                    nameBytes = data[5..];
                }
            }

            i += 4 + length;
        }

        return new CentralEntry(EntryName.Decode(nameBytes), compressed, size, local,
            BinaryPrimitives.ReadUInt16LittleEndian(h[10..]), BinaryPrimitives.ReadUInt16LittleEndian(h[8..]), BinaryPrimitives.ReadUInt32LittleEndian(h[16..]));
    }

    private long ReadZip64(ReadOnlySpan<byte> data, ref int at, long pos)
    {
        long value = BinaryPrimitives.ReadInt64LittleEndian(data[at..]);
        at += 8;
        return value >= 0 ? value : throw new CorruptDataException(Format, pos, "zip64 size or offset out of range");
    }

    // Each member's span is its local header, name, extra field and data. A member whose local header
    // is missing or whose data runs into the central directory cannot be decoded as described.
    private void CheckLocalHeaders(IByteSource archive, DirectoryLocation directory, List<CentralEntry> members, bool[] skip, List<string> warnings)
    {
        Span<byte> h = stackalloc byte[LocalHeaderSize];
        for (int i = 0; i < members.Count; i++)
        {
            var m = members[i];
            bool ok = m.LocalOffset <= directory.Offset - LocalHeaderSize
                && archive.ReadFully(m.LocalOffset, h) == LocalHeaderSize
                && BinaryPrimitives.ReadUInt32LittleEndian(h) == LocalHeaderSignature;
            if (ok)
            {
                long dataStart = m.LocalOffset + LocalHeaderSize + BinaryPrimitives.ReadUInt16LittleEndian(h[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
                ok = m.CompressedSize <= directory.Offset - dataStart;
                members[i] = m with { DataStart = dataStart, End = dataStart + m.CompressedSize };
            }

            if (!ok)
            {
                skip[i] = true;
                warnings.Add($"zip: member '{EntryName.Display(m.Name)}': local header at 0x{m.LocalOffset:x} is missing or its data runs into the central directory; not extracted");
            }
        }
    }

    // Several directory entries may point at the same local header, or into another member's data
    // (the overlapping-file zip bomb): each would be decoded again. Only the first member of a span is kept.
    private static void FindOverlaps(List<CentralEntry> members, bool[] skip, List<string> warnings)
    {
        var order = Enumerable.Range(0, members.Count).Where(i => !skip[i])
            .OrderBy(i => members[i].LocalOffset).ThenBy(i => i).ToList();
        int owner = -1;
        long ownerEnd = -1;
        int overlaps = 0;
        foreach (int i in order)
        {
            var m = members[i];
            if (owner >= 0 && m.LocalOffset < ownerEnd)
            {
                skip[i] = true;
                if (++overlaps <= MaxOverlapWarnings)
                {
                    warnings.Add($"zip: entries '{EntryName.Display(members[owner].Name)}' and '{EntryName.Display(m.Name)}' share data at 0x{m.LocalOffset:x}; '{EntryName.Display(m.Name)}' not extracted");
                }

                continue;
            }

            owner = i;
            ownerEnd = m.End;
        }

        if (overlaps > MaxOverlapWarnings)
        {
            warnings.Add($"zip: {overlaps - MaxOverlapWarnings} more entries share data with earlier ones; not extracted");
        }
    }

    private sealed record DirectoryLocation(long Offset, long Size, long DeclaredEntries, bool Zip64);

    private sealed record CentralEntry(string Name, long CompressedSize, long Size, long LocalOffset, ushort Method, ushort Flags, uint Crc)
    {
        public long DataStart { get; init; } = -1;

        public long End { get; init; }
    }

    /// <summary>
    /// The end records of one source, found in a single forward pass that advances only as far as a
    /// query needs: every candidate start in a region together costs one read of the region.
    /// </summary>
    private sealed class EndRecordIndex(IByteSource root)
    {
        private const int Chunk = 1 << 20;

        // Archive start implied by each end record (its offset minus directory offset and size) -> first such record.
        private readonly Dictionary<long, long> _byArchiveStart = [];

        // End records whose directory offset is 0xFFFFFFFF (zip64) match any start.
        private readonly List<long> _zip64 = [];

        // Every end record starting before this has been recorded.
        private long _scannedTo;

        /// <summary>First end record at or after <paramref name="start"/> that fits before <paramref name="end"/>, or -1.</summary>
        public long Find(long start, long end)
        {
            long last = Math.Min(end - EocdSize, start + MaxScan);
            lock (_byArchiveStart)
            {
                while (true)
                {
                    long found = Lookup(start, last);
                    if (found >= 0 || _scannedTo > last || _scannedTo >= root.Length)
                    {
                        return found;
                    }

                    ScanNext();
                }
            }
        }

        private long Lookup(long start, long last)
        {
            long best = _byArchiveStart.TryGetValue(start, out long e) && e <= last ? e : -1;
            int i = _zip64.BinarySearch(start);
            i = i < 0 ? ~i : i;
            if (i < _zip64.Count && _zip64[i] <= last && (best < 0 || _zip64[i] < best))
            {
                best = _zip64[i];
            }

            return best;
        }

        // A zip64 archive (more than 65,535 entries, or sizes past 4 GiB) may keep real 32-bit
        // directory fields in its end record, but its directory ends before the zip64 records, not
        // right before the end record: the locator just before the end record tells (APPNOTE 4.3.15).
        private bool HasZip64Locator(long endRecord)
        {
            Span<byte> signature = stackalloc byte[4];
            return endRecord >= Zip64LocatorSize && root.ReadFully(endRecord - Zip64LocatorSize, signature) == 4
                && BinaryPrimitives.ReadUInt32LittleEndian(signature) == Zip64LocatorSignature;
        }

        private void ScanNext()
        {
            long off = _scannedTo;
            int want = (int)Math.Min(Chunk + EocdSize - 1, root.Length - off);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Chunk + EocdSize);
            try
            {
                int n = root.ReadFully(off, buffer.AsSpan(0, want));
                var span = buffer.AsSpan(0, n);
                int chunkEnd = Math.Min(n, Chunk);
                int i = 0;
                while (i < chunkEnd)
                {
                    int hit = span[i..].IndexOf("PK\x05\x06"u8);
                    if (hit < 0 || i + hit >= chunkEnd)
                    {
                        break;
                    }

                    i += hit;
                    if (i + EocdSize <= n)
                    {
                        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(span[(i + 12)..]);
                        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[(i + 16)..]);
                        long at = off + i;
                        ushort entries = BinaryPrimitives.ReadUInt16LittleEndian(span[(i + 10)..]);
                        if (cdOffset == uint.MaxValue || cdSize == uint.MaxValue || entries == ushort.MaxValue || HasZip64Locator(at))
                        {
                            _zip64.Add(at);
                        }
                        else if (at - cdOffset - cdSize >= 0)
                        {
                            _byArchiveStart.TryAdd(at - cdOffset - cdSize, at);
                        }
                    }

                    i += 4;
                }

                _scannedTo = n < want || n == 0 ? root.Length : off + chunkEnd;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
