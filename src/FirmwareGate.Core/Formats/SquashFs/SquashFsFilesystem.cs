using System.Buffers;
using System.Buffers.Binary;
using System.Text;
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
    private const int MaxSymlink = 65536;
    private readonly IByteSource _source;
    private readonly SquashFsSuperblock _sb;
    private readonly SquashFsCodec _codec;
    private readonly SquashFsMetadata _meta;
    private readonly ReadContext _context;
    private readonly uint[] _ids;
    private readonly byte[] _fragmentTable;

    [ThreadStatic]
    private static FragmentCache? ThreadFragments;
    private readonly XattrTable? _xattrs;

    public SquashFsFilesystem(IByteSource source, SquashFsSuperblock sb, SquashFsCodec codec, ReadContext context)
    {
        _source = source;
        _sb = sb;
        _codec = codec;
        _context = context;
        _meta = new SquashFsMetadata(source, codec, (long)Math.Min(sb.BytesUsed, (ulong)source.Length));
        var idBytes = _meta.ReadTable((long)sb.IdTable, sb.IdCount, 4);
        _ids = new uint[sb.IdCount];
        for (int i = 0; i < _ids.Length; i++)
        {
            _ids[i] = BinaryPrimitives.ReadUInt32LittleEndian(idBytes.AsSpan(i * 4));
        }

        if (sb.FragmentCount > 0 && sb.FragmentTable != SquashFsSuperblock.NotPresent)
        {
            if (sb.FragmentCount > sb.BytesUsed / 16)
            {
                throw new CorruptDataException(Fmt, 16, $"{sb.FragmentCount} fragments in {sb.BytesUsed} bytes");
            }

            _fragmentTable = _meta.ReadTable((long)sb.FragmentTable, (int)sb.FragmentCount, 16);
        }
        else
        {
            _fragmentTable = [];
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

    public List<string> Warnings { get; } = [];

    /// <summary>Lists every entry below the root.</summary>
    public FileSystemTree ReadTree()
    {
        var entries = new List<FsEntry>();
        var rejected = new List<string>();
        var byInodeNumber = new Dictionary<uint, List<int>>();
        var visitedDirs = new HashSet<ulong>();
        var stack = new Stack<(ulong Ref, string Path)>();
        stack.Push((_sb.RootInode, "/"));
        while (stack.Count > 0)
        {
            var (dirRef, dirPath) = stack.Pop();
            if (!visitedDirs.Add(dirRef))
            {
                Warnings.Add($"squashfs: directory {dirPath} is listed twice (a loop); skipped");
                continue;
            }

            var dir = ReadInode(dirRef, dirPath);
            if (dir.Type != EntryType.Dir)
            {
                continue;
            }

            foreach (var (name, childRef) in ReadDirectory(dir))
            {
                _context.CancellationToken.ThrowIfCancellationRequested();
                if (name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
                {
                    rejected.Add(dirPath.TrimEnd('/') + "/" + name);
                    continue;
                }

                string path = dirPath == "/" ? "/" + name : dirPath + "/" + name;
                _context.Budget.AddFile(Fmt, 0);
                var child = ReadInode(childRef, path);
                if (child.Type == EntryType.Dir)
                {
                    stack.Push((childRef, path));
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

        foreach (var group in byInodeNumber.Values.Where(g => g.Count > 1))
        {
            var paths = group.Select(i => entries[i].Path).OrderBy(p => p, StringComparer.Ordinal).ToList();
            foreach (int i in group.Where(i => entries[i].Path != paths[0]))
            {
                entries[i].HardLinkTo = paths[0];
            }
        }

        return new FileSystemTree(entries, rejected);
    }

    private readonly record struct Inode(EntryType Type, uint InodeNumber, FsEntry Entry, long DirBlock, int DirOffset, long DirSize);

    private Inode ReadInode(ulong reference, string path)
    {
        long block = (long)_sb.InodeTable + (long)(reference >> 16);
        int offset = (int)(reference & 0xFFFF);
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
                {
                    _meta.Read(ref block, ref offset, b[..16]);
                    var e = new FsEntry { Path = path, Type = EntryType.Dir, Mode = mode, Uid = uid, Gid = gid, MTime = mtime };
                    return new Inode(EntryType.Dir, number, e, BinaryPrimitives.ReadUInt32LittleEndian(b), BinaryPrimitives.ReadUInt16LittleEndian(b[10..]), BinaryPrimitives.ReadUInt16LittleEndian(b[8..]));
                }

            case 8:
                {
                    _meta.Read(ref block, ref offset, b[..24]);
                    uint xattr = BinaryPrimitives.ReadUInt32LittleEndian(b[20..]);
                    var e = new FsEntry { Path = path, Type = EntryType.Dir, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, XattrNames = XattrNames(xattr) };
                    return new Inode(EntryType.Dir, number, e, BinaryPrimitives.ReadUInt32LittleEndian(b[8..]), BinaryPrimitives.ReadUInt16LittleEndian(b[18..]), BinaryPrimitives.ReadUInt32LittleEndian(b[4..]));
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

                    if (size < 0 || size > 1L << 44 || start < 0 || start > (long)_sb.BytesUsed)
                    {
                        throw new CorruptDataException(Fmt, (long)(reference >> 16), $"{path}: file size {size} or data start {start} out of range");
                    }

                    long blocks = frag == NoFragment ? (size + BlockSize - 1) / BlockSize : size / BlockSize;
                    if (blocks * 4 > (long)_sb.BytesUsed)
                    {
                        throw new CorruptDataException(Fmt, (long)(reference >> 16), $"{path}: block list of {blocks} entries");
                    }

                    var sizesRaw = new byte[blocks * 4];
                    _meta.Read(ref block, ref offset, sizesRaw);
                    var sizes = new uint[blocks];
                    for (int i = 0; i < sizes.Length; i++)
                    {
                        sizes[i] = BinaryPrimitives.ReadUInt32LittleEndian(sizesRaw.AsSpan(i * 4));
                    }

                    var content = new SquashFsFileSource(this, start, sizes, size, frag, fragOffset);
                    var e = new FsEntry { Path = path, Type = EntryType.File, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, Size = size, Content = content, XattrNames = XattrNames(xattr) };
                    return new Inode(EntryType.File, number, e, 0, 0, 0);
                }

            case 3:
            case 10:
                {
                    _meta.Read(ref block, ref offset, b[..8]);
                    int len = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(b[4..]), int.MaxValue);
                    if (len > MaxSymlink)
                    {
                        throw new CorruptDataException(Fmt, (long)(reference >> 16), $"{path}: symlink target of {len} bytes");
                    }

                    var target = new byte[len];
                    _meta.Read(ref block, ref offset, target);
                    uint xattr = NoFragment;
                    if (type == 10)
                    {
                        _meta.Read(ref block, ref offset, b[..4]);
                        xattr = BinaryPrimitives.ReadUInt32LittleEndian(b);
                    }

                    var e = new FsEntry { Path = path, Type = EntryType.Symlink, Mode = mode, Uid = uid, Gid = gid, MTime = mtime, LinkTarget = Encoding.UTF8.GetString(target), XattrNames = XattrNames(xattr) };
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
                throw new CorruptDataException(Fmt, (long)(reference >> 16), $"{path}: unknown inode type {type}");
        }
    }

    private long Id(int index) =>
        index < _ids.Length ? _ids[index] : throw new CorruptDataException(Fmt, (long)_sb.IdTable, $"id index {index} outside the id table of {_ids.Length}");

    private IEnumerable<(string Name, ulong Ref)> ReadDirectory(Inode dir)
    {
        // A listing's size counts 3 bytes that are not stored (the "." and ".." entries of old versions).
        long remaining = dir.DirSize - 3;
        if (remaining <= 0)
        {
            yield break;
        }

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
                yield return (Encoding.UTF8.GetString(nameBuf, 0, nameSize), ((ulong)start << 16) | inodeOffset);
            }
        }
    }

    /// <summary>Decodes one data block; returns the decoded length.</summary>
    public int ReadDataBlock(long position, uint size, Span<byte> output)
    {
        // Bits 0..23 are the stored size, bit 24 says "not compressed"; anything above is corrupt.
        int length = (int)(size & (StoredBit - 1));
        if ((size >> 25) != 0 || length > BlockSize * 2 || position < 0 || position + length > (long)Math.Min(_sb.BytesUsed, (ulong)_source.Length))
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

        if ((long)index * 16 + 16 > _fragmentTable.Length)
        {
            throw new CorruptDataException(Fmt, (long)_sb.FragmentTable, $"fragment {index} outside the fragment table");
        }

        long start = (long)BinaryPrimitives.ReadUInt64LittleEndian(_fragmentTable.AsSpan((int)index * 16));
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(_fragmentTable.AsSpan(((int)index * 16) + 8));
        var buffer = cache.Slot(this, index, (int)BlockSize);
        int n = ReadDataBlock(start, size, buffer);
        return cache.Commit(n);
    }

    private IReadOnlyList<string>? XattrNames(uint index) => index == NoFragment || _xattrs is null ? null : _xattrs.Names(index, Warnings);

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

    /// <summary>xattr id table and key/value pairs (squashfs xattr.h); only names are kept.</summary>
    private sealed class XattrTable
    {
        private readonly SquashFsFilesystem _fs;
        private readonly long _kvStart;
        private readonly byte[] _ids;

        public XattrTable(SquashFsFilesystem fs)
        {
            _fs = fs;
            Span<byte> h = stackalloc byte[16];
            fs._source.ReadExactly((long)fs._sb.XattrIdTable, h, Fmt);
            _kvStart = (long)BinaryPrimitives.ReadUInt64LittleEndian(h);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
            if (count > fs._sb.BytesUsed / 16)
            {
                throw new CorruptDataException(Fmt, (long)fs._sb.XattrIdTable, $"{count} xattr ids");
            }

            _ids = fs._meta.ReadTable((long)fs._sb.XattrIdTable + 16, (int)count, 16);
        }

        public IReadOnlyList<string>? Names(uint index, List<string> warnings)
        {
            if ((long)index * 16 + 16 > _ids.Length)
            {
                warnings.Add($"squashfs: xattr id {index} outside the xattr table");
                return null;
            }

            ulong reference = BinaryPrimitives.ReadUInt64LittleEndian(_ids.AsSpan((int)index * 16));
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(_ids.AsSpan(((int)index * 16) + 8));
            long block = _kvStart + (long)(reference >> 16);
            int offset = (int)(reference & 0xFFFF);
            var names = new List<string>();
            Span<byte> h = stackalloc byte[4];
            for (uint i = 0; i < Math.Min(count, 1024); i++)
            {
                _fs._meta.Read(ref block, ref offset, h);
                int type = BinaryPrimitives.ReadUInt16LittleEndian(h);
                int nameSize = BinaryPrimitives.ReadUInt16LittleEndian(h[2..]);
                var name = new byte[nameSize];
                _fs._meta.Read(ref block, ref offset, name);
                string prefix = (type & 0xFF) switch { 0 => "user.", 1 => "trusted.", 2 => "security.", _ => "unknown." };
                names.Add(prefix + Encoding.UTF8.GetString(name));
                _fs._meta.Read(ref block, ref offset, h);
                int valueSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(h);
                if (valueSize is < 0 or > 1 << 16)
                {
                    throw new CorruptDataException(Fmt, block, $"xattr value of {valueSize} bytes");
                }

                var skip = new byte[valueSize];
                _fs._meta.Read(ref block, ref offset, skip);
            }

            names.Sort(StringComparer.Ordinal);
            return names;
        }
    }
}
