using System.Buffers;
using System.Buffers.Binary;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>
/// Walks a SquashFS 3.x image (either byte order) or a big-endian 4.0 image: id and fragment tables,
/// inodes, directory listings and hard links. Layouts: squashfs-tools squashfs_compat.h for 3.x
/// (bitfields read through <see cref="SquashFsBitfields"/>), squashfs_fs.h for 4.0. Data blocks,
/// block lists and fragment entries are the same in both apart from byte order. File contents decode lazily.
/// </summary>
internal sealed class SquashFsLegacyFilesystem
{
    private const string Fmt = "squashfs";
    private const uint StoredBit = 1 << 24;
    private const uint NoFragment = 0xFFFFFFFF;
    private const int MaxSymlink = 4096;
    private const int FragmentSlots = 8;
    private const int EntryOverheadBytes = 128;

    // 3.x: a gid index of SQUASHFS_GUIDS (255) means "the same as the uid".
    private const int GuidSameAsUid = 255;

    // sizeof the 3.x inode headers (squashfs_compat.h), packed.
    private const int Base3 = 12;
    private const int Dir3 = 28;
    private const int LDir3 = 31;
    private const int Reg3 = 32;
    private const int LReg3 = 40;
    private const int Symlink3 = 18;
    private const int Dev3 = 18;
    private const int Ipc3 = 16;

    private readonly IByteSource _source;
    private readonly SquashFsLegacySuperblock _sb;
    private readonly SquashFsCodec _codec;
    private readonly SquashFsMetadata _meta;
    private readonly ReadContext _context;
    private readonly long _limit;
    private readonly bool _be;
    private readonly uint[] _uids;
    private readonly uint[] _gids = [];
    private readonly long[] _fragmentIndex = [];
    private readonly uint _fragmentCount;
    private readonly CappedWarnings _warnings = new("squashfs");

    // The last few fragment blocks decoded on each thread: small files share them, and extraction reads
    // them from several threads at once, so no lock is held while one decodes.
    [ThreadStatic]
    private static (SquashFsLegacyFilesystem? Owner, uint Index, byte[]? Data, int Length)[]? ThreadFragments;

    [ThreadStatic]
    private static int ThreadNextFragment;

    public SquashFsLegacyFilesystem(IByteSource source, SquashFsLegacySuperblock sb, SquashFsCodec codec, ReadContext context)
    {
        _source = source;
        _sb = sb;
        _codec = codec;
        _context = context;
        _be = sb.BigEndian;
        _limit = (long)Math.Min(sb.BytesUsed, (ulong)source.Length);
        _meta = new SquashFsMetadata(source, codec, _limit, sb.BigEndian, sb.MetadataHeaderExtra);
        if ((long)sb.DirectoryTable >= _limit)
        {
            throw new TruncatedInputException(Fmt, (long)sb.DirectoryTable, "directory table outside the filesystem");
        }

        if (sb.Major == 3)
        {
            _uids = ReadRawIds((long)sb.IdTable, sb.IdCount, "uid");
            _gids = ReadRawIds((long)sb.GuidTable, sb.GuidCount, "gid");
        }
        else
        {
            var idIndex = _meta.ReadTableIndex((long)sb.IdTable, (long)sb.IdTable, sb.IdCount, 4, "id table");
            _uids = new uint[sb.IdCount];
            Span<byte> id = stackalloc byte[4];
            for (int i = 0; i < _uids.Length; i++)
            {
                _meta.ReadTableEntry(idIndex, i, id);
                _uids[i] = U32(id);
            }
        }

        if (sb.FragmentCount > 0)
        {
            if (sb.FragmentTable >= (ulong)_limit)
            {
                throw new CorruptDataException(Fmt, (long)sb.FragmentTable, $"fragment table at {sb.FragmentTable} outside the filesystem");
            }

            _fragmentIndex = _meta.ReadTableIndex((long)sb.FragmentTable, (long)sb.FragmentTable, sb.FragmentCount, 16, "fragment table");
            _fragmentCount = sb.FragmentCount;
        }
    }

    public uint BlockSize => _sb.BlockSize;

    public bool BigEndian => _be;

    public List<string> Warnings => _warnings.Messages;

    /// <summary>The metadata blocks (inode table, block lists).</summary>
    internal SquashFsMetadata Metadata => _meta;

    private uint U32(ReadOnlySpan<byte> b) => _be ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private ushort U16(ReadOnlySpan<byte> b) => _be ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private ulong U64(ReadOnlySpan<byte> b) => _be ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);

    private long Bits(ReadOnlySpan<byte> b, int position, int width) => (long)SquashFsBitfields.Get(b, position, width, _be);

    private uint[] ReadRawIds(long at, int count, string what)
    {
        // 3.x: at most 255 ids of 4 bytes, stored as a plain array (unsquash-123.c read_ids).
        if (count == 0)
        {
            return [];
        }

        if (at < _sb.Size || at > _limit - (4L * count))
        {
            throw new CorruptDataException(Fmt, at, $"{what} table of {count} entries outside the filesystem");
        }

        Span<byte> raw = stackalloc byte[4 * count];
        _source.ReadExactly(at, raw, Fmt);
        var ids = new uint[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = U32(raw[(4 * i)..]);
        }

        return ids;
    }

    /// <summary>
    /// Lists every entry below the root, each directory listing walked once (a listing reached twice is
    /// a loop or a shared listing: reported, not walked again). Entries count against the scan's file
    /// limit, paths against the path limit, names against the memory budget. A corrupt entry is reported
    /// and skipped; a corrupt root fails the layer.
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
                            if (child.HasListing && !listings.TryAdd((child.DirBlock, child.DirOffset), path))
                            {
                                Warn("shared", $"squashfs: directory {Shorten(path)} has the same listing as {Shorten(listings[(child.DirBlock, child.DirOffset)])} (a directory loop or a directory linked twice); not walked again");
                            }
                            else if (child.HasListing)
                            {
                                stack.Push((child, path, pathBytes));
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
        // A listing's size counts 3 bytes that are not stored.
        public bool HasListing => DirSize > 3;
    }

    private static long MaxDecoded(long position, long end) =>
        end <= position ? 0 : (end - position) / SquashFsMetadata.MinStoredBlock * SquashFsMetadata.BlockSize;

    /// <summary>The common fields of every inode, decoded.</summary>
    private readonly record struct InodeBase(int Type, int Mode, long Uid, long Gid, long MTime, uint Number);

    private Inode ReadInode(ulong reference, string path)
    {
        long tableBlock = (long)(reference >> 16);
        long block = (long)_sb.InodeTable + tableBlock;
        int offset = (int)(reference & 0xFFFF);
        if (tableBlock < 0 || block >= (long)_sb.DirectoryTable || offset >= SquashFsMetadata.BlockSize)
        {
            throw new CorruptDataException(Fmt, tableBlock, $"inode reference {reference:x} outside the inode table");
        }

        return _sb.Major == 3 ? ReadInode3(block, offset, tableBlock, path) : ReadInode4(block, offset, tableBlock, path);
    }

    private long Id(uint[] table, long index, string what) =>
        index < table.Length ? table[index] : throw new CorruptDataException(Fmt, (long)_sb.IdTable, $"{what} index {index} outside the {what} table of {table.Length}");

    private Inode ReadInode3(long block, int offset, long tableBlock, string path)
    {
        Span<byte> b = stackalloc byte[LReg3];
        _meta.Read(ref block, ref offset, b[..Base3]);

        // squashfs_base_inode_header_3: inode_type:4, mode:12, uid:8, guid:8, mtime, inode_number.
        int type = (int)Bits(b, 0, 4);
        int mode = (int)Bits(b, 4, 12);
        long uid = Id(_uids, Bits(b, 16, 8), "uid");
        long gidIndex = Bits(b, 24, 8);
        long gid = gidIndex == GuidSameAsUid ? uid : Id(_gids, gidIndex, "gid");
        var h = new InodeBase(type, mode, uid, gid, U32(b[4..]), U32(b[8..]));
        switch (type)
        {
            case 1:
            case 8:
                {
                    // dir: nlink, file_size:19, offset:13, start_block, parent; ldir: file_size:27, offset:13, start_block, i_count:16, parent.
                    _meta.Read(ref block, ref offset, b[Base3..(type == 1 ? Dir3 : LDir3)]);
                    long size = type == 1 ? Bits(b, 128, 19) : Bits(b, 128, 27);
                    int dirOffset = (int)(type == 1 ? Bits(b, 147, 13) : Bits(b, 155, 13));
                    long dirBlock = type == 1 ? Bits(b, 160, 32) : Bits(b, 168, 32);
                    return Directory(h, dirBlock, dirOffset, size, tableBlock, path);
                }

            case 2:
            case 9:
                {
                    // reg: start_block (64), fragment, offset, file_size (32); lreg: nlink, start_block, fragment, offset, file_size (64).
                    _meta.Read(ref block, ref offset, b[Base3..(type == 2 ? Reg3 : LReg3)]);
                    long start = type == 2 ? Bits(b, 96, 64) : Bits(b, 128, 64);
                    uint frag = (uint)(type == 2 ? Bits(b, 160, 32) : Bits(b, 192, 32));
                    uint fragOffset = (uint)(type == 2 ? Bits(b, 192, 32) : Bits(b, 224, 32));
                    long size = type == 2 ? Bits(b, 224, 32) : Bits(b, 256, 64);
                    return File(h, start, size, frag, fragOffset, block, offset, tableBlock, path);
                }

            case 3:
                {
                    _meta.Read(ref block, ref offset, b[Base3..Symlink3]);
                    return Symlink(h, (uint)Bits(b, 128, 16), block, offset, tableBlock, path);
                }

            case 4:
            case 5:
                {
                    // old_encode_dev: major in bits 8..15, minor in bits 0..7.
                    _meta.Read(ref block, ref offset, b[Base3..Dev3]);
                    int rdev = (int)Bits(b, 128, 16);
                    return Device(h, rdev >> 8, rdev & 0xFF, path);
                }

            case 6:
            case 7:
                _meta.Read(ref block, ref offset, b[Base3..Ipc3]);
                return Ipc(h, path);

            default:
                throw new CorruptDataException(Fmt, tableBlock, $"unknown inode type {type}");
        }
    }

    private Inode ReadInode4(long block, int offset, long tableBlock, string path)
    {
        // squashfs_fs.h, big-endian: type, mode, uid, guid (16 bits each), mtime, inode_number.
        Span<byte> b = stackalloc byte[40];
        _meta.Read(ref block, ref offset, b[..16]);
        int type = U16(b);
        var h = new InodeBase(type, U16(b[2..]) & 0xFFF, Id(_uids, U16(b[4..]), "id"), Id(_uids, U16(b[6..]), "id"), U32(b[8..]), U32(b[12..]));
        switch (type)
        {
            case 1:
                _meta.Read(ref block, ref offset, b[..16]);
                return Directory(h, U32(b), U16(b[10..]), U16(b[8..]), tableBlock, path);
            case 8:
                _meta.Read(ref block, ref offset, b[..24]);
                return Directory(h, U32(b[8..]), U16(b[18..]), U32(b[4..]), tableBlock, path);
            case 2:
                _meta.Read(ref block, ref offset, b[..16]);
                return File(h, U32(b), U32(b[12..]), U32(b[4..]), U32(b[8..]), block, offset, tableBlock, path);
            case 9:
                _meta.Read(ref block, ref offset, b[..40]);
                return File(h, (long)Math.Min(U64(b), long.MaxValue), (long)Math.Min(U64(b[8..]), long.MaxValue), U32(b[28..]), U32(b[32..]), block, offset, tableBlock, path);
            case 3:
            case 10:
                {
                    _meta.Read(ref block, ref offset, b[..8]);
                    return Symlink(h, U32(b[4..]), block, offset, tableBlock, path);
                }

            case 4:
            case 5:
            case 11:
            case 12:
                {
                    _meta.Read(ref block, ref offset, b[..(type > 5 ? 12 : 8)]);
                    uint dev = U32(b[4..]);

                    // new_encode_dev: major in bits 8..19, minor in bits 0..7 and 20..31.
                    return Device(h with { Type = type > 5 ? type - 7 : type }, (int)((dev & 0xFFF00) >> 8), (int)((dev & 0xFF) | ((dev >> 12) & 0xFFF00)), path);
                }

            case 6:
            case 7:
            case 13:
            case 14:
                _meta.Read(ref block, ref offset, b[..(type > 7 ? 8 : 4)]);
                return Ipc(h with { Type = type > 7 ? type - 7 : type }, path);
            default:
                throw new CorruptDataException(Fmt, tableBlock, $"unknown inode type {type}");
        }
    }

    private Inode Directory(InodeBase h, long dirBlock, int dirOffset, long dirSize, long tableBlock, string path)
    {
        long listing = (long)_sb.DirectoryTable + dirBlock;
        if (dirSize > 3 && (listing >= _limit || dirOffset >= SquashFsMetadata.BlockSize || dirSize - 3 > MaxDecoded(listing, _limit) - dirOffset))
        {
            throw new CorruptDataException(Fmt, tableBlock, $"directory listing of {dirSize} bytes at {dirBlock}:{dirOffset} outside the directory table");
        }

        var e = new FsEntry { Path = path, Type = EntryType.Dir, Mode = h.Mode, Uid = h.Uid, Gid = h.Gid, MTime = h.MTime };
        return new Inode(EntryType.Dir, h.Number, e, dirBlock, dirOffset, dirSize);
    }

    private Inode File(InodeBase h, long start, long size, uint frag, uint fragOffset, long listBlock, int listOffset, long tableBlock, string path)
    {
        if (size < 0 || size > 1L << 44 || start < 0 || start > _limit)
        {
            throw new CorruptDataException(Fmt, tableBlock, $"file of {size} bytes at {start}");
        }

        if (frag != NoFragment && (frag >= _fragmentCount || fragOffset + (size % BlockSize) > BlockSize))
        {
            throw new CorruptDataException(Fmt, tableBlock, $"tail in fragment {frag} at {fragOffset}, outside the {_fragmentCount} fragments");
        }

        // The block list (4 bytes a block) must fit in what the inode table can decode to; it is read when the content is.
        long blocks = frag == NoFragment ? (size + BlockSize - 1) / BlockSize : size / BlockSize;
        if (blocks * 4 > MaxDecoded(listBlock, (long)_sb.DirectoryTable) - listOffset)
        {
            throw new CorruptDataException(Fmt, tableBlock, $"block list of {blocks} entries is longer than the inode table");
        }

        var content = new SquashFsLegacyFileSource(this, start, blocks, listBlock, listOffset, size, frag, fragOffset);
        var e = new FsEntry { Path = path, Type = EntryType.File, Mode = h.Mode, Uid = h.Uid, Gid = h.Gid, MTime = h.MTime, Size = size, Content = content };
        return new Inode(EntryType.File, h.Number, e, 0, 0, 0);
    }

    private Inode Symlink(InodeBase h, uint length, long block, int offset, long tableBlock, string path)
    {
        if (length > MaxSymlink)
        {
            throw new CorruptDataException(Fmt, tableBlock, $"symlink target of {length} bytes");
        }

        Span<byte> target = stackalloc byte[(int)length];
        _meta.Read(ref block, ref offset, target);
        var e = new FsEntry { Path = path, Type = EntryType.Symlink, Mode = h.Mode, Uid = h.Uid, Gid = h.Gid, MTime = h.MTime, LinkTarget = EntryName.Decode(target) };
        return new Inode(EntryType.Symlink, h.Number, e, 0, 0, 0);
    }

    private static Inode Device(InodeBase h, int major, int minor, string path)
    {
        var t = h.Type == 4 ? EntryType.BlockDev : EntryType.CharDev;
        var e = new FsEntry { Path = path, Type = t, Mode = h.Mode, Uid = h.Uid, Gid = h.Gid, MTime = h.MTime, Major = major, Minor = minor };
        return new Inode(t, h.Number, e, 0, 0, 0);
    }

    private static Inode Ipc(InodeBase h, string path)
    {
        var t = h.Type == 6 ? EntryType.Fifo : EntryType.Socket;
        var e = new FsEntry { Path = path, Type = t, Mode = h.Mode, Uid = h.Uid, Gid = h.Gid, MTime = h.MTime };
        return new Inode(t, h.Number, e, 0, 0, 0);
    }

    private IEnumerable<(string Name, int NameBytes, ulong Ref)> ReadDirectory(Inode dir)
    {
        // 3.x: squashfs_dir_header_3 (count:8, start_block, inode_number: 9 bytes), squashfs_dir_entry_3
        // (offset:13, type:3, size:8, inode_number:16: 5 bytes). 4.0: 12-byte header, 8-byte entry.
        bool v3 = _sb.Major == 3;
        int headerSize = v3 ? 9 : 12;
        int entrySize = v3 ? 5 : 8;
        long remaining = dir.DirSize - 3;
        long block = (long)_sb.DirectoryTable + dir.DirBlock;
        int offset = dir.DirOffset;
        var h = new byte[12];
        var nameBuf = new byte[256];
        while (remaining >= headerSize)
        {
            _meta.Read(ref block, ref offset, h.AsSpan(0, headerSize));
            remaining -= headerSize;
            long count = (v3 ? Bits(h, 0, 8) : U32(h)) + 1;
            long start = v3 ? Bits(h, 8, 32) : U32(h.AsSpan(4));
            if (count > 256)
            {
                throw new CorruptDataException(Fmt, dir.DirBlock, $"directory header lists {count} entries (at most 256)");
            }

            for (long i = 0; i < count; i++)
            {
                if (remaining < entrySize)
                {
                    throw new CorruptDataException(Fmt, dir.DirBlock, "directory listing ends mid-entry");
                }

                _meta.Read(ref block, ref offset, h.AsSpan(0, entrySize));
                long inodeOffset = v3 ? Bits(h, 0, 13) : U16(h);
                int nameSize = (int)(v3 ? Bits(h, 16, 8) : U16(h.AsSpan(6))) + 1;
                remaining -= entrySize + nameSize;
                if (nameSize > 256 || remaining < 0)
                {
                    throw new CorruptDataException(Fmt, dir.DirBlock, $"directory entry name of {nameSize} bytes");
                }

                _meta.Read(ref block, ref offset, nameBuf.AsSpan(0, nameSize));
                yield return (EntryName.Decode(nameBuf.AsSpan(0, nameSize)), nameSize, ((ulong)start << 16) | (ulong)inodeOffset);
            }
        }
    }

    /// <summary>Decodes one data block; returns the decoded length.</summary>
    public int ReadDataBlock(long position, uint size, Span<byte> output)
    {
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

    /// <summary>Copies <paramref name="output"/>.Length bytes of fragment <paramref name="index"/> from <paramref name="offset"/>.</summary>
    public void ReadFragment(uint index, uint offset, Span<byte> output)
    {
        var slots = ThreadFragments ??= new (SquashFsLegacyFilesystem?, uint, byte[]?, int)[FragmentSlots];
        foreach (var slot in slots)
        {
            if (ReferenceEquals(slot.Owner, this) && slot.Index == index && slot.Data is not null)
            {
                CopyFragment(slot.Data.AsSpan(0, slot.Length), index, offset, output);
                return;
            }
        }

        if (index >= _fragmentCount)
        {
            throw new CorruptDataException(Fmt, (long)_sb.FragmentTable, $"fragment {index} outside the fragment table");
        }

        // squashfs_fragment_entry(_3): start_block (64), size (32), unused.
        Span<byte> entry = stackalloc byte[16];
        _meta.ReadTableEntry(_fragmentIndex, index, entry);
        long start = (long)Math.Min(U64(entry), long.MaxValue);
        uint size = U32(entry[8..]);
        int k = ThreadNextFragment;
        ThreadNextFragment = (k + 1) % slots.Length;
        byte[] data = slots[k].Data is { } reused && reused.Length >= BlockSize ? reused : new byte[BlockSize];
        slots[k] = default;
        int n = ReadDataBlock(start, size, data);
        slots[k] = (this, index, data, n);
        CopyFragment(data.AsSpan(0, n), index, offset, output);
    }

    private static void CopyFragment(ReadOnlySpan<byte> fragment, uint index, uint offset, Span<byte> output)
    {
        if (offset + (long)output.Length > fragment.Length)
        {
            throw new CorruptDataException(Fmt, offset, $"file tail outside fragment {index}");
        }

        fragment.Slice((int)offset, output.Length).CopyTo(output);
    }
}
