using System.Buffers;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>
/// The content of one SquashFS regular file: full data blocks (compressed, stored or sparse)
/// followed by an optional tail in a fragment block. Decodes block by block on demand.
/// </summary>
internal sealed class SquashFsFileSource : IByteSource
{
    private const uint StoredBit = 1 << 24;
    private readonly SquashFsFilesystem _fs;
    private readonly long[] _blockStarts;
    private readonly uint[] _blockSizes;
    private readonly uint _fragment;
    private readonly uint _fragmentOffset;

    // The last block decoded on this thread, for reads that do not cover whole blocks.
    [ThreadStatic]
    private static (SquashFsFileSource? Owner, int Index, byte[]? Buffer, int Length) ThreadBlock;

    public SquashFsFileSource(SquashFsFilesystem fs, long dataStart, uint[] blockSizes, long length, uint fragment, uint fragmentOffset)
    {
        _fs = fs;
        _blockSizes = blockSizes;
        Length = length;
        _fragment = fragment;
        _fragmentOffset = fragmentOffset;
        _blockStarts = new long[blockSizes.Length];
        long pos = dataStart;
        for (int i = 0; i < blockSizes.Length; i++)
        {
            _blockStarts[i] = pos;
            pos += blockSizes[i] & (StoredBit - 1);
        }
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
            int index = (int)(offset / bs);
            int within = (int)(offset % bs);
            int expected = (int)Math.Min(bs, Length - ((long)index * bs));
            var destination = buffer[total..];
            if (within == 0 && destination.Length >= expected && index < _blockSizes.Length)
            {
                // Whole block wanted: decode straight into the caller's buffer.
                DecodeBlock(index, destination[..expected], expected);
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

    private ReadOnlySpan<byte> CachedBlock(int index, int expected)
    {
        if (index >= _blockSizes.Length)
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
        DecodeBlock(index, buffer.AsSpan(0, expected), expected);
        ThreadBlock = (this, index, buffer, expected);
        return buffer.AsSpan(0, expected);
    }

    private void DecodeBlock(int index, Span<byte> destination, int expected)
    {
        uint size = _blockSizes[index];
        if ((size & (StoredBit - 1)) == 0)
        {
            // Sparse block: a hole of zeros.
            destination.Clear();
            return;
        }

        int n = _fs.ReadDataBlock(_blockStarts[index], size, destination);
        if (n != expected)
        {
            throw new CorruptDataException("squashfs", _blockStarts[index], $"data block decodes to {n} bytes, {expected} expected");
        }
    }
}
