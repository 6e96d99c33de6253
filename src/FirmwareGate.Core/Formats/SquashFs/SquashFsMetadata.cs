using System.Buffers;
using System.Buffers.Binary;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>
/// Metadata blocks: a 16-bit header (bit 15 = stored uncompressed, low 15 bits = size) then up to
/// 8 KiB of data once decoded. Decoded blocks are cached by position, at most
/// <see cref="MaxCachedBlocks"/> of them (the oldest go first): a few bytes of compressed metadata
/// decode to 8 KiB, so an unbounded cache would grow hundreds of times faster than the image.
/// Reads run across blocks and copy out under a lock, so file reads on several threads may share it.
/// Older and vendor images (3.x, big-endian 4.0) store the header and table positions big-endian, and 3.x
/// images made with the check-data option put one marker byte after the header (squashfs_compat.h).
/// </summary>
internal sealed class SquashFsMetadata(IByteSource source, SquashFsCodec codec, long limit, bool bigEndian = false, int headerExtra = 0)
{
    public const int BlockSize = 8192;

    /// <summary>The smallest metadata block on disk: the 2-byte header and one byte.</summary>
    public const int MinStoredBlock = 3;

    /// <summary>The largest metadata block on disk: the header and 8 KiB stored.</summary>
    public const int MaxStoredBlock = BlockSize + 2;

    // 32 MiB decoded: the inode and directory tables of real images with a few hundred thousand files.
    private const int MaxCachedBlocks = 4096;
    private readonly Dictionary<long, CachedBlock> _cache = [];
    private readonly Queue<long> _order = new();
    private readonly Lock _lock = new();

    /// <summary>End of the filesystem: no metadata block lies beyond it.</summary>
    public long Limit => limit;

    /// <summary>
    /// Reads <paramref name="output"/>.Length bytes starting at block <paramref name="block"/>, offset
    /// <paramref name="offset"/>; a read that ends a block moves the position to the next one.
    /// As in the kernel (squashfs_read_metadata), an offset must lie inside its block: a position then
    /// has one spelling, so a listing or inode cannot be reached under many names.
    /// </summary>
    public void Read(ref long block, ref int offset, Span<byte> output)
    {
        lock (_lock)
        {
            int done = 0;
            while (done < output.Length)
            {
                var b = Block(block);
                if (offset >= b.Length)
                {
                    throw new CorruptDataException("squashfs", block, $"offset {offset} beyond the {b.Length}-byte metadata block");
                }

                int n = Math.Min(b.Length - offset, output.Length - done);
                b.Data.AsSpan(offset, n).CopyTo(output[done..]);
                done += n;
                offset += n;
                if (offset == b.Length)
                {
                    block = b.Next;
                    offset = 0;
                }
            }
        }
    }

    /// <summary>Moves the position on by <paramref name="count"/> bytes without copying them.</summary>
    public void Skip(ref long block, ref int offset, long count)
    {
        lock (_lock)
        {
            long left = count;
            while (left > 0)
            {
                var b = Block(block);
                if (offset >= b.Length)
                {
                    throw new CorruptDataException("squashfs", block, $"offset {offset} beyond the {b.Length}-byte metadata block");
                }

                int n = (int)Math.Min(b.Length - offset, left);
                offset += n;
                left -= n;
                if (offset == b.Length)
                {
                    block = b.Next;
                    offset = 0;
                }
            }
        }
    }

    /// <summary>
    /// Reads the index of a table of <paramref name="count"/> fixed-size entries: one 8-byte block
    /// position per 8 KiB of entries. Every block lies after the superblock and before
    /// <paramref name="blocksEnd"/> (the table's header or index), in order, at least 3 bytes apart,
    /// so the claimed count is checked against the filesystem before anything is allocated.
    /// </summary>
    public long[] ReadTableIndex(long indexPosition, long blocksEnd, long count, int entrySize, string what)
    {
        long blocks;
        try
        {
            blocks = checked(((count * entrySize) + BlockSize - 1) / BlockSize);
        }
        catch (OverflowException)
        {
            throw new CorruptDataException("squashfs", indexPosition, $"{what} of {count} entries");
        }

        if (count < 0 || indexPosition < SquashFsSuperblock.Size || indexPosition > limit || blocksEnd > indexPosition
            || blocks > (limit - indexPosition) / 8 || blocks > (blocksEnd - SquashFsSuperblock.Size) / MinStoredBlock)
        {
            throw new CorruptDataException("squashfs", indexPosition, $"{what} of {count} entries does not fit in the {limit}-byte filesystem");
        }

        var index = new long[blocks];
        if (blocks == 0)
        {
            return index;
        }

        byte[] raw = ArrayPool<byte>.Shared.Rent((int)blocks * 8);
        try
        {
            source.ReadExactly(indexPosition, raw.AsSpan(0, (int)blocks * 8), "squashfs");
            long previous = SquashFsSuperblock.Size - MinStoredBlock;
            for (int i = 0; i < index.Length; i++)
            {
                ulong position = bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(i * 8)) : BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 8));
                if (position < (ulong)previous + MinStoredBlock || position > (ulong)(blocksEnd - MinStoredBlock))
                {
                    throw new CorruptDataException("squashfs", indexPosition, $"{what}: block {i} at {position} is out of order or outside the table");
                }

                index[i] = previous = (long)position;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }

        return index;
    }

    /// <summary>Reads entry <paramref name="entry"/> of a table through its index.</summary>
    public void ReadTableEntry(long[] index, long entry, Span<byte> output)
    {
        long byteOffset = entry * output.Length;
        long block = index[byteOffset / BlockSize];
        int offset = (int)(byteOffset % BlockSize);
        Read(ref block, ref offset, output);
    }

    // Called under the lock.
    private CachedBlock Block(long position)
    {
        if (_cache.TryGetValue(position, out var hit))
        {
            return hit;
        }

        Span<byte> header = stackalloc byte[2];
        if (position < 0 || position + 2 > limit || source.ReadFully(position, header) < 2)
        {
            throw new TruncatedInputException("squashfs", position, "metadata block outside the filesystem");
        }

        ushort h = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header) : BinaryPrimitives.ReadUInt16LittleEndian(header);
        int size = h & 0x7FFF;
        bool stored = (h & 0x8000) != 0;
        position += headerExtra;
        if (size == 0 || size > BlockSize || position + 2 + size > limit)
        {
            throw new CorruptDataException("squashfs", position, $"metadata block of {size} bytes");
        }

        // Reuse the buffer of the block that leaves the cache: nothing outside the lock holds it.
        byte[] data;
        if (_cache.Count >= MaxCachedBlocks)
        {
            long oldest = _order.Dequeue();
            _cache.Remove(oldest, out var evicted);
            data = evicted!.Data; // every queued position is in the cache
        }
        else
        {
            data = new byte[BlockSize];
        }

        int n;
        if (stored)
        {
            source.ReadExactly(position + 2, data.AsSpan(0, size), "squashfs");
            n = size;
        }
        else
        {
            byte[] raw = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                source.ReadExactly(position + 2, raw.AsSpan(0, size), "squashfs");
                n = codec.Decode(raw.AsSpan(0, size), data);
            }
            catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
            {
                throw new CorruptDataException("squashfs", position, $"metadata block does not decode ({codec.Name}: {e.Message})");
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(raw);
            }
        }

        var entry = new CachedBlock(data, n, position + 2 + size);
        position -= headerExtra;
        _cache[position] = entry;
        _order.Enqueue(position);
        return entry;
    }

    private sealed record CachedBlock(byte[] Data, int Length, long Next);
}
