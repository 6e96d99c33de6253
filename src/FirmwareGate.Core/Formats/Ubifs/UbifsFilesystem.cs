using System.Buffers.Binary;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats.Ubifs;

/// <summary>
/// Walks a UBIFS image as of its last commit: the newest master node, the index B+tree from its root,
/// and the inode, directory entry, extended attribute entry and data nodes the index points at. Every node
/// read is checked (magic, type, length, CRC); file contents decode lazily, block by block.
/// The journal (nodes written after the last commit) is not replayed.
/// </summary>
internal sealed class UbifsFilesystem
{
    private const string Fmt = "ubifs";

    // The kernel allows 512 index levels (UBIFS_MAX_LEVELS); real trees have a handful.
    private const int MaxIndexDepth = 64;

    // A branch holds lnum, offs, len and a key, plus a hash on authenticated images.
    private const int MinBranchSize = 12 + UbifsNodes.KeyLength;
    private const int MaxFanout = 1 << 12;

    // Memory an index leaf or listing entry holds, for the memory budget.
    private const int LeafBytes = 48;
    private const int MaxSymlink = 4096;

    private readonly IByteSource _source;
    private readonly UbifsSuperblock _sb;
    private readonly ReadContext _context;
    private readonly CappedWarnings _warnings = new("ubifs");

    public UbifsFilesystem(IByteSource source, UbifsSuperblock sb, ReadContext context)
    {
        _source = source;
        _sb = sb;
        _context = context;
    }

    public List<string> Warnings => _warnings.Messages;

    public UbifsSuperblock Superblock => _sb;

    public bool UseNativeCodecs => _context.UseNativeCodecs;

    /// <summary>Sequence number and commit number of the master node used.</summary>
    public (ulong Sqnum, ulong CommitNumber) Master { get; private set; }

    /// <summary>Index nodes read by the walk.</summary>
    public long IndexNodes { get; private set; }

    /// <summary>Reads and checks a node at LEB <paramref name="lnum"/>, offset <paramref name="offs"/>.</summary>
    public byte[] ReadNode(long lnum, long offs, long len, int type)
    {
        long at = Position(lnum, offs, len);
        byte[] node = new byte[len];
        _source.ReadExactly(at, node, Fmt);
        Check(node, at, type);
        return node;
    }

    /// <summary>Reads a node into <paramref name="node"/> (exactly its length) and checks it.</summary>
    public void ReadNode(long lnum, long offs, Span<byte> node, int type)
    {
        long at = Position(lnum, offs, node.Length);
        _source.ReadExactly(at, node, Fmt);
        Check(node, at, type);
    }

    private long Position(long lnum, long offs, long len)
    {
        if (lnum < 0 || lnum >= _sb.LebCount || offs < 0 || len < UbifsNodes.CommonHeaderSize || offs + len > _sb.LebSize || (offs & 7) != 0)
        {
            throw new CorruptDataException(Fmt, 0, $"node reference {lnum}:{offs} ({len} bytes) outside the LEBs");
        }

        return (lnum * _sb.LebSize) + offs;
    }

    private static void Check(ReadOnlySpan<byte> node, long at, int type)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(node) != UbifsNodes.Magic)
        {
            throw new CorruptDataException(Fmt, at, "no node magic");
        }

        if (node[UbifsNodes.Ch.NodeType] != type)
        {
            throw new CorruptDataException(Fmt, at, $"node type {node[UbifsNodes.Ch.NodeType]}, {type} expected");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(node[UbifsNodes.Ch.Len..]) != node.Length)
        {
            throw new CorruptDataException(Fmt, at, "node length differs from the index's");
        }

        if (UbifsNodes.Crc(node) != BinaryPrimitives.ReadUInt32LittleEndian(node[UbifsNodes.Ch.Crc..]))
        {
            throw new CorruptDataException(Fmt, at, "node CRC mismatch");
        }
    }

    /// <summary>
    /// The newest valid master node in LEB 1 or 2: each LEB holds copies written one after another at
    /// min-I/O-aligned offsets, the rest erased.
    /// </summary>
    private (long Lnum, long Offs, long Len) FindRoot()
    {
        byte[] buffer = new byte[UbifsNodes.Mst.Size];
        ulong best = 0;
        (long, long, long)? root = null;
        ulong commit = 0;
        for (int lnum = UbifsNodes.MasterLnum; lnum <= UbifsNodes.MasterLnum + 1 && lnum < _sb.LebCount; lnum++)
        {
            long step = Math.Max(UbifsNodes.Mst.Size, _sb.MinIoSize);
            step = (step + _sb.MinIoSize - 1) / _sb.MinIoSize * _sb.MinIoSize;
            for (long offs = 0; offs + UbifsNodes.Mst.Size <= _sb.LebSize; offs += step)
            {
                _context.CancellationToken.ThrowIfCancellationRequested();
                long at = (lnum * (long)_sb.LebSize) + offs;
                if (_source.ReadFully(at, buffer) < buffer.Length || buffer.AsSpan(0, 4).IndexOfAnyExcept((byte)0xFF) < 0)
                {
                    break;
                }

                if (BinaryPrimitives.ReadUInt32LittleEndian(buffer) != UbifsNodes.Magic
                    || buffer[UbifsNodes.Ch.NodeType] != UbifsNodes.MasterNode
                    || BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(UbifsNodes.Ch.Len)) != UbifsNodes.Mst.Size
                    || UbifsNodes.Crc(buffer) != BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(UbifsNodes.Ch.Crc)))
                {
                    Warn("master", $"ubifs at 0x{at:x}: not a valid master node; skipped");
                    continue;
                }

                ulong sqnum = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(UbifsNodes.Ch.Sqnum));
                if (root is null || sqnum > best)
                {
                    best = sqnum;
                    commit = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(UbifsNodes.Mst.CmtNo));
                    root = (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(UbifsNodes.Mst.RootLnum)),
                        BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(UbifsNodes.Mst.RootOffs)),
                        BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(UbifsNodes.Mst.RootLen)));
                }
            }
        }

        Master = (best, commit);
        return root ?? throw new CorruptDataException(Fmt, (long)_sb.LebSize * UbifsNodes.MasterLnum, "no valid master node in LEB 1 or 2");
    }

    private readonly record struct Leaf(UbifsNodes.Key Key, int Lnum, int Offs, int Len);

    /// <summary>
    /// The index's leaves, depth first from the root. Each index node is read once (a visited set of
    /// positions stops loops and shared subtrees), levels must descend, and the depth is bounded.
    /// </summary>
    private List<Leaf> WalkIndex()
    {
        var (rootLnum, rootOffs, rootLen) = FindRoot();
        var leaves = new List<Leaf>();
        var visited = new HashSet<long>();
        var stack = new Stack<(long Lnum, long Offs, long Len, int Level, int Depth)>();
        stack.Push((rootLnum, rootOffs, rootLen, -1, 0));
        long budget = _context.Limits.MemoryBudgetBytes;
        while (stack.Count > 0)
        {
            _context.CancellationToken.ThrowIfCancellationRequested();
            var (lnum, offs, len, expected, depth) = stack.Pop();
            if (depth > MaxIndexDepth)
            {
                throw _context.Budget.Hit(new LimitExceededException(Fmt, offs, "depth", $"index deeper than {MaxIndexDepth} levels"));
            }

            if (!visited.Add((lnum * _sb.LebSize) + offs))
            {
                Warn("index", $"ubifs: index node {lnum}:{offs} is reached twice (a loop or a shared subtree); not walked again");
                continue;
            }

            byte[] node;
            try
            {
                node = ReadNode(lnum, offs, len, UbifsNodes.IndexNode);
            }
            catch (FirmwareFormatException e) when (depth > 0 && e is not LimitExceededException)
            {
                Warn("index", $"ubifs: index node {lnum}:{offs}: {e.Detail}; its subtree skipped");
                continue;
            }

            IndexNodes++;
            int count = BinaryPrimitives.ReadUInt16LittleEndian(node.AsSpan(UbifsNodes.Idx.ChildCnt));
            int level = BinaryPrimitives.ReadUInt16LittleEndian(node.AsSpan(UbifsNodes.Idx.Level));
            int branch = count == 0 ? 0 : (node.Length - UbifsNodes.Idx.Branches) / count;
            if (count == 0 || count > MaxFanout || branch < MinBranchSize || (expected >= 0 && level != expected))
            {
                Warn("index", $"ubifs: index node {lnum}:{offs} has {count} children at level {level}; skipped");
                continue;
            }

            // Pushed in reverse so the walk visits children in key order.
            for (int i = count - 1; i >= 0; i--)
            {
                var b = node.AsSpan(UbifsNodes.Idx.Branches + (i * branch), branch);
                uint bl = BinaryPrimitives.ReadUInt32LittleEndian(b[UbifsNodes.Idx.BranchLnum..]);
                uint bo = BinaryPrimitives.ReadUInt32LittleEndian(b[UbifsNodes.Idx.BranchOffs..]);
                uint blen = BinaryPrimitives.ReadUInt32LittleEndian(b[UbifsNodes.Idx.BranchLen..]);
                if (level > 0)
                {
                    stack.Push((bl, bo, blen, level - 1, depth + 1));
                }
                else if (bl < _sb.LebCount && bo < _sb.LebSize && blen <= _sb.LebSize && visited.Add(((long)bl * _sb.LebSize) + bo))
                {
                    leaves.Add(new Leaf(UbifsNodes.Key.Parse(b[UbifsNodes.Idx.BranchKey..]), (int)bl, (int)bo, (int)blen));
                    if ((long)leaves.Count * LeafBytes > budget)
                    {
                        throw _context.Budget.Hit(new LimitExceededException(Fmt, offs, "memory", $"the index holds more than {budget / LeafBytes} leaves"));
                    }
                }
            }
        }

        return leaves;
    }

    private sealed class InodeInfo
    {
        public required uint Inum { get; init; }
        public required uint Mode { get; init; }
        public required long Size { get; init; }
        public required long MTime { get; init; }
        public required uint Uid { get; init; }
        public required uint Gid { get; init; }
        public required uint Flags { get; init; }
        public required byte[] Data { get; init; }
        public List<string>? Xattrs { get; set; }
        public List<UbifsFileSource.Block>? Blocks { get; set; }
    }

    private readonly record struct Dent(string Name, int NameBytes, uint Inum);

    /// <summary>Lists every entry below the root inode.</summary>
    public FileSystemTree ReadTree()
    {
        var leaves = WalkIndex();
        var inodes = new Dictionary<uint, InodeInfo>();
        var children = new Dictionary<uint, List<Dent>>();
        var xattrs = new List<(uint Host, string Name)>();
        var blocks = new List<(uint Inum, UbifsFileSource.Block Block)>();
        foreach (var leaf in leaves)
        {
            _context.CancellationToken.ThrowIfCancellationRequested();
            try
            {
                switch (leaf.Key.Type)
                {
                    case UbifsNodes.InodeKey:
                        var ino = ReadInode(leaf);
                        inodes[ino.Inum] = ino;
                        break;
                    case UbifsNodes.DentKey:
                    case UbifsNodes.XentKey:
                        var (parent, dent) = ReadDent(leaf);
                        if (leaf.Key.Type == UbifsNodes.XentKey)
                        {
                            xattrs.Add((parent, dent.Name));
                        }
                        else
                        {
                            if (!children.TryGetValue(parent, out var list))
                            {
                                children[parent] = list = [];
                            }

                            list.Add(dent);
                        }

                        break;
                    case UbifsNodes.DataKey:
                        blocks.Add((leaf.Key.Inum, new UbifsFileSource.Block(leaf.Key.Value, leaf.Lnum, leaf.Offs, leaf.Len)));
                        break;
                    default:
                        Warn("leaf", $"ubifs: index leaf {leaf.Lnum}:{leaf.Offs} has key type {leaf.Key.Type}; skipped");
                        break;
                }
            }
            catch (FirmwareFormatException e) when (e is not LimitExceededException)
            {
                Warn("leaf", $"ubifs: node {leaf.Lnum}:{leaf.Offs}: {e.Detail}; skipped");
            }
        }

        foreach (var (host, name) in xattrs)
        {
            if (inodes.TryGetValue(host, out var ino))
            {
                (ino.Xattrs ??= []).Add(name);
            }
        }

        foreach (var (inum, block) in blocks)
        {
            if (inodes.TryGetValue(inum, out var ino))
            {
                (ino.Blocks ??= []).Add(block);
            }
        }

        return BuildTree(inodes, children);
    }

    private InodeInfo ReadInode(Leaf leaf)
    {
        var node = ReadNode(leaf.Lnum, leaf.Offs, leaf.Len, UbifsNodes.InodeNode);
        if (node.Length < UbifsNodes.Ino.Data)
        {
            throw new CorruptDataException(Fmt, leaf.Offs, "inode node shorter than its fields");
        }

        var s = node.AsSpan();
        CheckKey(s[UbifsNodes.Ino.Key..], leaf);
        int dataLen = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(s[UbifsNodes.Ino.DataLen..]), int.MaxValue);
        if (dataLen > node.Length - UbifsNodes.Ino.Data)
        {
            throw new CorruptDataException(Fmt, leaf.Offs, $"inode data of {dataLen} bytes runs past the node");
        }

        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(s[UbifsNodes.Ino.Size..]);
        if (size > long.MaxValue)
        {
            throw new CorruptDataException(Fmt, leaf.Offs, $"inode size {size} out of range");
        }

        return new InodeInfo
        {
            Inum = leaf.Key.Inum,
            Size = (long)size,
            MTime = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(s[UbifsNodes.Ino.MtimeSec..]), long.MaxValue),
            Uid = BinaryPrimitives.ReadUInt32LittleEndian(s[UbifsNodes.Ino.Uid..]),
            Gid = BinaryPrimitives.ReadUInt32LittleEndian(s[UbifsNodes.Ino.Gid..]),
            Mode = BinaryPrimitives.ReadUInt32LittleEndian(s[UbifsNodes.Ino.Mode..]),
            Flags = BinaryPrimitives.ReadUInt32LittleEndian(s[UbifsNodes.Ino.Flags..]),
            Data = s.Slice(UbifsNodes.Ino.Data, dataLen).ToArray(),
        };
    }

    private (uint Parent, Dent Dent) ReadDent(Leaf leaf)
    {
        int type = leaf.Key.Type == UbifsNodes.XentKey ? UbifsNodes.XentNode : UbifsNodes.DentNode;
        var node = ReadNode(leaf.Lnum, leaf.Offs, leaf.Len, type);
        if (node.Length < UbifsNodes.Dent.Name)
        {
            throw new CorruptDataException(Fmt, leaf.Offs, "entry node shorter than its fields");
        }

        var s = node.AsSpan();
        CheckKey(s[UbifsNodes.Dent.Key..], leaf);
        int nlen = BinaryPrimitives.ReadUInt16LittleEndian(s[UbifsNodes.Dent.Nlen..]);
        if (nlen == 0 || nlen > node.Length - UbifsNodes.Dent.Name)
        {
            throw new CorruptDataException(Fmt, leaf.Offs, $"entry name of {nlen} bytes runs past the node");
        }

        ulong inum = BinaryPrimitives.ReadUInt64LittleEndian(s[UbifsNodes.Dent.Inum..]);
        if (inum > uint.MaxValue)
        {
            throw new CorruptDataException(Fmt, leaf.Offs, $"entry points at inode {inum}, beyond simple keys");
        }

        var name = s.Slice(UbifsNodes.Dent.Name, nlen);
        return (leaf.Key.Inum, new Dent(EntryName.Decode(name), nlen, (uint)inum));
    }

    private static void CheckKey(ReadOnlySpan<byte> key, Leaf leaf)
    {
        var k = UbifsNodes.Key.Parse(key);
        if (k != leaf.Key)
        {
            throw new CorruptDataException(Fmt, leaf.Offs, "node key differs from the index's");
        }
    }

    private FileSystemTree BuildTree(Dictionary<uint, InodeInfo> inodes, Dictionary<uint, List<Dent>> children)
    {
        var entries = new List<FsEntry>();
        var rejected = new List<string>();
        var byInode = new Dictionary<uint, List<int>>();
        var walked = new HashSet<uint> { (uint)UbifsNodes.RootInode };
        var stack = new Stack<(uint Inum, string Path, int PathBytes)>();
        if (!inodes.ContainsKey((uint)UbifsNodes.RootInode))
        {
            throw new CorruptDataException(Fmt, 0, "the root inode is missing from the index");
        }

        stack.Push(((uint)UbifsNodes.RootInode, "/", 0));
        int maxPath = _context.Limits.MaxPathBytes;
        long budget = _context.Limits.MemoryBudgetBytes;
        long held = 0;
        try
        {
            while (stack.Count > 0)
            {
                var (dir, dirPath, dirBytes) = stack.Pop();
                if (!children.TryGetValue(dir, out var list))
                {
                    continue;
                }

                foreach (var dent in list)
                {
                    _context.CancellationToken.ThrowIfCancellationRequested();
                    _context.Budget.AddFile(Fmt, 0);
                    string path = dirPath == "/" ? "/" + dent.Name : dirPath + "/" + dent.Name;
                    held += LeafBytes + (2L * path.Length);
                    if (held > budget)
                    {
                        throw _context.Budget.Hit(new LimitExceededException(Fmt, 0, "memory", $"the listing holds more than {budget} bytes of names"));
                    }

                    if (dent.Name is "." or ".." || dent.Name.Contains('/', StringComparison.Ordinal) || dent.Name.Contains('\0', StringComparison.Ordinal))
                    {
                        rejected.Add(path);
                        continue;
                    }

                    int pathBytes = dirBytes + 1 + dent.NameBytes;
                    if (pathBytes > maxPath)
                    {
                        _context.Budget.Hit(new LimitExceededException(Fmt, 0, "pathBytes", "path too long"));
                        Warn("path", $"ubifs: {Shorten(path)} is longer than {maxPath} bytes; skipped with everything below it");
                        continue;
                    }

                    if (!inodes.TryGetValue(dent.Inum, out var ino))
                    {
                        Warn("entry", $"ubifs: {Shorten(path)}: inode {dent.Inum} is not in the index; entry skipped");
                        continue;
                    }

                    FsEntry entry;
                    try
                    {
                        entry = ToEntry(ino, path);
                    }
                    catch (FirmwareFormatException e) when (e is not LimitExceededException)
                    {
                        Warn("entry", $"ubifs: {Shorten(path)}: {e.Detail}; entry skipped");
                        continue;
                    }

                    held += 2L * (entry.LinkTarget?.Length ?? 0);
                    if (entry.Type == EntryType.Dir)
                    {
                        if (walked.Add(dent.Inum))
                        {
                            stack.Push((dent.Inum, path, pathBytes));
                        }
                        else
                        {
                            Warn("loop", $"ubifs: directory {Shorten(path)} (inode {dent.Inum}) is named twice (a directory loop); not walked again");
                            continue;
                        }
                    }
                    else
                    {
                        if (!byInode.TryGetValue(dent.Inum, out var group))
                        {
                            byInode[dent.Inum] = group = [];
                        }

                        group.Add(entries.Count);
                    }

                    entries.Add(entry);
                }
            }
        }
        catch (LimitExceededException e)
        {
            Warnings.Add($"{e.Message}; listing stopped after {entries.Count} entries");
        }

        HardLinkGroups.Mark(entries, byInode.Values);

        _warnings.AddOmittedCounts();

        return new FileSystemTree(entries, rejected);
    }

    // S_IFMT values of the inode's mode (include/uapi/linux/stat.h).
    private static EntryType? TypeOf(uint mode) => (mode & 0xF000) switch
    {
        0x8000 => EntryType.File,
        0x4000 => EntryType.Dir,
        0xA000 => EntryType.Symlink,
        0x2000 => EntryType.CharDev,
        0x6000 => EntryType.BlockDev,
        0x1000 => EntryType.Fifo,
        0xC000 => EntryType.Socket,
        _ => null,
    };

    private FsEntry ToEntry(InodeInfo ino, string path)
    {
        var type = TypeOf(ino.Mode) ?? throw new CorruptDataException(Fmt, 0, $"inode {ino.Inum} has mode 0{ino.Mode:o}, no file type");
        if ((ino.Flags & UbifsNodes.XattrFlag) != 0)
        {
            throw new CorruptDataException(Fmt, 0, $"inode {ino.Inum} holds an extended attribute, not a file");
        }

        int major = 0, minor = 0;
        string? target = null;
        IByteSource? content = null;
        long size = 0;
        switch (type)
        {
            case EntryType.File:
                size = ino.Size;
                var blocks = ino.Blocks ?? [];
                blocks.Sort((a, b) => a.Number.CompareTo(b.Number));
                content = new UbifsFileSource(this, ino.Inum, size, [.. blocks]);
                break;
            case EntryType.Symlink:
                if (ino.Data.Length is 0 or > MaxSymlink)
                {
                    throw new CorruptDataException(Fmt, 0, $"symlink target of {ino.Data.Length} bytes");
                }

                target = EntryName.Decode(ino.Data);
                break;
            case EntryType.CharDev:
            case EntryType.BlockDev:
                (major, minor) = DecodeDevice(ino.Data);
                break;
        }

        return new FsEntry
        {
            Path = path,
            Type = type,
            Mode = (int)(ino.Mode & 0xFFF),
            Uid = ino.Uid,
            Gid = ino.Gid,
            MTime = ino.MTime,
            Size = size,
            LinkTarget = target,
            Major = major,
            Minor = minor,
            Content = content,
            XattrNames = ino.Xattrs is { Count: > 0 } x ? [.. x.Order(StringComparer.Ordinal)] : null,
        };
    }

    // union ubifs_dev_desc: new_encode_dev() in 4 bytes, huge_encode_dev() in 8 (include/linux/kdev_t.h).
    private static (int Major, int Minor) DecodeDevice(byte[] data)
    {
        ulong dev = data.Length switch
        {
            4 => BinaryPrimitives.ReadUInt32LittleEndian(data),
            8 => BinaryPrimitives.ReadUInt64LittleEndian(data),
            _ => throw new CorruptDataException(Fmt, 0, $"device number of {data.Length} bytes"),
        };
        return ((int)((dev & 0xFFF00) >> 8), (int)((dev & 0xFF) | ((dev >> 12) & 0xFFF00)));
    }

    private void Warn(string kind, string message) => _warnings.Add(kind, message);

    private static string Shorten(string path) => EntryName.DisplayShortened(path);
}
