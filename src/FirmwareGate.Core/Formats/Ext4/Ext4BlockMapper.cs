using System.Buffers;
using System.Buffers.Binary;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Ext4;

/// <summary>
/// Turns an inode's i_block into runs of blocks: an extent tree (any depth; Documentation/filesystems/ext4/
/// dynamic.rst "Extent Tree") or the classic block map (12 direct pointers, then single, double and triple
/// indirect blocks). Tree nodes and indirect blocks are each read once per file (a loop or a shared node
/// is reported and skipped), pointers outside the filesystem become holes, and overlapping runs are dropped.
/// </summary>
internal sealed class Ext4BlockMapper
{
    private const ushort ExtentMagic = 0xF30A;
    private const int ExtentHeaderSize = 12;
    private const int ExtentEntrySize = 12;

    // ext4_ext_check: the kernel refuses trees deeper than EXT4_MAX_EXTENT_DEPTH (5).
    private const int MaxExtentDepth = 5;

    // ee_len above EXT_INIT_MAX_LEN (32768) marks an uninitialised extent of ee_len - 32768 blocks.
    private const int InitMaxLen = 32768;
    private const int DirectBlocks = 12;

    // Runs one file may have: beyond this the map is cut short (a hostile map of single-block runs).
    private const int MaxRuns = 1 << 22;

    private readonly IByteSource _device;
    private readonly Ext4Superblock _sb;
    private readonly Action<string, string> _warn;
    private readonly List<Ext4Run> _runs = [];
    private readonly HashSet<ulong> _visited = [];
    private string _path = "";
    private long _fileBlocks;
    private bool _cut;
    private long _metadataBudget;

    public Ext4BlockMapper(IByteSource device, Ext4Superblock sb, Action<string, string> warn)
    {
        _device = device;
        _sb = sb;
        _warn = warn;

        // Each map block belongs to one file, so a sound image reads at most its own block count of them;
        // twice that (plus slack) bounds images whose files all share one deep map.
        _metadataBudget = (2 * (device.Length / sb.BlockSize)) + 1024;
    }

    /// <summary>
    /// Charges <paramref name="blocks"/> metadata reads (map blocks, directory blocks) to the filesystem-wide
    /// budget; false when it is spent.
    /// </summary>
    public bool TryCharge(long blocks)
    {
        if (_metadataBudget < blocks)
        {
            _metadataBudget = 0;
            return false;
        }

        _metadataBudget -= blocks;
        return true;
    }

    /// <summary>The runs holding the first <paramref name="size"/> bytes of <paramref name="inode"/>, sorted by logical block.</summary>
    public List<Ext4Run> Map(Ext4Inode inode, ulong size, string path)
    {
        _runs.Clear();
        _visited.Clear();
        _path = path;
        _cut = false;
        ulong blocks = (size + (ulong)_sb.BlockSize - 1) / (ulong)_sb.BlockSize;
        _fileBlocks = (long)Math.Min(blocks, 1UL << 48);
        if ((inode.Flags & Ext4Inode.FlagExtents) != 0)
        {
            var root = inode.BlockBytes;
            int depth = BinaryPrimitives.ReadUInt16LittleEndian(root[6..]);
            WalkExtents(root, depth, 0);
        }
        else
        {
            MapBlockMap(inode);
        }

        return Normalise();
    }

    private void WalkExtents(ReadOnlySpan<byte> node, int expectedDepth, int level)
    {
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(node);
        int entries = BinaryPrimitives.ReadUInt16LittleEndian(node[2..]);
        int max = BinaryPrimitives.ReadUInt16LittleEndian(node[4..]);
        int depth = BinaryPrimitives.ReadUInt16LittleEndian(node[6..]);
        if (magic != ExtentMagic || depth != expectedDepth || depth > MaxExtentDepth || entries > max
            || ExtentHeaderSize + ((long)entries * ExtentEntrySize) > node.Length)
        {
            _warn("extent", $"ext4: {_path}: extent tree node at level {level} is corrupt (magic 0x{magic:x4}, depth {depth}, {entries}/{max} entries); its blocks read as zeros");
            return;
        }

        for (int i = 0; i < entries && !_cut; i++)
        {
            var e = node.Slice(ExtentHeaderSize + (i * ExtentEntrySize), ExtentEntrySize);
            long logical = BinaryPrimitives.ReadUInt32LittleEndian(e);
            if (depth == 0)
            {
                int len = BinaryPrimitives.ReadUInt16LittleEndian(e[4..]);
                ulong start = BinaryPrimitives.ReadUInt32LittleEndian(e[8..]) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(e[6..]) << 32);
                if (len > InitMaxLen)
                {
                    continue; // Uninitialised: reads as zeros.
                }

                AddRun(logical, start, len);
            }
            else
            {
                ulong child = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(e[8..]) << 32);
                ReadIndexChild(child, depth - 1, level + 1);
            }
        }
    }

    private void ReadIndexChild(ulong block, int depth, int level)
    {
        if (!CheckMetadataBlock(block, "extent tree node"))
        {
            return;
        }

        byte[] buf = ArrayPool<byte>.Shared.Rent(_sb.BlockSize);
        try
        {
            var span = buf.AsSpan(0, _sb.BlockSize);
            if (_device.ReadFully((long)block * _sb.BlockSize, span) < span.Length)
            {
                _warn("extent", $"ext4: {_path}: extent tree node in block {block} lies past the end of the image; its blocks read as zeros");
                return;
            }

            WalkExtents(span, depth, level);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>True when <paramref name="block"/> is inside the filesystem and not yet read for this file.</summary>
    private bool CheckMetadataBlock(ulong block, string what)
    {
        if (block == 0 || block >= _sb.BlocksCount)
        {
            _warn("range", $"ext4: {_path}: {what} block {block} is outside the filesystem ({_sb.BlocksCount} blocks); its blocks read as zeros");
            return false;
        }

        if (!_visited.Add(block))
        {
            _warn("loop", $"ext4: {_path}: {what} block {block} is used twice (a loop or overlapping map); not read again");
            return false;
        }

        if (!TryCharge(1))
        {
            _warn("budget", $"ext4: {_path}: the image has read more map blocks than it holds (shared or looping maps); the rest reads as zeros");
            _cut = true;
            return false;
        }

        return true;
    }

    private void MapBlockMap(Ext4Inode inode)
    {
        for (int i = 0; i < DirectBlocks && i < _fileBlocks; i++)
        {
            uint p = inode.BlockPointer(i);
            if (p != 0)
            {
                AddRun(i, p, 1);
            }
        }

        long perBlock = _sb.BlockSize / 4;
        long logical = DirectBlocks;
        for (int level = 1; level <= 3 && logical < _fileBlocks && !_cut; level++)
        {
            uint p = inode.BlockPointer(DirectBlocks + level - 1);
            if (p != 0)
            {
                MapIndirect(p, level, logical);
            }

            logical += Span(perBlock, level);
        }
    }

    private static long Span(long perBlock, int level) => level switch
    {
        1 => perBlock,
        2 => perBlock * perBlock,
        _ => perBlock * perBlock * perBlock,
    };

    private void MapIndirect(uint block, int level, long firstLogical)
    {
        if (!CheckMetadataBlock(block, "indirect"))
        {
            return;
        }

        int bs = _sb.BlockSize;
        long perBlock = bs / 4;
        long childSpan = level == 1 ? 1 : Span(perBlock, level - 1);
        byte[] buf = ArrayPool<byte>.Shared.Rent(bs);
        try
        {
            var span = buf.AsSpan(0, bs);
            if (_device.ReadFully((long)block * bs, span) < bs)
            {
                _warn("range", $"ext4: {_path}: indirect block {block} lies past the end of the image; its blocks read as zeros");
                return;
            }

            for (int i = 0; i < perBlock && !_cut; i++)
            {
                long logical = firstLogical + (i * childSpan);
                if (logical >= _fileBlocks)
                {
                    break;
                }

                uint p = BinaryPrimitives.ReadUInt32LittleEndian(span[(4 * i)..]);
                if (p == 0)
                {
                    continue;
                }

                if (level == 1)
                {
                    AddRun(logical, p, 1);
                }
                else
                {
                    MapIndirect(p, level - 1, logical);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    private void AddRun(long logical, ulong physical, long count)
    {
        if (count <= 0 || logical >= _fileBlocks)
        {
            return;
        }

        count = Math.Min(count, _fileBlocks - logical);
        if (physical == 0 || physical >= _sb.BlocksCount || (ulong)count > _sb.BlocksCount - physical)
        {
            _warn("range", $"ext4: {_path}: blocks {physical}+{count} are outside the filesystem ({_sb.BlocksCount} blocks); read as zeros");
            return;
        }

        if (_runs.Count > 0)
        {
            var last = _runs[^1];
            if (last.Logical + last.Count == logical && last.Physical + last.Count == (long)physical)
            {
                _runs[^1] = last with { Count = last.Count + count };
                return;
            }
        }

        if (_runs.Count >= MaxRuns)
        {
            _warn("runs", $"ext4: {_path}: more than {MaxRuns} block runs; the rest reads as zeros");
            _cut = true;
            return;
        }

        _runs.Add(new Ext4Run(logical, (long)physical, count));
    }

    private List<Ext4Run> Normalise()
    {
        var runs = new List<Ext4Run>(_runs);
        runs.Sort((a, b) => a.Logical.CompareTo(b.Logical));
        var result = new List<Ext4Run>(runs.Count);
        long end = 0;
        foreach (var r in runs)
        {
            if (r.Logical < end)
            {
                _warn("overlap", $"ext4: {_path}: block runs overlap at logical block {r.Logical}; the later one is ignored");
                continue;
            }

            result.Add(r);
            end = r.Logical + r.Count;
        }

        return result;
    }
}
