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
    private readonly object _gate = new();
    private byte[]? _cached;
    private int _cachedIndex = -1;
    private int _cachedLength;

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
            pos += blockSizes[i] & ~StoredBit;
        }
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
        lock (_gate)
        {
            while (total < buffer.Length && offset < Length)
            {
                int index = (int)(offset / bs);
                int within = (int)(offset % bs);
                var block = GetBlock(index);
                int n = Math.Min(block.Length - within, buffer.Length - total);
                if (n <= 0)
                {
                    throw new CorruptDataException("squashfs", offset, "data block decodes short");
                }

                block.Slice(within, n).CopyTo(buffer[total..]);
                total += n;
                offset += n;
            }
        }

        return total;
    }

    private ReadOnlySpan<byte> GetBlock(int index)
    {
        int bs = (int)_fs.BlockSize;
        int expected = (int)Math.Min(bs, Length - ((long)index * bs));
        if (index >= _blockSizes.Length)
        {
            // The tail lives in a fragment block shared with other small files.
            var frag = _fs.Fragment(_fragment);
            if (_fragmentOffset + (long)expected > frag.Length)
            {
                throw new CorruptDataException("squashfs", _fragmentOffset, $"file tail outside fragment {_fragment}");
            }

            return frag.AsSpan((int)_fragmentOffset, expected);
        }

        if (_cachedIndex == index && _cached is not null)
        {
            return _cached.AsSpan(0, _cachedLength);
        }

        _cached ??= new byte[bs];
        uint size = _blockSizes[index];
        if ((size & ~StoredBit) == 0)
        {
            // Sparse block: a hole of zeros.
            _cached.AsSpan(0, expected).Clear();
            _cachedLength = expected;
        }
        else
        {
            _cachedLength = _fs.ReadDataBlock(_blockStarts[index], size, _cached);
            if (_cachedLength < expected)
            {
                throw new CorruptDataException("squashfs", _blockStarts[index], $"data block decodes to {_cachedLength} bytes, {expected} expected");
            }

            _cachedLength = expected;
        }

        _cachedIndex = index;
        return _cached.AsSpan(0, _cachedLength);
    }
}
