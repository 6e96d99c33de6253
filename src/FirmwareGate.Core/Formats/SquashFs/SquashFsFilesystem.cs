using System.Buffers;
using System.Buffers.Binary;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>
/// Walks a SquashFS 4.0 image: id and fragment tables, inodes of all 14 types, directory listings,
/// hard links (one inode named twice) and xattr names. File contents decode lazily.
/// </summary>
internal sealed class SquashFsFilesystem
{
    private const string Fmt = "squashfs";
    private const uint StoredBit = 1 << 24;
    private const uint NoFragment = 0xFFFFFFFF;

    // The kernel refuses symlinks longer than a page (squashfs_read_inode: i_size > PAGE_SIZE).
    private const int MaxSymlink = 4096;

    // Per kind of problem (corrupt entry, shared listing, long path), the first few are shown, then a count.

    // Memory the listing itself may hold (path and link strings), per entry on top of its strings.
    private const int EntryOverheadBytes = 128;
    private readonly IByteSource _source;
    private readonly SquashFsSuperblock _sb;
    private readonly SquashFsCodec _codec;
    private readonly SquashFsMetadata _meta;
    private readonly ReadContext _context;
    private readonly long _limit;
    private readonly uint[] _ids;
    private readonly long[] _fragmentIndex = [];
    private readonly uint _fragmentCount;
    private readonly CappedWarnings _warnings = new("squashfs");

    [ThreadStatic]
    private static FragmentCache? ThreadFragments;
    private readonly XattrTable? _xattrs;

    public SquashFsFilesystem(IByteSource source, SquashFsSuperblock sb, SquashFsCodec codec, ReadContext context)
    {
        _source = source;
        _sb = sb;
        _codec = codec;
        _context = context;
        _limit = (long)Math.Min(sb.BytesUsed, (ulong)source.Length);
        _meta = new SquashFsMetadata(source, codec, _limit);
        if ((long)sb.DirectoryTable >= _limit)
        {
            throw new TruncatedInputException(Fmt, (long)sb.DirectoryTable, "directory table outside the filesystem");
        }

        // At most 65536 ids of 4 bytes: read them all, once the index is known to fit.
        var idIndex = _meta.ReadTableIndex((long)sb.IdTable, (long)sb.IdTable, sb.IdCount, 4, "id table");
        _ids = new uint[sb.IdCount];
        Span<byte> id = stackalloc byte[4];
        for (int i = 0; i < _ids.Length; i++)
        {
            _meta.ReadTableEntry(idIndex, i, id);
            _ids[i] = BinaryPrimitives.ReadUInt32LittleEndian(id);
        }

        // Fragment entries are read as fragments are first needed: only the index is held.
        if (sb.FragmentCount > 0 && sb.FragmentTable != SquashFsSuperblock.NotPresent)
        {
            if (sb.FragmentTable >= (ulong)_limit)
            {
                throw new CorruptDataException(Fmt, 80, $"fragment table at {sb.FragmentTable} outside the filesystem");
            }

            _fragmentIndex = _meta.ReadTableIndex((long)sb.FragmentTable, (long)sb.FragmentTable, sb.FragmentCount, 16, "fragment table");
            _fragmentCount = sb.FragmentCount;
        }

        if ((sb.Flags & SquashFsSuperblock.FlagNoXattrs) == 0 && sb.XattrIdTable != SquashFsSuperblock.NotPresent)
        {
            try
            {
                _xattrs = new XattrTable(this);
            }
            catch (FirmwareFormatException e)
            {
                Warnings.Add($"squashfs: xattr table unreadable ({e.Detail}); xattrs not listed");
            }
        }
    }

    public uint BlockSize => _sb.BlockSize;

    public List<string> Warnings => _warnings.Messages;

    /// <summary>The metadata blocks (inode table, block lists), shared with file contents.</summary>
    internal SquashFsMetadata Metadata => _meta;

    /// <summary>
    /// Lists every entry below the root. Each directory listing is walked once: a listing reached a
    /// second time (a loop, or a directory named by many parents) is reported and not walked again,
    /// so a small image cannot multiply into a huge tree. Entries count against the scan's file limit,
    /// paths against the path limit, and the strings the listing holds against the memory budget.
    /// A corrupt entry is reported and skipped; a corrupt root fails the layer.
    /// </summary>
    public FileSystemTree ReadTree()
    {
        var entries = new List<FsEntry>();
        var rejected = new List<string>();
        var byInodeNumber = new Dictionary<uint, List<int>>();
        var listings = new Dictionary<(long Block, int Offset), string>();
        var stack = new Stack<(Inode Dir, string Path, int PathBytes)>();
        var root = ReadInode(_sb.RootInode, "/");
        if (root.Type != EntryType.Dir)
        {
            throw new CorruptDataException(Fmt, (long)(_sb.RootInode >> 16), "the root inode is not a directory");
        }

        if (root.HasListing)
        {
            listings.Add((root.DirBlock, root.DirOffset), "/");
            stack.Push((root, "/", 0));
        }

        int maxPath = _context.Limits.MaxPathBytes;
        long memoryBudget = _context.Limits.MemoryBudgetBytes;
        long held = 0;
        try
        {
            while (stack.Count > 0)
            {
                var (dir, dirPath, dirBytes) = stack.Pop();
                try
                {
                    foreach (var (name, nameBytes, childRef) in ReadDirectory(dir))
                    {
                        _context.CancellationToken.ThrowIfCancellationRequested();
                        _context.Budget.AddFile(Fmt, dir.DirBlock);
                        string path = dirPath == "/" ? "/" + name : dirPath + "/" + name;
                        held += EntryOverheadBytes + (2L * path.Length);
                        if (name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
                        {
                            rejected.Add(path);
                            continue;
                        }

                        int pathBytes = dirBytes + 1 + nameBytes;
                        if (pathBytes > maxPath)
                        {
                            _context.Budget.Hit(new LimitExceededException(Fmt, dir.DirBlock, "pathBytes", "path too long"));
                            Warn("path", $"squashfs: {Shorten(path)} is longer than {maxPath} bytes; skipped with everything below it");
                            continue;
                        }

                        Inode child;
                        try
                        {
                            child = ReadInode(childRef, path);
                        }
                        catch (FirmwareFormatException e) when (e is not LimitExceededException)
                        {
                            Warn("entry", $"squashfs: {Shorten(path)}: {e.Detail}; entry skipped");
                            continue;
                        }

                        held += 2L * (child.Entry.LinkTarget?.Length ?? 0);
                        if (held > memoryBudget)
                        {
                            throw _context.Budget.Hit(new LimitExceededException(Fmt, dir.DirBlock, "memory",
                                $"the listing holds more than {memoryBudget} bytes of names"));
                        }

                        if (child.Type == EntryType.Dir)
                        {
                            if (!child.HasListing)
                            {
                                // Empty: nothing to walk (and empty directories may share a position).
                            }
                            else if (listings.TryAdd((child.DirBlock, child.DirOffset), path))
                            {
                                stack.Push((child, path, pathBytes));
                            }
                            else
                            {
                                Warn("shared", $"squashfs: directory {Shorten(path)} has the same listing as {Shorten(listings[(child.DirBlock, child.DirOffset)])} (a directory loop or a directory linked twice); not walked again");
                            }
                        }
                        else
                        {
                            if (!byInodeNumber.TryGetValue(child.InodeNumber, out var list))
                            {
                                byInodeNumber[child.InodeNumber] = list = [];
                            }

                            list.Add(entries.Count);
                        }

                        entries.Add(child.Entry);
                    }
                }
                catch (FirmwareFormatException e) when (e is not LimitExceededException)
                {
                    Warn("listing", $"squashfs: directory {Shorten(dirPath)}: {e.Detail}; rest of its listing skipped");
                }
            }
        }
        catch (LimitExceededException e)
        {
            Warnings.Add($"{e.Message}; listing stopped after {entries.Count} entries");
        }

        HardLinkGroups.Mark(entries, byInodeNumber.Values);

        _warnings.AddOmittedCounts();

        return new FileSystemTree(entries, rejected);
    }

    private void Warn(string kind, string message) => _warnings.Add(kind, message);

    private static string Shorten(string path) => EntryName.DisplayShortened(path);

    private readonly record struct Inode(EntryType Type, uint InodeNumber, FsEntry Entry, long DirBlock, int DirOffset, long DirSize)
    {
        // A listing's size counts 3 bytes that are not stored (the "." and ".." of old versions).
        public bool HasListing => DirSize > 3;
    }

    /// <summary>Decoded bytes that metadata blocks from <paramref name="position"/> up to <paramref name="end"/> can hold at most.</summary>
    private static long MaxDecoded(long position, long end) =>
        end <= position ? 0 : (end - position) / SquashFsMetadata.MinStoredBlock * SquashFsMetadata.BlockSize;

    private Inode ReadInode(ulong reference, string path)
    {
        long tableBlock = (long)(reference >> 16);
        long block = (long)_sb.InodeTable + tableBlock;
        int offset = (int)(reference & 0xFFFF);
        if (block >= (long)_sb.DirectoryTable || offset >= SquashFsMetadata.BlockSize)
        {
            throw new CorruptDataException(Fmt, tableBlock, $"inode reference {reference:x} outside the inode table");
        }

        Span<byte> h = stackalloc byte[16];
        _meta.Read(ref block, ref offset, h);
        int type = BinaryPrimitives.ReadUInt16LittleEndian(h);
        int mode = BinaryPrimitives.ReadUInt16LittleEndian(h[2..]) & 0xFFF;
        long uid = Id(BinaryPrimitives.ReadUInt16LittleEndian(h[4..]));
        long gid = Id(BinaryPrimitives.ReadUInt16LittleEndian(h[6..]));
        long mtime = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
        uint number = BinaryPrimitives.ReadUInt32LittleEndian(h[12..]);
        Span<byte> b = stackalloc byte[40];
        switch (type)
        {
            case 1:
            case 8:
                {
                    long dirBlock, dirSize;
                    int dirOffset;
                    uint xattr = NoFragment;
                    if (type == 1)
                    {
                        _meta.Read(ref block, ref offset, b[..16]);
                        dirBlock = BinaryPrimitives.ReadUInt32LittleEndian(b);
                        dirSize = BinaryPrimitives.ReadUInt16LittleEndian(b[8..]);
                        dirOffset = BinaryPrimitives.ReadUInt16LittleEndian(b[10..]);
                    }
                    else
                    {
                        _meta.Read(ref block, ref offset, b[..24]);
                        dirSize = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
                        dirBlock = BinaryPrimitives.ReadUInt32LittleEndian(b[8..]);
                        dirOffset = BinaryPrimitives.ReadUInt16LittleEndian(b[18..]);
                        xattr = BinaryPrimitives.ReadUInt32LittleEndian(b[20..]);
                    }

                    long listing = (long)_sb.DirectoryTable + dirBlock;
                    if (dirSize > 3 && (listing >= _limit || dirOffset >= SquashFsMetadata.BlockSize || dirSize - 3 > MaxDecoded(listing, _limit) - dirOffset))
                    {
                        throw new CorruptDataException(Fmt, tableBlock, $"directory listing of {dirSize} bytes at {dirBlock}:{dirOffset} outside the directory table");
                    }

                    var e = new FsEntry { Path = path, Type = EntryType.Dir, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, XattrNames = XattrNames(xattr) };
                    return new Inode(EntryType.Dir, number, e, dirBlock, dirOffset, dirSize);
                }

            case 2:
            case 9:
                {
                    long start, size;
                    uint frag, fragOffset, xattr = NoFragment;
                    if (type == 2)
                    {
                        _meta.Read(ref block, ref offset, b[..16]);
                        start = BinaryPrimitives.ReadUInt32LittleEndian(b);
                        frag = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
                        fragOffset = BinaryPrimitives.ReadUInt32LittleEndian(b[8..]);
                        size = BinaryPrimitives.ReadUInt32LittleEndian(b[12..]);
                    }
                    else
                    {
                        _meta.Read(ref block, ref offset, b[..40]);
                        start = (long)BinaryPrimitives.ReadUInt64LittleEndian(b);
                        size = (long)BinaryPrimitives.ReadUInt64LittleEndian(b[8..]);
                        frag = BinaryPrimitives.ReadUInt32LittleEndian(b[28..]);
                        fragOffset = BinaryPrimitives.ReadUInt32LittleEndian(b[32..]);
                        xattr = BinaryPrimitives.ReadUInt32LittleEndian(b[36..]);
                    }

                    if (size < 0 || size > 1L << 44 || start < 0 || start > _limit)
                    {
                        throw new CorruptDataException(Fmt, tableBlock, $"file size {size} or data start {start} out of range");
                    }

                    if (frag != NoFragment && (frag >= _fragmentCount || fragOffset + (size % BlockSize) > BlockSize))
                    {
                        throw new CorruptDataException(Fmt, tableBlock, $"tail in fragment {frag} at {fragOffset}, outside the {_fragmentCount} fragments");
                    }

                    // The block list (4 bytes a block) follows the inode in the inode table, which is
                    // compressed: bound it by what the table's blocks can decode to, not by the image size
                    // (a sparse 1 GiB file has a 32 KiB list that compresses to almost nothing). It is read
                    // when the content is.
                    long blocks = frag == NoFragment ? (size + BlockSize - 1) / BlockSize : size / BlockSize;
                    if (blocks * 4 > MaxDecoded(block, (long)_sb.DirectoryTable) - offset)
                    {
                        throw new CorruptDataException(Fmt, tableBlock, $"block list of {blocks} entries is longer than the inode table");
                    }

                    var content = new SquashFsFileSource(this, start, blocks, block, offset, size, frag, fragOffset);
                    var e = new FsEntry { Path = path, Type = EntryType.File, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, Size = size, Content = content, XattrNames = XattrNames(xattr) };
                    return new Inode(EntryType.File, number, e, 0, 0, 0);
                }

            case 3:
            case 10:
                {
                    _meta.Read(ref block, ref offset, b[..8]);
                    uint len = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
                    if (len > MaxSymlink)
                    {
                        throw new CorruptDataException(Fmt, tableBlock, $"symlink target of {len} bytes");
                    }

                    Span<byte> target = stackalloc byte[(int)len];
                    _meta.Read(ref block, ref offset, target);
                    uint xattr = NoFragment;
                    if (type == 10)
                    {
                        _meta.Read(ref block, ref offset, b[..4]);
                        xattr = BinaryPrimitives.ReadUInt32LittleEndian(b);
                    }

                    var e = new FsEntry { Path = path, Type = EntryType.Symlink, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, LinkTarget = EntryName.Decode(target), XattrNames = XattrNames(xattr) };
                    return new Inode(EntryType.Symlink, number, e, 0, 0, 0);
                }

            case 4:
            case 5:
            case 11:
            case 12:
                {
                    _meta.Read(ref block, ref offset, b[..(type > 5 ? 12 : 8)]);
                    uint dev = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
                    uint xattr = type > 5 ? BinaryPrimitives.ReadUInt32LittleEndian(b[8..]) : NoFragment;
                    var t = type is 4 or 11 ? EntryType.BlockDev : EntryType.CharDev;

                    // Linux new_encode_dev: major in bits 8..19, minor in bits 0..7 and 20..31.
                    var e = new FsEntry { Path = path, Type = t, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, Major = (int)((dev & 0xFFF00) >> 8), Minor = (int)((dev & 0xFF) | ((dev >> 12) & 0xFFF00)), XattrNames = XattrNames(xattr) };
                    return new Inode(t, number, e, 0, 0, 0);
                }

            case 6:
            case 7:
            case 13:
            case 14:
                {
                    _meta.Read(ref block, ref offset, b[..(type > 7 ? 8 : 4)]);
                    uint xattr = type > 7 ? BinaryPrimitives.ReadUInt32LittleEndian(b[4..]) : NoFragment;
                    var t = type is 6 or 13 ? EntryType.Fifo : EntryType.Socket;
                    var e = new FsEntry { Path = path, Type = t, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, XattrNames = XattrNames(xattr) };
                    return new Inode(t, number, e, 0, 0, 0);
                }

            default:
                throw new CorruptDataException(Fmt, tableBlock, $"unknown inode type {type}");
        }
    }

    private long Id(int index) =>
        index < _ids.Length ? _ids[index] : throw new CorruptDataException(Fmt, (long)_sb.IdTable, $"id index {index} outside the id table of {_ids.Length}");

    private IEnumerable<(string Name, int NameBytes, ulong Ref)> ReadDirectory(Inode dir)
    {
        long remaining = dir.DirSize - 3;
        long block = (long)_sb.DirectoryTable + dir.DirBlock;
        int offset = dir.DirOffset;
        var h = new byte[12];
        var nameBuf = new byte[256];
        while (remaining >= 12)
        {
            _meta.Read(ref block, ref offset, h);
            remaining -= 12;
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(h) + 1;
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(4));
            if (count > 256)
            {
                throw new CorruptDataException(Fmt, dir.DirBlock, $"directory header lists {count} entries (at most 256)");
            }

            for (uint i = 0; i < count; i++)
            {
                if (remaining < 8)
                {
                    throw new CorruptDataException(Fmt, dir.DirBlock, "directory listing ends mid-entry");
                }

                _meta.Read(ref block, ref offset, h.AsSpan(0, 8));
                ushort inodeOffset = BinaryPrimitives.ReadUInt16LittleEndian(h);
                int nameSize = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(6)) + 1;
                remaining -= 8 + nameSize;
                if (nameSize > 256 || remaining < 0)
                {
                    throw new CorruptDataException(Fmt, dir.DirBlock, $"directory entry name of {nameSize} bytes");
                }

                _meta.Read(ref block, ref offset, nameBuf.AsSpan(0, nameSize));
                yield return (EntryName.Decode(nameBuf.AsSpan(0, nameSize)), nameSize, ((ulong)start << 16) | inodeOffset);
            }
        }
    }

    /// <summary>Decodes one data block; returns the decoded length.</summary>
    public int ReadDataBlock(long position, uint size, Span<byte> output)
    {
        // Bits 0..23 are the stored size, bit 24 says "not compressed"; anything above is corrupt.
        int length = (int)(size & (StoredBit - 1));
        if ((size >> 25) != 0 || length > BlockSize * 2 || position < 0 || position + length > _limit)
        {
            throw new CorruptDataException(Fmt, position, $"data block of {length} bytes outside the filesystem");
        }

        byte[] raw = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            _source.ReadExactly(position, raw.AsSpan(0, length), Fmt);
            if ((size & StoredBit) != 0)
            {
                if (length > output.Length)
                {
                    throw new CorruptDataException(Fmt, position, $"stored block of {length} bytes, at most {output.Length} expected");
                }

                raw.AsSpan(0, length).CopyTo(output);
                return length;
            }

            try
            {
                return _codec.Decode(raw.AsSpan(0, length), output);
            }
            catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
            {
                throw new CorruptDataException(Fmt, position, $"data block does not decode ({_codec.Name}: {e.Message})");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>
    /// A decoded fragment block. Many small files share one, so each thread keeps its last few
    /// (buffers reused, nothing shared between threads, nothing allocated once warm).
    /// </summary>
    public ReadOnlySpan<byte> Fragment(uint index)
    {
        var cache = ThreadFragments ??= new FragmentCache();
        if (cache.TryGet(this, index, out var hit))
        {
            return hit;
        }

        if (index >= _fragmentCount)
        {
            throw new CorruptDataException(Fmt, (long)_sb.FragmentTable, $"fragment {index} outside the fragment table");
        }

        Span<byte> entry = stackalloc byte[16];
        _meta.ReadTableEntry(_fragmentIndex, index, entry);
        long start = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
        var buffer = cache.Slot(this, index, (int)BlockSize);
        int n = ReadDataBlock(start, size, buffer);
        return cache.Commit(n);
    }

    private IReadOnlyList<string>? XattrNames(uint index) => index == NoFragment || _xattrs is null ? null : _xattrs.Names(index);

    /// <summary>The last few fragment blocks decoded on one thread, in reused buffers.</summary>
    private sealed class FragmentCache
    {
        private const int Slots = 8;
        private readonly (SquashFsFilesystem? Owner, uint Index, byte[] Buffer, int Length)[] _slots = new (SquashFsFilesystem?, uint, byte[], int)[Slots];
        private int _next;
        private int _pending = -1;
        private SquashFsFilesystem? _pendingOwner;
        private uint _pendingIndex;

        public bool TryGet(SquashFsFilesystem owner, uint index, out ReadOnlySpan<byte> data)
        {
            foreach (var slot in _slots)
            {
                if (ReferenceEquals(slot.Owner, owner) && slot.Index == index)
                {
                    data = slot.Buffer.AsSpan(0, slot.Length);
                    return true;
                }
            }

            data = default;
            return false;
        }

        public byte[] Slot(SquashFsFilesystem owner, uint index, int size)
        {
            _pending = _next;
            _next = (_next + 1) % Slots;
            var buffer = _slots[_pending].Buffer is { } b && b.Length >= size ? b : new byte[size];
            _slots[_pending] = (null, 0, buffer, 0); // not valid until Commit
            _pendingOwner = owner;
            _pendingIndex = index;
            return buffer;
        }

        public ReadOnlySpan<byte> Commit(int length)
        {
            var buffer = _slots[_pending].Buffer;
            _slots[_pending] = (_pendingOwner, _pendingIndex, buffer, length);
            return buffer.AsSpan(0, length);
        }
    }

    /// <summary>
    /// xattr id table and key/value pairs (squashfs xattr.h); only names are kept, once per xattr id
    /// (many inodes share one), and at most <see cref="MaxNameBytes"/> of them for the whole image.
    /// </summary>
    private sealed class XattrTable
    {
        private const int MaxNamesPerId = 256;
        private const int MaxNameLength = 255; // XATTR_NAME_MAX
        private const int MaxValueLength = 65536; // XATTR_SIZE_MAX
        private const long MaxNameBytes = 16L << 20;
        private readonly SquashFsFilesystem _fs;
        private readonly long _kvStart;
        private readonly uint _count;
        private readonly long[] _index;
        private readonly Dictionary<uint, IReadOnlyList<string>?> _names = [];
        private long _nameBytes;

        public XattrTable(SquashFsFilesystem fs)
        {
            _fs = fs;
            long at = (long)fs._sb.XattrIdTable;
            if (at < SquashFsSuperblock.Size || at > fs._limit - 16)
            {
                throw new CorruptDataException(Fmt, 56, $"xattr id table at {at} outside the filesystem");
            }

            Span<byte> h = stackalloc byte[16];
            fs._source.ReadExactly(at, h, Fmt);
            _kvStart = (long)BinaryPrimitives.ReadUInt64LittleEndian(h);
            _count = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
            if (_kvStart < SquashFsSuperblock.Size || _kvStart >= at)
            {
                throw new CorruptDataException(Fmt, at, $"xattr values at {_kvStart} outside the filesystem");
            }

            // The id entries' blocks sit between the values and this header; the index follows it.
            _index = fs._meta.ReadTableIndex(at + 16, at, _count, 16, "xattr id table");
        }

        public IReadOnlyList<string>? Names(uint index)
        {
            if (_names.TryGetValue(index, out var known))
            {
                return known;
            }

            IReadOnlyList<string>? names = null;
            try
            {
                names = Decode(index);
            }
            catch (FirmwareFormatException e)
            {
                _fs.Warn("xattr", $"squashfs: xattr id {index}: {e.Detail}; its names not listed");
            }

            _names[index] = names;
            return names;
        }

        private List<string>? Decode(uint index)
        {
            if (index >= _count)
            {
                throw new CorruptDataException(Fmt, (long)_fs._sb.XattrIdTable, $"outside the xattr table of {_count}");
            }

            Span<byte> entry = stackalloc byte[16];
            _fs._meta.ReadTableEntry(_index, index, entry);
            ulong reference = BinaryPrimitives.ReadUInt64LittleEndian(entry);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
            long block = _kvStart + (long)(reference >> 16);
            int offset = (int)(reference & 0xFFFF);
            if (block >= (long)_fs._sb.XattrIdTable || offset >= SquashFsMetadata.BlockSize)
            {
                throw new CorruptDataException(Fmt, block, "pairs outside the xattr table");
            }

            var names = new List<string>();
            Span<byte> h = stackalloc byte[4];
            Span<byte> name = stackalloc byte[MaxNameLength];
            for (uint i = 0; i < Math.Min(count, MaxNamesPerId); i++)
            {
                _fs._meta.Read(ref block, ref offset, h);
                int type = BinaryPrimitives.ReadUInt16LittleEndian(h);
                int nameSize = BinaryPrimitives.ReadUInt16LittleEndian(h[2..]);
                if (nameSize > MaxNameLength)
                {
                    throw new CorruptDataException(Fmt, block, $"xattr name of {nameSize} bytes");
                }

                _fs._meta.Read(ref block, ref offset, name[..nameSize]);
                string prefix = (type & 0xFF) switch { 0 => "user.", 1 => "trusted.", 2 => "security.", _ => "unknown." };
                _nameBytes += prefix.Length + nameSize;
                if (_nameBytes > MaxNameBytes)
                {
                    throw new CorruptDataException(Fmt, block, $"more than {MaxNameBytes} bytes of xattr names in the image");
                }

                names.Add(prefix + EntryName.Display(EntryName.Decode(name[..nameSize])));
                _fs._meta.Read(ref block, ref offset, h);
                uint valueSize = BinaryPrimitives.ReadUInt32LittleEndian(h);
                if (valueSize > MaxValueLength)
                {
                    throw new CorruptDataException(Fmt, block, $"xattr value of {valueSize} bytes");
                }

                _fs._meta.Skip(ref block, ref offset, valueSize);
            }

            if (count > MaxNamesPerId)
            {
                _fs.Warn("xattr", $"squashfs: xattr id {index} has {count} names; the first {MaxNamesPerId} listed");
            }

            names.Sort(StringComparer.Ordinal);
            return names;
        }
    }
}
