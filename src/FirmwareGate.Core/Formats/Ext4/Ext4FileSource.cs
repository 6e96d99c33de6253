using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Ext4;

/// <summary>
/// The content of one ext2/3/4 file: runs of blocks mapped from logical to physical block numbers
/// (from an extent tree or a block map); everything outside a run (holes, uninitialised extents,
/// blocks past the end of the image) reads as zeros.
/// </summary>
internal sealed class Ext4FileSource : IByteSource
{
    private readonly IByteSource _device;
    private readonly int _blockSize;
    private readonly long[] _logical;
    private readonly long[] _physical;
    private readonly long[] _count;

    /// <param name="device">The filesystem's bytes.</param>
    /// <param name="blockSize">Block size.</param>
    /// <param name="length">File size.</param>
    /// <param name="runs">Sorted, non-overlapping runs of initialised blocks.</param>
    public Ext4FileSource(IByteSource device, int blockSize, long length, IReadOnlyList<Ext4Run> runs)
    {
        _device = device;
        _blockSize = blockSize;
        Length = length;
        _logical = new long[runs.Count];
        _physical = new long[runs.Count];
        _count = new long[runs.Count];
        for (int i = 0; i < runs.Count; i++)
        {
            (_logical[i], _physical[i], _count[i]) = (runs[i].Logical, runs[i].Physical, runs[i].Count);
        }
    }

    /// <inheritdoc/>
    public long Length { get; }

    /// <inheritdoc/>
    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        int want = (int)Math.Min(buffer.Length, Length - offset);
        buffer = buffer[..want];
        buffer.Clear();
        long end = offset + want;
        int i = Array.BinarySearch(_logical, offset / _blockSize);
        i = i >= 0 ? i : Math.Max(0, ~i - 1);
        for (; i < _logical.Length && _logical[i] * _blockSize < end; i++)
        {
            long runStart = _logical[i] * _blockSize;
            long runEnd = runStart + (_count[i] * _blockSize);
            long from = Math.Max(offset, runStart);
            long to = Math.Min(end, runEnd);
            if (from >= to)
            {
                continue;
            }

            long physical = (_physical[i] * _blockSize) + (from - runStart);
            _device.ReadFully(physical, buffer.Slice((int)(from - offset), (int)(to - from)));
        }

        return want;
    }
}
