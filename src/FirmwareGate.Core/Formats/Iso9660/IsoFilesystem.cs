using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats.Iso9660;

/// <summary>
/// Walks one directory hierarchy of an ISO 9660 volume (ECMA-119 6.8, 9.1): records padded to 2048-byte
/// sector boundaries, multi-extent and interleaved files, ";1" version suffixes, and with Rock Ridge
/// (RRIP 1.12) POSIX attributes, long names, symlinks, devices, hard links by PX serial number and
/// relocated deep directories (CL followed, RE hidden). Each directory extent is walked once.
/// </summary>
internal sealed class IsoFilesystem
{
    private const string Fmt = "iso9660";
    private const int Sector = IsoVolumeDescriptor.SectorSize;
    private const int ChunkBytes = 32 * Sector;
    private const int MaxInterleavePieces = 1 << 16;

    // POSIX file types in PX st_mode (RRIP 4.1.1).
    private const uint TypeMask = 0xF000;

    private readonly IByteSource _device;
    private readonly int _blockSize;
    private readonly IsoTreeKind _kind;
    private readonly int _suspSkip;
    private readonly ReadContext _context;
    private readonly SuspParser _susp;
    private readonly CappedWarnings _warnings = new("iso9660");
    private long _directoryBytesLeft;

    public IsoFilesystem(IByteSource device, int blockSize, IsoTreeKind kind, int suspSkip, ReadContext context)
    {
        _device = device;
        _blockSize = blockSize;
        _kind = kind;
        _suspSkip = suspSkip;
        _context = context;
        _susp = new SuspParser(device, blockSize, Warn);

        // Overlapping directory extents could make the walk re-read the image many times over.
        _directoryBytesLeft = (4 * device.Length) + (1 << 20);
    }

    public List<string> Warnings => _warnings.Messages;

    /// <summary>Relocated directories seen (RRIP CL).</summary>
    public int Relocations { get; private set; }

    private readonly record struct Item(IsoDirectoryRecord Record, string Name, RockRidgeEntry? Rr);

    private readonly record struct Dir(long Offset, long Length, string Path);

    /// <summary>Reads the root's first sector: whether SUSP is in use (SP, or Rock Ridge entries without it) and its skip.</summary>
    public static bool DetectSusp(IByteSource device, int blockSize, IsoDirectoryRecord root, out int skip)
    {
        skip = 0;
        Span<byte> sector = stackalloc byte[255];
        long at = ((long)root.Extent + root.ExtAttrBlocks) * blockSize;
        if (device.ReadFully(at, sector) < IsoDirectoryRecord.MinLength || IsoDirectoryRecord.TryParse(sector) is not { } dot)
        {
            return false;
        }

        var area = sector[dot.SystemUseAt..dot.Length];
        return SuspParser.TryReadSp(area, out skip) || SuspParser.LooksLikeRockRidge(area);
    }

    public FileSystemTree ReadTree(IsoDirectoryRecord root)
    {
        var entries = new List<FsEntry>();
        var links = new List<(string Key, string Path)>();
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        var builder = new EntryListBuilder(Fmt, _context);
        long rootOffset = DirOffset(root);
        var walked = new Dictionary<long, string> { [rootOffset] = "/" };
        var stack = new Stack<Dir>();
        stack.Push(new Dir(rootOffset, root.DataLength, "/"));
        try
        {
            while (stack.Count > 0)
            {
                var dir = stack.Pop();
                var items = ReadDirectory(dir, out _);
                int relocated = items.Count(i => i.Rr?.Relocated == true);
                if (relocated > 0 && relocated == items.Count && dir.Path != "/")
                {
                    // The relocation folder (rr_moved) holds only RE entries: it is not part of the tree.
                    hidden.Add(dir.Path);
                }

                foreach (var (name, record, rr, extents) in Files(items, dir.Path))
                {
                    _context.CancellationToken.ThrowIfCancellationRequested();
                    if (name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
                    {
                        Warn("name", $"iso9660: {Shorten(dir.Path)}: a record named '{EntryName.Display(name)}' is not a valid file name; skipped");
                        continue;
                    }

                    string raw = dir.Path == "/" ? "/" + name : dir.Path + "/" + name;
                    string? path = builder.NormalizeOrReject(raw, dir.Offset);
                    if (path is null)
                    {
                        continue;
                    }

                    var entry = MakeEntry(path, record, rr, extents, stack, walked);
                    if (entry is null)
                    {
                        continue;
                    }

                    if (entry.Type == EntryType.File && rr is { Serial: not 0, Links: > 1 })
                    {
                        links.Add(($"ino:{rr.Serial}:{extents[0].Offset}", path));
                    }

                    entries.Add(entry);
                }
            }
        }
        catch (LimitExceededException e)
        {
            Warnings.Add($"{e.Message}; listing stopped after {entries.Count} entries");
        }

        foreach (var e in entries)
        {
            if (!hidden.Contains(e.Path))
            {
                builder.Add(e);
            }
        }

        foreach (var (key, path) in links)
        {
            builder.AddToLinkGroup(key, path);
        }

        Warnings.AddRange(builder.Warnings);
        _warnings.AddOmittedCounts();

        return builder.Build();
    }

    private long DirOffset(IsoDirectoryRecord r) => ((long)r.Extent + r.ExtAttrBlocks) * _blockSize;

    /// <summary>Groups the records of one directory into files: a multi-extent file's records become one.</summary>
    private IEnumerable<(string Name, IsoDirectoryRecord Record, RockRidgeEntry? Rr, List<(long Offset, long Length)> Extents)> Files(List<Item> items, string dirPath)
    {
        List<(long, long)>? pending = null;
        Item first = default;
        foreach (var item in items)
        {
            if (item.Record.IsAssociated || item.Rr?.Relocated == true)
            {
                continue;
            }

            if (pending is not null && !string.Equals(item.Name, first.Name, StringComparison.Ordinal))
            {
                Warn("extent", $"iso9660: {Shorten(dirPath)}/{EntryName.Display(first.Name)}: multi-extent file has no final record; listed with the extents found");
                yield return (first.Name, first.Record, first.Rr, pending);
                pending = null;
            }

            var extent = (DirOffset(item.Record), (long)item.Record.DataLength);
            if (item.Record.HasMoreExtents && !item.Record.IsDirectory)
            {
                if (pending is null)
                {
                    pending = [];
                    first = item;
                }

                pending.Add(extent);
                continue;
            }

            if (pending is not null)
            {
                pending.Add(extent);
                yield return (first.Name, first.Record, first.Rr, pending);
                pending = null;
                continue;
            }

            yield return (item.Name, item.Record, item.Rr, [extent]);
        }

        if (pending is not null)
        {
            Warn("extent", $"iso9660: {Shorten(dirPath)}/{EntryName.Display(first.Name)}: multi-extent file has no final record; listed with the extents found");
            yield return (first.Name, first.Record, first.Rr, pending);
        }
    }

    private FsEntry? MakeEntry(string path, IsoDirectoryRecord record, RockRidgeEntry? rr, List<(long Offset, long Length)> extents, Stack<Dir> stack, Dictionary<long, string> walked)
    {
        long mtime = rr?.MTime ?? record.MTime;
        EntryType type = record.IsDirectory ? EntryType.Dir : EntryType.File;
        if (rr is { HasPosix: true })
        {
            type = (rr.Mode & TypeMask) switch
            {
                0x4000 => EntryType.Dir,
                0xA000 => EntryType.Symlink,
                0x2000 => EntryType.CharDev,
                0x6000 => EntryType.BlockDev,
                0x1000 => EntryType.Fifo,
                0xC000 => EntryType.Socket,
                _ => type,
            };
        }

        if (rr?.ChildLink is not null)
        {
            type = EntryType.Dir;
        }
        else if (rr?.Link is not null && type == EntryType.File)
        {
            type = EntryType.Symlink;
        }

        int mode = rr is { HasPosix: true } ? (int)(rr.Mode & 0xFFF) : type == EntryType.Dir ? 0x16D : 0x124;
        long uid = rr?.Uid ?? 0;
        long gid = rr?.Gid ?? 0;
        switch (type)
        {
            case EntryType.Dir:
                var (offset, length, dirRr) = rr?.ChildLink is { } cl ? Relocated(cl, path) : (extents[0].Offset, extents[0].Length, null);
                if (dirRr is { HasPosix: true })
                {
                    (mode, uid, gid) = ((int)(dirRr.Mode & 0xFFF), dirRr.Uid, dirRr.Gid);
                }

                mtime = dirRr?.MTime ?? mtime;
                if (offset < 0)
                {
                    break;
                }

                if (walked.TryAdd(offset, path))
                {
                    stack.Push(new Dir(offset, length, path));
                }
                else
                {
                    Warn("loop", $"iso9660: directory {Shorten(path)} has the extent of {Shorten(walked[offset])} (a directory loop or a directory listed twice); not walked again");
                }

                break;
            case EntryType.Symlink:
                if (rr?.Link is null || rr.Link.Length == 0)
                {
                    Warn("entry", $"iso9660: symlink {Shorten(path)} has no SL target; skipped");
                    return null;
                }

                return new FsEntry { Path = path, Type = type, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, LinkTarget = rr.Link.ToString() };
            case EntryType.CharDev or EntryType.BlockDev:
                var (major, minor) = rr!.Device; // A device type comes only from PX, so rr is set.
                return new FsEntry { Path = path, Type = type, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, Major = major, Minor = minor };
            case EntryType.File:
                var content = Content(path, record, extents);
                if (rr?.Zisofs == true)
                {
                    Warn("zisofs", $"iso9660: {Shorten(path)} is zisofs-compressed; listed with its compressed bytes");
                }

                return new FsEntry { Path = path, Type = type, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, Size = content.Length, Content = content };
        }

        return new FsEntry { Path = path, Type = type, Mode = mode, Uid = uid, Gid = gid, MTime = mtime };
    }

    /// <summary>RRIP 4.1.5.1: a CL record stands for the directory whose "." record is at the given block.</summary>
    private (long Offset, long Length, RockRidgeEntry? Rr) Relocated(uint block, string path)
    {
        Relocations++;
        Span<byte> head = stackalloc byte[255];
        long at = (long)block * _blockSize;
        if (_device.ReadFully(at, head) < IsoDirectoryRecord.MinLength || IsoDirectoryRecord.TryParse(head) is not { } dot)
        {
            Warn("relocated", $"iso9660: {Shorten(path)}: relocated directory at block {block} is unreadable; not walked");
            return (-1, 0, null);
        }

        var rr = _susp.Parse(SystemUse(head[..dot.Length], dot), path);
        return (DirOffset(dot), dot.DataLength, rr);
    }

    private ReadOnlySpan<byte> SystemUse(ReadOnlySpan<byte> record, IsoDirectoryRecord r)
    {
        int at = r.SystemUseAt + _suspSkip;
        return at < record.Length ? record[at..] : [];
    }

    private IByteSource Content(string path, IsoDirectoryRecord record, List<(long Offset, long Length)> extents)
    {
        if (record.FileUnitSize != 0 && extents.Count == 1)
        {
            extents = Interleaved(path, extents[0], record.FileUnitSize, record.InterleaveGap);
        }

        foreach (var (offset, length) in extents)
        {
            if (offset + length > _device.Length)
            {
                Warn("range", $"iso9660: {Shorten(path)}: data at 0x{offset:x} ({length} bytes) runs past the end of the image; the missing part reads as zeros");
                break;
            }
        }

        return extents.Count == 1 && extents[0].Offset + extents[0].Length <= _device.Length
            ? _device.Slice(extents[0].Offset, extents[0].Length)
            : new IsoExtentSource(_device, extents);
    }

    // ECMA-119 6.4.3: file units of `unit` blocks separated by gaps of `gap` blocks.
    private List<(long Offset, long Length)> Interleaved(string path, (long Offset, long Length) extent, int unit, int gap)
    {
        long unitBytes = (long)unit * _blockSize;
        long stride = (long)(unit + gap) * _blockSize;
        if ((extent.Length / unitBytes) + 1 > MaxInterleavePieces)
        {
            Warn("interleave", $"iso9660: {Shorten(path)}: interleaved in more than {MaxInterleavePieces} units; read as contiguous");
            return [extent];
        }

        var pieces = new List<(long, long)>();
        for (long done = 0, at = extent.Offset; done < extent.Length; done += unitBytes, at += stride)
        {
            pieces.Add((at, Math.Min(unitBytes, extent.Length - done)));
        }

        return pieces;
    }

    /// <summary>Reads a directory's records sector by sector (a zero length byte pads to the next sector, 6.8.1.1).</summary>
    private List<Item> ReadDirectory(Dir dir, out RockRidgeEntry? dot)
    {
        dot = null;
        var items = new List<Item>();
        long length = dir.Length;
        if (dir.Offset >= _device.Length)
        {
            Warn("range", $"iso9660: directory {Shorten(dir.Path)} at 0x{dir.Offset:x} is past the end of the image; not listed");
            return items;
        }

        if (dir.Offset + length > _device.Length)
        {
            Warn("range", $"iso9660: directory {Shorten(dir.Path)} runs past the end of the image; read up to the end");
            length = _device.Length - dir.Offset;
        }

        if (length > _directoryBytesLeft)
        {
            Warn("budget", $"iso9660: directory {Shorten(dir.Path)}: directories read so far exceed four times the image; the rest is not listed");
            length = Math.Max(0, _directoryBytesLeft);
        }

        _directoryBytesLeft -= length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (long chunk = 0; chunk < length; chunk += ChunkBytes)
            {
                int n = _device.ReadFully(dir.Offset + chunk, buffer.AsSpan(0, (int)Math.Min(ChunkBytes, length - chunk)));
                for (int sector = 0; sector < n; sector += Sector)
                {
                    ReadSector(buffer.AsSpan(sector, Math.Min(Sector, n - sector)), dir, chunk == 0 && sector == 0, items, ref dot);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return items;
    }

    private void ReadSector(ReadOnlySpan<byte> sector, Dir dir, bool firstSector, List<Item> items, ref RockRidgeEntry? dot)
    {
        int pos = 0;
        while (pos < sector.Length && sector[pos] != 0)
        {
            if (IsoDirectoryRecord.TryParse(sector[pos..]) is not { } record)
            {
                Warn("record", $"iso9660: directory {Shorten(dir.Path)}: malformed record at 0x{dir.Offset:x}+{pos}; rest of the sector skipped");
                return;
            }

            if (record.EndianMismatch)
            {
                Warn("endian", $"iso9660: directory {Shorten(dir.Path)}: a record's both-endian fields disagree; the little-endian half is used");
            }

            var bytes = sector.Slice(pos, record.Length);
            pos += record.Length;
            var rawName = bytes.Slice(record.NameAt, record.NameLength);
            var rr = _kind == IsoTreeKind.RockRidge ? _susp.Parse(SystemUse(bytes, record), dir.Path) : null;
            if (record.NameLength == 1 && rawName[0] is 0 or 1)
            {
                // "." and ".." (9.1.11).
                if (firstSector && rawName[0] == 0)
                {
                    dot = rr;
                }

                continue;
            }

            if (items.Count > _context.Limits.MaxFiles)
            {
                // The budget stops the listing once this many names are added; no need to hold more.
                return;
            }

            items.Add(new Item(record, Name(rawName, rr), rr));
        }
    }

    private string Name(ReadOnlySpan<byte> raw, RockRidgeEntry? rr)
    {
        if (rr?.Name is { Count: > 0 } nm)
        {
            return EntryName.Decode(CollectionsMarshal.AsSpan(nm));
        }

        string name = _kind == IsoTreeKind.Joliet
            ? Encoding.BigEndianUnicode.GetString(raw[..(raw.Length & ~1)])
            : EntryName.Decode(raw);
        return StripVersion(name, _kind != IsoTreeKind.Joliet);
    }

    /// <summary>Drops the ";1" file version (7.5.1) and, for ECMA-119 names, the "." of an empty extension.</summary>
    internal static string StripVersion(string name, bool dropEmptyExtension)
    {
        int semi = name.LastIndexOf(';');
        if (semi >= 0 && name.AsSpan(semi + 1).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            name = name[..semi];
        }

        if (dropEmptyExtension && name.Length > 1 && name[^1] == '.')
        {
            name = name[..^1];
        }

        return name;
    }

    private void Warn(string kind, string message) => _warnings.Add(kind, message);

    private static string Shorten(string path) => EntryName.DisplayShortened(path);
}
