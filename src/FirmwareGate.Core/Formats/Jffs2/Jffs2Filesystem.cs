using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats.Jffs2;

/// <summary>
/// A JFFS2 image: one pass over the nodes (as jffs2_scan_eraseblock does) keeps the newest dirent per
/// (parent, name) and every valid inode node, then the tree is walked from the root inode.
/// Nodes with a bad header, node, name or data CRC are skipped like the kernel skips them.
/// </summary>
internal sealed class Jffs2Filesystem
{
    private const string Fmt = "jffs2";
    private const int WindowSize = 1 << 20;

    /// <summary>A run of bytes that are neither nodes nor erased flash longer than this ends the filesystem.</summary>
    private const long MaxGarbageRun = 256 << 10;

    /// <summary>Valid nodes one image may hold (a 1 GiB partition of 4 KiB data nodes has about 260,000).</summary>
    internal const int MaxNodes = 4_000_000;

    private readonly IByteSource _source;
    private readonly ReadContext _context;
    private readonly List<Jffs2DataNode> _nodes = [];
    private readonly Dictionary<uint, Jffs2Inode> _inodes = [];
    private readonly Dictionary<(uint Parent, string Name), Jffs2Dirent> _dirents = [];
    private readonly HashSet<byte> _unsupportedWarned = [];
    private readonly List<long> _cleanMarkers = [];
    private byte[] _window = [];
    private long _windowStart;
    private int _windowLength;

    [ThreadStatic]
    private static (Jffs2Filesystem? Owner, int Node, byte[]? Buffer) ThreadNode;

    public Jffs2Filesystem(IByteSource source, bool bigEndian, ReadContext context)
    {
        _source = source;
        BigEndian = bigEndian;
        _context = context;
    }

    public bool BigEndian { get; }

    public List<string> Warnings { get; } = [];

    /// <summary>Bytes the filesystem occupies: up to its last node, plus the erased flash that follows it.</summary>
    public long Length { get; private set; }

    /// <summary>Erase block size seen from the spacing of cleanmarkers, or 0.</summary>
    public long EraseSize { get; private set; }

    public SortedSet<string> Compressors { get; } = new(StringComparer.Ordinal);

    public int NodeCount { get; private set; }

    public int ObsoleteCount { get; private set; }

    public int BadCount { get; private set; }

    public int InodeCount => _inodes.Count;

    /// <summary>True when the two bytes are the magic in the given order ("85 19" little-endian, "19 85" big-endian).</summary>
    public static bool IsMagic(ReadOnlySpan<byte> h, bool bigEndian) =>
        (bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(h) : BinaryPrimitives.ReadUInt16LittleEndian(h)) == Jffs2Layout.Magic;

    /// <summary>True when <paramref name="h"/> starts with a node header whose hdr_crc matches.</summary>
    public static bool IsValidHeader(ReadOnlySpan<byte> h, bool bigEndian) =>
        h.Length >= Jffs2Layout.HeaderSize && IsMagic(h, bigEndian)
        && Jffs2Crc.Compute(h[..Jffs2Layout.HeaderCrcOffset]) == U32(h, Jffs2Layout.HeaderCrcOffset, bigEndian);

    private static uint U32(ReadOnlySpan<byte> s, int at, bool be) =>
        be ? BinaryPrimitives.ReadUInt32BigEndian(s[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);

    private static ushort U16(ReadOnlySpan<byte> s, int at, bool be) =>
        be ? BinaryPrimitives.ReadUInt16BigEndian(s[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(s[at..]);

    private uint U32(ReadOnlySpan<byte> s, int at) => U32(s, at, BigEndian);

    private ushort U16(ReadOnlySpan<byte> s, int at) => U16(s, at, BigEndian);

    /// <summary>Reads every node of the image.</summary>
    public void Scan()
    {
        _window = ArrayPool<byte>.Shared.Rent(WindowSize);
        try
        {
            ScanNodes();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_window);
            _window = [];
        }
    }

    private ReadOnlySpan<byte> Get(long pos, int count)
    {
        if (pos < _windowStart || pos + count > _windowStart + _windowLength)
        {
            _windowStart = pos;
            _windowLength = _source.ReadFully(pos, _window.AsSpan(0, WindowSize));
        }

        int at = (int)(pos - _windowStart);
        return _window.AsSpan(at, Math.Min(count, _windowLength - at));
    }

    private void ScanNodes()
    {
        long len = _source.Length;
        long pos = 0;
        long lastEnd = 0;
        long garbageStart = -1;
        long skipped = 0;
        int steps = 0;
        while (len - pos >= Jffs2Layout.HeaderSize)
        {
            if ((++steps & 0xFFF) == 0)
            {
                _context.CancellationToken.ThrowIfCancellationRequested();
            }

            var h = Get(pos, Jffs2Layout.HeaderSize);
            if (h.Length < Jffs2Layout.HeaderSize)
            {
                break;
            }

            if (h[0] == 0xFF && h[1] == 0xFF && h[2] == 0xFF && h[3] == 0xFF)
            {
                pos = SkipErased(pos);
                continue;
            }

            uint totLen = U32(h, Jffs2Layout.TotLenOffset);
            if (!IsValidHeader(h, BigEndian) || totLen < Jffs2Layout.HeaderSize || totLen > Jffs2Layout.MaxNodeLength || totLen > len - pos)
            {
                if (garbageStart < 0)
                {
                    garbageStart = pos;
                }
                else if (pos - garbageStart > MaxGarbageRun)
                {
                    break;
                }

                pos += 4;
                continue;
            }

            if (garbageStart >= 0)
            {
                skipped += pos - garbageStart;
                garbageStart = -1;
            }

            var node = Get(pos, (int)totLen);
            if (node.Length < totLen)
            {
                break;
            }

            ReadNode(node, pos);
            lastEnd = pos + totLen;
            pos += (totLen + 3) & ~3L;
        }

        if (skipped > 0)
        {
            Warnings.Add($"jffs2: skipped {skipped} bytes that are neither valid nodes nor erased flash (dirty space or corruption)");
        }

        if (BadCount > 0)
        {
            Warnings.Add($"jffs2: {BadCount} nodes with a bad node, name or data CRC or impossible sizes were ignored");
        }

        EraseSize = GuessEraseSize();
        Length = ExtendOverErased(lastEnd);
    }

    private long SkipErased(long pos)
    {
        long len = _source.Length;
        while (pos < len)
        {
            var span = Get(pos, (int)Math.Min(WindowSize, len - pos));
            int i = span.IndexOfAnyExcept((byte)0xFF);
            if (i >= 0)
            {
                return Math.Max(pos + 4, (pos + i) & ~3L);
            }

            pos += span.Length;
        }

        return len;
    }

    private long ExtendOverErased(long lastEnd)
    {
        long limit = _source.Length;
        if (EraseSize > 0)
        {
            limit = Math.Min(limit, (lastEnd + EraseSize - 1) / EraseSize * EraseSize);
        }

        long pos = lastEnd;
        while (pos < limit)
        {
            var span = Get(pos, (int)Math.Min(WindowSize, limit - pos));
            int i = span.IndexOfAnyExcept((byte)0xFF);
            if (i >= 0)
            {
                // Alignment padding after the last node may be zeros; anything else ends the filesystem.
                return Math.Max(lastEnd, (pos + i) & ~3L);
            }

            pos += span.Length;
        }

        return Math.Max(lastEnd, Math.Min(pos, limit));
    }

    private long GuessEraseSize()
    {
        long best = 0;
        for (int i = 1; i < _cleanMarkers.Count; i++)
        {
            long d = _cleanMarkers[i] - _cleanMarkers[i - 1];
            if (d > 0 && (d & (d - 1)) == 0 && (best == 0 || d < best))
            {
                best = d;
            }
        }

        return best;
    }

    private void ReadNode(ReadOnlySpan<byte> node, long pos)
    {
        if (++NodeCount > MaxNodes)
        {
            throw _context.Budget.Hit(new LimitExceededException(Fmt, pos, "files", $"more than {MaxNodes} nodes"));
        }

        ushort type = U16(node, 2);
        if ((type & Jffs2Layout.Accurate) == 0)
        {
            ObsoleteCount++;
            return;
        }

        switch (type)
        {
            case Jffs2Layout.Dirent:
                ReadDirent(node, pos);
                break;
            case Jffs2Layout.Inode:
                ReadInode(node, pos);
                break;
            case Jffs2Layout.CleanMarker:
                if (_cleanMarkers.Count < 64)
                {
                    _cleanMarkers.Add(pos);
                }

                break;
            case Jffs2Layout.Padding or Jffs2Layout.Summary or Jffs2Layout.Xattr or Jffs2Layout.Xref:
                break;
            default:
                if ((type & Jffs2Layout.CompatMask) == Jffs2Layout.Incompat && Warnings.Count < 100)
                {
                    Warnings.Add($"jffs2 at 0x{pos:x}: unknown incompatible node type 0x{type:x4} skipped (the kernel would refuse to mount)");
                }

                break;
        }
    }

    private void ReadDirent(ReadOnlySpan<byte> node, long pos)
    {
        if (node.Length < Jffs2Layout.DirentSize || Jffs2Crc.Compute(node[..Jffs2Layout.DirentNodeCrc]) != U32(node, Jffs2Layout.DirentNodeCrc))
        {
            BadCount++;
            return;
        }

        int nsize = node[Jffs2Layout.DirentNsize];
        if (nsize == 0 || Jffs2Layout.DirentSize + nsize > node.Length)
        {
            BadCount++;
            return;
        }

        var name = node.Slice(Jffs2Layout.DirentSize, nsize);
        if (Jffs2Crc.Compute(name) != U32(node, Jffs2Layout.DirentNameCrc))
        {
            BadCount++;
            return;
        }

        uint parent = U32(node, Jffs2Layout.DirentPino);
        uint version = U32(node, Jffs2Layout.DirentVersion);
        var key = (parent, Encoding.Latin1.GetString(name));

        // The highest version wins; of equal versions the later one on flash.
        if (!_dirents.TryGetValue(key, out var old) || version >= old.Version)
        {
            _dirents[key] = new Jffs2Dirent(parent, version, U32(node, Jffs2Layout.DirentIno), node[Jffs2Layout.DirentType], name.ToArray(), pos);
        }
    }

    private void ReadInode(ReadOnlySpan<byte> node, long pos)
    {
        if (node.Length < Jffs2Layout.InodeSize || Jffs2Crc.Compute(node[..Jffs2Layout.InodeNodeCrcCovers]) != U32(node, Jffs2Layout.InodeNodeCrc))
        {
            BadCount++;
            return;
        }

        uint csize = U32(node, Jffs2Layout.InodeCsize);
        uint dsize = U32(node, Jffs2Layout.InodeDsize);
        byte compr = node[Jffs2Layout.InodeCompr];
        if (csize > node.Length - Jffs2Layout.InodeSize || dsize > Jffs2Layout.MaxNodeData
            || Jffs2Crc.Compute(node.Slice(Jffs2Layout.InodeSize, (int)csize)) != U32(node, Jffs2Layout.InodeDataCrc))
        {
            BadCount++;
            return;
        }

        uint ino = U32(node, Jffs2Layout.InodeIno);
        if (ino == 0)
        {
            BadCount++;
            return;
        }

        uint version = U32(node, Jffs2Layout.InodeVersion);
        if (!_inodes.TryGetValue(ino, out var inode))
        {
            if (_inodes.Count >= _context.Limits.MaxFiles)
            {
                throw _context.Budget.Hit(new LimitExceededException(Fmt, pos, "files", $"more than {_context.Limits.MaxFiles} inodes (--max-files)"));
            }

            _inodes[ino] = inode = new Jffs2Inode();
        }

        if (!inode.HasMeta || version >= inode.Version)
        {
            inode.HasMeta = true;
            inode.Version = version;
            inode.Mode = U32(node, Jffs2Layout.InodeMode);
            inode.Uid = U16(node, Jffs2Layout.InodeUid);
            inode.Gid = U16(node, Jffs2Layout.InodeGid);
            inode.ISize = U32(node, Jffs2Layout.InodeIsize);
            inode.MTime = U32(node, Jffs2Layout.InodeMtime);
            inode.NodeOffset = pos;
        }

        if (dsize == 0)
        {
            return;
        }

        if (compr != Jffs2Layout.ComprZero)
        {
            Compressors.Add(Jffs2Decompressor.NameOf(compr));
        }

        if (!Jffs2Decompressor.IsSupported(compr) && _unsupportedWarned.Add(compr))
        {
            Warnings.Add($"jffs2 at 0x{pos:x}: compressor {Jffs2Decompressor.NameOf(compr)} (id {compr}) is not supported; files using it cannot be read");
        }

        inode.Nodes.Add(_nodes.Count);
        _nodes.Add(new Jffs2DataNode(pos + Jffs2Layout.InodeSize, version, U32(node, Jffs2Layout.InodeOffset), csize, dsize, compr));
    }

    /// <summary>The decoded data of node <paramref name="index"/>, cached per thread.</summary>
    internal ReadOnlySpan<byte> Decode(int index)
    {
        var node = _nodes[index];
        var cache = ThreadNode;
        if (ReferenceEquals(cache.Owner, this) && cache.Node == index && cache.Buffer is not null)
        {
            return cache.Buffer.AsSpan(0, (int)node.DSize);
        }

        _context.CancellationToken.ThrowIfCancellationRequested();
        byte[] output = cache.Buffer is { } b && b.Length >= node.DSize ? b : new byte[Math.Max(node.DSize, 4096)];
        ThreadNode = (null, -1, output);
        byte[] input = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, node.CSize));
        try
        {
            _source.ReadExactly(node.DataOffset, input.AsSpan(0, (int)node.CSize), Fmt);
            if (!Jffs2Decompressor.TryDecode(node.Compr, input.AsSpan(0, (int)node.CSize), output.AsSpan(0, (int)node.DSize)))
            {
                throw new CorruptDataException(Fmt, node.DataOffset, $"{Jffs2Decompressor.NameOf(node.Compr)} data of {node.CSize} bytes does not decode to the node's {node.DSize} bytes");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }

        ThreadNode = (this, index, output);
        return output.AsSpan(0, (int)node.DSize);
    }

    /// <summary>Walks the tree from the root inode and returns its entries.</summary>
    public FileSystemTree BuildTree()
    {
        var builder = new Jffs2TreeBuilder(this, _context, Warnings);
        return builder.Build(_dirents.Values, _inodes);
    }

    /// <summary>
    /// The whole decoded data of the inode's newest data node: a symlink's target or a device number,
    /// which the kernel reads from the metadata node rather than by i_size. Empty when there is none.
    /// </summary>
    internal byte[] NewestNodeData(Jffs2Inode inode)
    {
        int best = -1;
        foreach (int i in inode.Nodes)
        {
            if (best < 0 || _nodes[i].Version >= _nodes[best].Version)
            {
                best = i;
            }
        }

        return best < 0 ? [] : Decode(best).ToArray();
    }

    /// <summary>The content of an inode.</summary>
    internal Jffs2FileSource OpenFile(Jffs2Inode inode) =>
        new(this, Jffs2Fragment.Resolve(_nodes, inode.Nodes, inode.ISize), inode.ISize);
}
