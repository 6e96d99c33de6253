using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>
/// The content of one SquashFS regular file: full data blocks (compressed, stored or sparse)
/// followed by an optional tail in a fragment block. Decodes block by block on demand.
/// The block list (4 bytes a block, in the inode table) is read as the content is, a window of
/// <see cref="WindowEntries"/> sizes at a time: a sparse file of terabytes has a list of gigabytes.
/// </summary>
internal sealed class SquashFsFileSource : IByteSource
{
    private const uint StoredBit = 1 << 24;
    private const int WindowEntries = 2048;
    private readonly SquashFsFilesystem _fs;
    private readonly long _dataStart;
    private readonly long _blockCount;
    private readonly long _listBlock;
    private readonly int _listOffset;
    private readonly uint _fragment;
    private readonly uint _fragmentOffset;

    // Where windows after the first start (entry (k + 1) * WindowEntries), for random access in long lists.
    private List<Cursor>? _checkpoints;

    // The last block decoded on this thread, for reads that do not cover whole blocks.
    [ThreadStatic]
    private static (SquashFsFileSource? Owner, long Index, byte[]? Buffer, int Length) ThreadBlock;

    // The block list window last used on this thread.
    [ThreadStatic]
    private static BlockWindow? ThreadWindow;

    public SquashFsFileSource(SquashFsFilesystem fs, long dataStart, long blockCount, long listBlock, int listOffset, long length, uint fragment, uint fragmentOffset)
    {
        _fs = fs;
        _dataStart = dataStart;
        _blockCount = blockCount;
        _listBlock = listBlock;
        _listOffset = listOffset;
        Length = length;
        _fragment = fragment;
        _fragmentOffset = fragmentOffset;
    }

    public long Length { get; }

    /// <summary>The filesystem the file belongs to.</summary>
    internal SquashFsFilesystem Filesystem => _fs;

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
            var destination = buffer[total..];
            if (within == 0 && destination.Length >= expected && index < _blockCount)
            {
                // Whole block wanted: decode straight into the caller's buffer, unless this thread just decoded
                // it for a short read (a file's head read before the whole file is).
                var cache = ThreadBlock;
                if (ReferenceEquals(cache.Owner, this) && cache.Index == index && cache.Buffer is not null && cache.Length == expected)
                {
                    cache.Buffer.AsSpan(0, expected).CopyTo(destination);
                }
                else
                {
                    DecodeBlock(index, destination[..expected], expected);
                }

                total += expected;
                offset += expected;
                continue;
            }

            var block = CachedBlock(index, expected);
            int n = Math.Min(block.Length - within, destination.Length);
            block.Slice(within, n).CopyTo(destination);
            total += n;
            offset += n;
        }

        return total;
    }

    private ReadOnlySpan<byte> CachedBlock(long index, int expected)
    {
        if (index >= _blockCount)
        {
            // The tail lives in a fragment block shared with other small files.
            var frag = _fs.Fragment(_fragment);
            if (_fragmentOffset + (long)expected > frag.Length)
            {
                throw new CorruptDataException("squashfs", _fragmentOffset, $"file tail outside fragment {_fragment}");
            }

            return frag.Slice((int)_fragmentOffset, expected);
        }

        var cache = ThreadBlock;
        if (ReferenceEquals(cache.Owner, this) && cache.Index == index && cache.Buffer is not null)
        {
            return cache.Buffer.AsSpan(0, cache.Length);
        }

        byte[] buffer = cache.Buffer is { } b && b.Length >= _fs.BlockSize ? b : new byte[_fs.BlockSize];
        ThreadBlock = default;
        DecodeBlock(index, buffer.AsSpan(0, expected), expected);
        ThreadBlock = (this, index, buffer, expected);
        return buffer.AsSpan(0, expected);
    }

    private void DecodeBlock(long index, Span<byte> destination, int expected)
    {
        var window = ThreadWindow;
        if (window is null || !ReferenceEquals(window.Owner, this) || index < window.First || index >= window.First + window.Count)
        {
            window = LoadWindow(index);
        }

        int i = (int)(index - window.First);
        uint size = window.Sizes[i];
        if ((size & (StoredBit - 1)) == 0)
        {
            // Sparse block: a hole of zeros, nothing to read or decode.
            destination.Clear();
            return;
        }

        long start = window.Starts[i];
        int n = _fs.ReadDataBlock(start, size, destination);
        if (n != expected)
        {
            throw new CorruptDataException("squashfs", start, $"data block decodes to {n} bytes, {expected} expected");
        }
    }

    /// <summary>Reads the sizes of the window holding block <paramref name="index"/> and where each block starts.</summary>
    private BlockWindow LoadWindow(long index)
    {
        var w = ThreadWindow ??= new BlockWindow();
        long first = index - (index % WindowEntries);

        // Carry on from this thread's window when reading forward, else from the nearest checkpoint.
        Cursor at;
        if (ReferenceEquals(w.Owner, this) && w.First + w.Count <= first)
        {
            at = w.After;
        }
        else
        {
            at = new Cursor(0, _listBlock, _listOffset, _dataStart);
            if (Volatile.Read(ref _checkpoints) is { } known)
            {
                lock (known)
                {
                    int k = (int)Math.Min(first / WindowEntries, known.Count);
                    if (k > 0)
                    {
                        at = known[k - 1];
                    }
                }
            }
        }

        w.Owner = null;
        var meta = _fs.Metadata;
        var sizes = w.Sizes.AsSpan();
        var raw = MemoryMarshal.AsBytes(sizes);
        while (true)
        {
            int count = (int)Math.Min(WindowEntries, _blockCount - at.Entry);
            long block = at.Block;
            int offset = at.Offset;
            meta.Read(ref block, ref offset, raw[..(count * 4)]);
            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(sizes[..count], sizes[..count]);
            }

            long start = at.Start;
            for (int i = 0; i < count; i++)
            {
                w.Starts[i] = start;
                start += sizes[i] & (StoredBit - 1);
            }

            var next = new Cursor(at.Entry + count, block, offset, start);
            if (next.Entry < _blockCount)
            {
                RememberCheckpoint(next);
            }

            if (at.Entry == first)
            {
                w.First = first;
                w.Count = count;
                w.After = next;
                w.Owner = this;
                return w;
            }

            at = next;
        }
    }

    private void RememberCheckpoint(Cursor cursor)
    {
        var known = Volatile.Read(ref _checkpoints);
        if (known is null)
        {
            var fresh = new List<Cursor>();
            known = Interlocked.CompareExchange(ref _checkpoints, fresh, null) ?? fresh;
        }

        lock (known)
        {
            if (cursor.Entry == (known.Count + 1L) * WindowEntries)
            {
                known.Add(cursor);
            }
        }
    }

    /// <summary>A position in the block list: entry number, metadata position and the data offset of that block.</summary>
    private readonly record struct Cursor(long Entry, long Block, int Offset, long Start);

    private sealed class BlockWindow
    {
        public SquashFsFileSource? Owner { get; set; }

        public long First { get; set; }

        public int Count { get; set; }

        public Cursor After { get; set; }

        public uint[] Sizes { get; } = new uint[WindowEntries];

        public long[] Starts { get; } = new long[WindowEntries];
    }
}
