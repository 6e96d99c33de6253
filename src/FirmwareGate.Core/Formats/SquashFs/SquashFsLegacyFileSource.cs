using System.Buffers.Binary;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>
/// The content of one regular file of a 3.x or big-endian 4.0 SquashFS image: full data blocks
/// (compressed, stored or sparse) then an optional tail in a fragment block. The block list
/// (4 bytes a block in the image's byte order) is read as the content is, <see cref="WindowEntries"/>
/// sizes at a time, with a checkpoint per window so a long sparse file never holds its whole list.
/// </summary>
internal sealed class SquashFsLegacyFileSource : IByteSource
{
    private const uint StoredBit = 1 << 24;
    private const int WindowEntries = 2048;
    private readonly SquashFsLegacyFilesystem _fs;
    private readonly long _blockCount;
    private readonly uint _fragment;
    private readonly uint _fragmentOffset;
    private readonly Lock _lock = new();

    // The block a short read on this thread decoded last, in a buffer reused across files.
    [ThreadStatic]
    private static (SquashFsLegacyFileSource? Owner, long Index, byte[]? Buffer, int Length) ThreadBlock;

    // Where window k + 1 starts, for every window reached so far (window 0 starts at the inode).
    private readonly List<Cursor> _checkpoints = [];
    private uint[]? _sizes;
    private long[]? _starts;
    private long _windowFirst = -1;
    private int _windowCount;

    public SquashFsLegacyFileSource(SquashFsLegacyFilesystem fs, long dataStart, long blockCount, long listBlock, int listOffset, long length, uint fragment, uint fragmentOffset)
    {
        _fs = fs;
        _blockCount = blockCount;
        _checkpoints.Add(new Cursor(listBlock, listOffset, dataStart));
        Length = length;
        _fragment = fragment;
        _fragmentOffset = fragmentOffset;
    }

    public long Length { get; }

    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        int bs = (int)_fs.BlockSize;
        int total = 0;
        while (total < buffer.Length && offset < Length)
        {
            long index = offset / bs;
            int within = (int)(offset % bs);
            int expected = (int)Math.Min(bs, Length - (index * bs));
            int n = Math.Min(expected - within, buffer.Length - total);
            var destination = buffer.Slice(total, n);
            if (index >= _blockCount)
            {
                _fs.ReadFragment(_fragment, _fragmentOffset + (uint)within, destination);
            }
            else if (within == 0 && n == expected && !IsCached(index, expected))
            {
                DecodeBlock(index, destination, expected);
            }
            else
            {
                CachedBlock(index, expected).Slice(within, n).CopyTo(destination);
            }

            total += n;
            offset += n;
        }

        return total;
    }

    private bool IsCached(long index, int expected) =>
        ReferenceEquals(ThreadBlock.Owner, this) && ThreadBlock.Index == index && ThreadBlock.Buffer is not null && ThreadBlock.Length == expected;

    // A short read (the engine reads a file's head before the whole file) leaves its block here for the next.
    private ReadOnlySpan<byte> CachedBlock(long index, int expected)
    {
        if (IsCached(index, expected))
        {
            return ThreadBlock.Buffer.AsSpan(0, expected);
        }

        byte[] buffer = ThreadBlock.Buffer is { } reused && reused.Length >= expected ? reused : new byte[Math.Max(expected, (int)_fs.BlockSize)];
        ThreadBlock = default;
        DecodeBlock(index, buffer.AsSpan(0, expected), expected);
        ThreadBlock = (this, index, buffer, expected);
        return buffer.AsSpan(0, expected);
    }

    private void DecodeBlock(long index, Span<byte> destination, int expected)
    {
        long start;
        uint size;
        lock (_lock)
        {
            if (index < _windowFirst || index >= _windowFirst + _windowCount)
            {
                LoadWindow(index / WindowEntries);
            }

            start = _starts![index - _windowFirst];
            size = _sizes![index - _windowFirst];
        }

        if ((size & (StoredBit - 1)) == 0)
        {
            // Sparse block: a hole of zeros.
            destination.Clear();
            return;
        }

        int n = _fs.ReadDataBlock(start, size, destination);
        if (n != expected)
        {
            throw new CorruptDataException("squashfs", start, $"data block decodes to {n} bytes, {expected} expected");
        }
    }

    // Called under the lock.
    private void LoadWindow(long window)
    {
        _windowFirst = -1;

        // Sized to the file: most files have a few blocks, and thousands of them are open at once.
        int capacity = (int)Math.Min(WindowEntries, _blockCount);
        uint[] sizes = _sizes ??= new uint[capacity];
        long[] starts = _starts ??= new long[capacity];
        int k = (int)Math.Min(window, _checkpoints.Count - 1);
        var at = _checkpoints[k];
        Span<byte> raw = stackalloc byte[4];
        var meta = _fs.Metadata;
        bool be = _fs.BigEndian;
        while (true)
        {
            long first = (long)k * WindowEntries;
            int count = (int)Math.Min(WindowEntries, _blockCount - first);
            long block = at.Block;
            int offset = at.Offset;
            long start = at.Start;
            for (int i = 0; i < count; i++)
            {
                meta.Read(ref block, ref offset, raw);
                uint size = be ? BinaryPrimitives.ReadUInt32BigEndian(raw) : BinaryPrimitives.ReadUInt32LittleEndian(raw);
                sizes[i] = size;
                starts[i] = start;
                start += size & (StoredBit - 1);
            }

            var next = new Cursor(block, offset, start);
            if (k + 1 == _checkpoints.Count && first + count < _blockCount)
            {
                _checkpoints.Add(next);
            }

            if (k == window)
            {
                _windowFirst = first;
                _windowCount = count;
                return;
            }

            at = next;
            k++;
        }
    }

    /// <summary>A position in the block list: metadata position and where that block's data starts.</summary>
    private readonly record struct Cursor(long Block, int Offset, long Start);
}
