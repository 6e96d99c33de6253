using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats.Ext4;

/// <summary>
/// Walks an ext2/3/4 filesystem from the root inode: group descriptors (32 or 64 bytes, meta_bg),
/// inodes, directories (linear; an htree's index blocks hold no live entries, so its leaves read
/// linearly), inline data, symlinks, devices and hard links. File contents read lazily through their
/// block runs. Layout: the kernel's Documentation/filesystems/ext4/ (globals.rst, group_descr.rst,
/// inodes.rst, directory.rst, inlinedata.rst, attributes.rst).
/// </summary>
internal sealed class Ext4Filesystem
{
    private const string Fmt = "ext4";
    private const uint RootInode = 2;
    private const int EntryOverheadBytes = 128;
    private const int DirentHeader = 8;

    // Group descriptor fields: bg_inode_table_lo (0x8), bg_inode_table_hi (0x28, 64-byte descriptors).
    private const int InodeTableLoAt = 0x8;
    private const int InodeTableHiAt = 0x28;

    // In-inode and block extended attributes: h_magic, entries from after the 4-byte (inode) or 32-byte (block) header.
    private const uint XattrMagic = 0xEA020000;
    private const int XattrBlockHeader = 32;
    private const int XattrEntryHeader = 16;
    private const int XattrIndexSystem = 7;

    // The kernel limits a symlink to one page.
    private const int MaxSymlink = 4096;

    private readonly IByteSource _device;
    private readonly Ext4Superblock _sb;
    private readonly ReadContext _context;
    private readonly Ext4BlockMapper _mapper;
    private readonly Dictionary<ulong, ulong> _inodeTables = [];
    private readonly CappedWarnings _warnings = new("ext4");

    public Ext4Filesystem(IByteSource device, Ext4Superblock sb, ReadContext context)
    {
        _device = device;
        _sb = sb;
        _context = context;
        _mapper = new Ext4BlockMapper(device, sb, Warn);
    }

    public List<string> Warnings => _warnings.Messages;

    /// <summary>True when the empty /lost+found that mke2fs always creates was left out of the listing.</summary>
    public bool LostFoundOmitted { get; private set; }

    /// <summary>
    /// Lists every entry below the root. Each directory inode is walked once (a loop or a directory
    /// linked twice is reported); entries count against the scan's limits; a corrupt entry is
    /// reported and skipped; an unreadable root fails the layer.
    /// </summary>
    public FileSystemTree ReadTree()
    {
        var entries = new List<FsEntry>();
        var rejected = new List<string>();
        var byInode = new Dictionary<uint, List<int>>();
        var walked = new Dictionary<uint, string> { [RootInode] = "/" };
        var root = ReadInode(RootInode);
        if (root.FileType != 0x4000)
        {
            throw new CorruptDataException(Fmt, Ext4Superblock.Offset, "the root inode is not a directory");
        }

        var stack = new Stack<(Ext4Inode Dir, string Path, int PathBytes)>();
        stack.Push((root, "/", 0));
        long held = 0;
        try
        {
            while (stack.Count > 0)
            {
                var (dir, dirPath, dirBytes) = stack.Pop();
                foreach (var (name, nameBytes, number) in ReadDirectory(dir, dirPath))
                {
                    _context.CancellationToken.ThrowIfCancellationRequested();
                    _context.Budget.AddFile(Fmt, 0);
                    string path = dirPath == "/" ? "/" + name : dirPath + "/" + name;
                    held += EntryOverheadBytes + (2L * path.Length);
                    if (held > _context.Limits.MemoryBudgetBytes)
                    {
                        throw _context.Budget.Hit(new LimitExceededException(Fmt, 0, "memory", $"the listing holds more than {_context.Limits.MemoryBudgetBytes} bytes of names"));
                    }

                    if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
                    {
                        rejected.Add(path);
                        continue;
                    }

                    int pathBytes = dirBytes + 1 + nameBytes;
                    if (pathBytes > _context.Limits.MaxPathBytes)
                    {
                        _context.Budget.Hit(new LimitExceededException(Fmt, 0, "pathBytes", "path too long"));
                        Warn("path", $"ext4: {Shorten(path)} is longer than {_context.Limits.MaxPathBytes} bytes; skipped with everything below it");
                        continue;
                    }

                    var child = TryEntry(number, path);
                    if (child is null)
                    {
                        continue;
                    }

                    var (entry, inode) = child.Value;
                    if (entry.Type == EntryType.Dir)
                    {
                        if (walked.TryAdd(number, path))
                        {
                            stack.Push((inode, path, pathBytes));
                        }
                        else
                        {
                            Warn("shared", $"ext4: directory {Shorten(path)} is inode {number}, already listed as {Shorten(walked[number])} (a directory loop or a directory linked twice); not walked again");
                        }
                    }
                    else
                    {
                        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(byInode, number, out _);
                        (list ??= []).Add(entries.Count);
                    }

                    held += 2L * (entry.LinkTarget?.Length ?? 0);
                    entries.Add(entry);
                }
            }
        }
        catch (LimitExceededException e)
        {
            Warnings.Add($"{e.Message}; listing stopped after {entries.Count} entries");
        }

        HardLinkGroups.Mark(entries, byInode.Values);
        OmitEmptyLostFound(entries);
        _warnings.AddOmittedCounts();

        return new FileSystemTree(entries, rejected);
    }

    /// <summary>mke2fs creates /lost+found in every filesystem; when it is empty it says nothing about the content.</summary>
    private void OmitEmptyLostFound(List<FsEntry> entries)
    {
        int i = entries.FindIndex(e => e.Path == "/lost+found" && e.Type == EntryType.Dir);
        if (i >= 0 && !entries.Exists(e => e.Path.StartsWith("/lost+found/", StringComparison.Ordinal)))
        {
            entries.RemoveAt(i);
            LostFoundOmitted = true;
        }
    }

    private (FsEntry Entry, Ext4Inode Inode)? TryEntry(uint number, string path)
    {
        try
        {
            var inode = ReadInode(number);
            var entry = MakeEntry(inode, path);
            if (entry is null)
            {
                Warn("entry", $"ext4: {Shorten(path)}: inode {number} has unknown file type 0x{inode.FileType:x4}; entry skipped");
                return null;
            }

            return (entry, inode);
        }
        catch (FirmwareFormatException e) when (e is not LimitExceededException)
        {
            Warn("entry", $"ext4: {Shorten(path)}: {e.Detail}; entry skipped");
            return null;
        }
    }

    private FsEntry? MakeEntry(Ext4Inode inode, string path)
    {
        int mode = inode.Mode & 0xFFF;
        var xattrs = XattrNames(inode);
        switch (inode.FileType)
        {
            case 0x4000:
                return new FsEntry { Path = path, Type = EntryType.Dir, Mode = mode, Uid = inode.Uid, Gid = inode.Gid, MTime = inode.MTime, XattrNames = xattrs };
            case 0x8000:
                var content = Content(inode, path);
                return new FsEntry { Path = path, Type = EntryType.File, Mode = mode, Uid = inode.Uid, Gid = inode.Gid, MTime = inode.MTime, Size = content.Length, Content = content, XattrNames = xattrs };
            case 0xA000:
                return new FsEntry { Path = path, Type = EntryType.Symlink, Mode = mode, Uid = inode.Uid, Gid = inode.Gid, MTime = inode.MTime, LinkTarget = EntryName.Decode(SymlinkTarget(inode, path)), XattrNames = xattrs };
            case 0x2000 or 0x6000:
                var (major, minor) = DeviceNumbers(inode);
                return new FsEntry { Path = path, Type = inode.FileType == 0x2000 ? EntryType.CharDev : EntryType.BlockDev, Mode = mode, Uid = inode.Uid, Gid = inode.Gid, MTime = inode.MTime, Major = major, Minor = minor, XattrNames = xattrs };
            case 0x1000 or 0xC000:
                return new FsEntry { Path = path, Type = inode.FileType == 0x1000 ? EntryType.Fifo : EntryType.Socket, Mode = mode, Uid = inode.Uid, Gid = inode.Gid, MTime = inode.MTime, XattrNames = xattrs };
            default:
                return null;
        }
    }

    /// <summary>Old encoding in i_block[0] (8-bit major and minor), else the new one in i_block[1] (new_encode_dev).</summary>
    private static (int Major, int Minor) DeviceNumbers(Ext4Inode inode)
    {
        uint old = inode.BlockPointer(0);
        if (old != 0)
        {
            return ((int)((old >> 8) & 0xFF), (int)(old & 0xFF));
        }

        uint dev = inode.BlockPointer(1);
        return ((int)((dev & 0xFFF00) >> 8), (int)((dev & 0xFF) | ((dev >> 12) & 0xFFF00)));
    }

    private byte[] SymlinkTarget(Ext4Inode inode, string path)
    {
        ulong size = inode.Size;
        if (size == 0 || size > MaxSymlink)
        {
            throw new CorruptDataException(Fmt, 0, $"symlink target of {size} bytes");
        }

        // ext4_inode_is_fast_symlink: no data blocks besides an extended attribute block.
        ulong eaBlocks = inode.FileAcl != 0 ? (ulong)(_sb.BlockSize / 512) : 0;
        bool inline = (inode.Flags & Ext4Inode.FlagInlineData) != 0;
        if (!inline && inode.Blocks == eaBlocks && size < Ext4Inode.BlockArea)
        {
            return inode.BlockBytes[..(int)size].ToArray();
        }

        var content = Content(inode, path);
        var target = new byte[(int)size];
        if (content.ReadFully(0, target) < target.Length)
        {
            throw new TruncatedInputException(Fmt, 0, "symlink target");
        }

        return target;
    }

    /// <summary>The bytes of a file or directory: inline data, or its block runs.</summary>
    private IByteSource Content(Ext4Inode inode, string path)
    {
        if ((inode.Flags & Ext4Inode.FlagInlineData) != 0)
        {
            return new MemoryByteSource(InlineData(inode, path));
        }

        ulong size = inode.Size;
        if (size > long.MaxValue)
        {
            throw new CorruptDataException(Fmt, 0, $"size {size} is too large");
        }

        var runs = _mapper.Map(inode, size, Shorten(path));
        return new Ext4FileSource(_device, _sb.BlockSize, (long)size, runs);
    }

    /// <summary>Inline data: the first 60 bytes in i_block, the rest in the system.data attribute inside the inode.</summary>
    private byte[] InlineData(Ext4Inode inode, string path)
    {
        ulong size = inode.Size;
        var extra = FindInodeXattr(inode, XattrIndexSystem, "data"u8);
        ulong available = Ext4Inode.BlockArea + (ulong)extra.Length;
        if (size > available)
        {
            Warn("inline", $"ext4: {Shorten(path)}: inline data of {size} bytes but only {available} stored; the rest reads as zeros");
        }

        var data = new byte[(int)Math.Min(size, (ulong)_sb.BlockSize)];
        int head = Math.Min(data.Length, Ext4Inode.BlockArea);
        inode.BlockBytes[..head].CopyTo(data);
        if (data.Length > head)
        {
            var tail = extra[..Math.Min(extra.Length, data.Length - head)];
            tail.CopyTo(data.AsSpan(head));
        }

        return data;
    }

    /// <summary>The value of one in-inode extended attribute; empty when absent or malformed.</summary>
    private static ReadOnlySpan<byte> FindInodeXattr(Ext4Inode inode, int index, ReadOnlySpan<byte> name)
    {
        var area = inode.InodeXattrArea;
        if (area.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(area) != XattrMagic)
        {
            return [];
        }

        var entries = area[4..];
        foreach (var (nameIndex, entryName, valueOffset, valueSize) in XattrEntries(entries))
        {
            if (nameIndex == index && entryName.SequenceEqual(name))
            {
                return valueOffset + valueSize <= entries.Length ? entries.Slice(valueOffset, valueSize) : [];
            }
        }

        return [];
    }

    private static List<(int Index, byte[] Name, int ValueOffset, int ValueSize)> XattrEntries(ReadOnlySpan<byte> entries)
    {
        var result = new List<(int, byte[], int, int)>();
        int pos = 0;
        while (pos + XattrEntryHeader <= entries.Length && BinaryPrimitives.ReadUInt32LittleEndian(entries[pos..]) != 0)
        {
            int nameLen = entries[pos];
            int nameIndex = entries[pos + 1];
            int valueOffset = BinaryPrimitives.ReadUInt16LittleEndian(entries[(pos + 2)..]);
            uint valueSize = BinaryPrimitives.ReadUInt32LittleEndian(entries[(pos + 8)..]);
            if (pos + XattrEntryHeader + nameLen > entries.Length || valueSize > int.MaxValue)
            {
                break;
            }

            result.Add((nameIndex, entries.Slice(pos + XattrEntryHeader, nameLen).ToArray(), valueOffset, (int)valueSize));
            pos += (XattrEntryHeader + nameLen + 3) & ~3;
        }

        return result;
    }

    private List<string>? XattrNames(Ext4Inode inode)
    {
        var names = new List<string>();
        var area = inode.InodeXattrArea;
        if (area.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(area) == XattrMagic)
        {
            names.AddRange(XattrEntries(area[4..]).Select(e => XattrName(e.Index, e.Name)));
        }

        ulong block = inode.FileAcl;
        if (block != 0 && block < _sb.BlocksCount && _mapper.TryCharge(1))
        {
            var buf = new byte[_sb.BlockSize];
            if (_device.ReadFully((long)block * _sb.BlockSize, buf) == buf.Length && BinaryPrimitives.ReadUInt32LittleEndian(buf) == XattrMagic)
            {
                names.AddRange(XattrEntries(buf.AsSpan(XattrBlockHeader)).Select(e => XattrName(e.Index, e.Name)));
            }
        }

        names.RemoveAll(n => n == "system.data");
        return names.Count == 0 ? null : names;
    }

    private static string XattrName(int index, byte[] name)
    {
        string prefix = index switch
        {
            1 => "user.",
            2 => "system.posix_acl_access",
            3 => "system.posix_acl_default",
            4 => "trusted.",
            6 => "security.",
            7 => "system.",
            8 => "system.richacl",
            _ => $"index{index}.",
        };
        return prefix + EntryName.Decode(name);
    }

    /// <summary>The live entries of a directory, in on-disk order, "." and ".." left out.</summary>
    private IEnumerable<(string Name, int NameBytes, uint Inode)> ReadDirectory(Ext4Inode dir, string path)
    {
        var found = new List<(string, int, uint)>();
        try
        {
            if ((dir.Flags & Ext4Inode.FlagInlineData) != 0)
            {
                // i_block: the parent's inode number (4 bytes), then entries; the system.data attribute continues them.
                byte[] data = InlineData(dir, path);
                ParseEntries(data.AsSpan(4, Math.Max(0, Math.Min(data.Length, Ext4Inode.BlockArea) - 4)), path, found);
                if (data.Length > Ext4Inode.BlockArea)
                {
                    ParseEntries(data.AsSpan(Ext4Inode.BlockArea), path, found);
                }
            }
            else
            {
                ReadDirectoryBlocks(dir, path, found);
            }
        }
        catch (FirmwareFormatException e) when (e is not LimitExceededException)
        {
            Warn("listing", $"ext4: directory {Shorten(path)}: {e.Detail}; rest of its listing skipped");
        }

        return found;
    }

    private void ReadDirectoryBlocks(Ext4Inode dir, string path, List<(string, int, uint)> found)
    {
        ulong size = dir.Size;
        if (size > (ulong)_sb.ByteLength)
        {
            throw new CorruptDataException(Fmt, 0, $"directory size {size} exceeds the filesystem");
        }

        int bs = _sb.BlockSize;
        var runs = _mapper.Map(dir, size, Shorten(path));
        var block = new byte[bs];
        foreach (var run in runs)
        {
            for (long i = 0; i < run.Count; i++)
            {
                if (!_mapper.TryCharge(1))
                {
                    throw new CorruptDataException(Fmt, 0, "the image has read more directory blocks than it holds");
                }

                long at = (run.Physical + i) * bs;
                if (_device.ReadFully(at, block) < bs)
                {
                    throw new TruncatedInputException(Fmt, at, "directory block past the end of the image");
                }

                ParseEntries(block, path, found);
            }
        }
    }

    /// <summary>Linear ext4_dir_entry_2 records; an htree's index blocks appear as one empty record and add nothing.</summary>
    private void ParseEntries(ReadOnlySpan<byte> block, string path, List<(string, int, uint)> found)
    {
        bool fileType = (_sb.FeatureIncompat & Ext4Superblock.IncompatFileType) != 0;
        int pos = 0;
        while (pos + DirentHeader <= block.Length)
        {
            uint inode = BinaryPrimitives.ReadUInt32LittleEndian(block[pos..]);
            int recLen = BinaryPrimitives.ReadUInt16LittleEndian(block[(pos + 4)..]);
            if (block.Length == 65536 && recLen is 0 or 65535)
            {
                recLen = 65536; // EXT4_MAX_REC_LEN: a whole 64 KiB block.
            }

            int nameLen = fileType ? block[pos + 6] : BinaryPrimitives.ReadUInt16LittleEndian(block[(pos + 6)..]);
            if (recLen < DirentHeader || recLen % 4 != 0 || recLen > block.Length - pos || DirentHeader + nameLen > recLen)
            {
                Warn("dirent", $"ext4: directory {Shorten(path)}: corrupt entry (rec_len {recLen}, name_len {nameLen}); rest of the block skipped");
                return;
            }

            var name = block.Slice(pos + DirentHeader, nameLen);
            bool dots = name.SequenceEqual("."u8) || name.SequenceEqual(".."u8);
            if (inode != 0 && nameLen > 0 && !dots)
            {
                found.Add((EntryName.Decode(name), nameLen, inode));
            }

            pos += recLen;
        }
    }

    private Ext4Inode ReadInode(uint number)
    {
        if (number == 0 || number > _sb.InodesCount)
        {
            throw new CorruptDataException(Fmt, 0, $"inode {number} outside 1..{_sb.InodesCount}");
        }

        ulong group = (number - 1) / _sb.InodesPerGroup;
        ulong index = (number - 1) % _sb.InodesPerGroup;
        ulong table = InodeTable(group);
        ulong offset = (table * (ulong)_sb.BlockSize) + (index * (ulong)_sb.InodeSize);
        if (table == 0 || table >= _sb.BlocksCount || offset > (ulong)_device.Length)
        {
            throw new CorruptDataException(Fmt, 0, $"inode {number}: inode table of group {group} at block {table} is outside the image");
        }

        var raw = new byte[_sb.InodeSize];
        _device.ReadExactly((long)offset, raw, Fmt);
        return new Ext4Inode { Raw = raw, Number = number };
    }

    private ulong InodeTable(ulong group)
    {
        if (_inodeTables.TryGetValue(group, out ulong table))
        {
            return table;
        }

        long at = DescriptorOffset(group);
        Span<byte> desc = stackalloc byte[64];
        int size = Math.Min(_sb.DescSize, 64);
        _device.ReadExactly(at, desc[..size], Fmt);
        table = BinaryPrimitives.ReadUInt32LittleEndian(desc[InodeTableLoAt..]);
        if (_sb.Has64Bit && size >= 64)
        {
            table |= (ulong)BinaryPrimitives.ReadUInt32LittleEndian(desc[InodeTableHiAt..]) << 32;
        }

        _inodeTables[group] = table;
        return table;
    }

    /// <summary>
    /// Where group <paramref name="group"/>'s descriptor lies: in the table after the superblock, or with
    /// meta_bg from s_first_meta_bg on, in the first group of its meta group (after a backup superblock there).
    /// </summary>
    private long DescriptorOffset(ulong group)
    {
        ulong perBlock = (ulong)(_sb.BlockSize / _sb.DescSize);
        ulong descBlock = group / perBlock;
        ulong block;
        if ((_sb.FeatureIncompat & Ext4Superblock.IncompatMetaBg) != 0 && descBlock >= _sb.FirstMetaBg)
        {
            ulong metaGroup = descBlock * perBlock;
            block = _sb.FirstDataBlock + (metaGroup * _sb.BlocksPerGroup) + (HasSuperblock(metaGroup) ? 1UL : 0);
        }
        else
        {
            block = _sb.FirstDataBlock + 1 + descBlock;
        }

        if (block >= _sb.BlocksCount)
        {
            throw new CorruptDataException(Fmt, 0, $"descriptor of group {group} at block {block} is outside the filesystem");
        }

        return checked(((long)block * _sb.BlockSize) + (long)(group % perBlock * (ulong)_sb.DescSize));
    }

    /// <summary>Group 0 and 1 and powers of 3, 5 and 7 carry backups with sparse_super; every group without it.</summary>
    private bool HasSuperblock(ulong group)
    {
        if ((_sb.FeatureRoCompat & Ext4Superblock.RoCompatSparseSuper) == 0 || group <= 1)
        {
            return true;
        }

        return IsPower(group, 3) || IsPower(group, 5) || IsPower(group, 7);
    }

    private static bool IsPower(ulong n, ulong b)
    {
        while (n % b == 0 && n > 1)
        {
            n /= b;
        }

        return n == 1;
    }

    private void Warn(string kind, string message) => _warnings.Add(kind, message);

    private static string Shorten(string path) => EntryName.DisplayShortened(path);
}
