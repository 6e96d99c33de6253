namespace FirmwareGate.Core.Sources;

/// <summary>
/// A sparse file: data regions stored back to back in a packed source, zeros everywhere else
/// (GNU tar sparse members). Reads of holes cost nothing but filling the buffer.
/// </summary>
public sealed class SparseByteSource : IByteSource
{
    private readonly IByteSource _packed;
    private readonly long[] _offsets;
    private readonly long[] _lengths;
    private readonly long[] _packedOffsets;

    /// <summary>
    /// Creates a sparse view of <paramref name="length"/> bytes. <paramref name="regions"/> are sorted,
    /// do not overlap, end within <paramref name="length"/>, and their lengths add up to the packed length.
    /// </summary>
    public SparseByteSource(IByteSource packed, long length, IReadOnlyList<(long Offset, long Length)> regions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _packed = packed;
        Length = length;
        _offsets = new long[regions.Count];
        _lengths = new long[regions.Count];
        _packedOffsets = new long[regions.Count];
        long end = 0;
        long packedTotal = 0;
        for (int i = 0; i < regions.Count; i++)
        {
            var (offset, count) = regions[i];
            if (offset < end || count < 0 || count > length - offset)
            {
                throw new ArgumentException($"region {i} ({offset}+{count}) overlaps, is unsorted or ends past {length}", nameof(regions));
            }

            _offsets[i] = offset;
            _lengths[i] = count;
            _packedOffsets[i] = packedTotal;
            packedTotal += count;
            end = offset + count;
        }

        if (packedTotal != packed.Length)
        {
            throw new ArgumentException($"regions hold {packedTotal} bytes, the packed data {packed.Length}", nameof(regions));
        }
    }

    /// <inheritdoc/>
    public long Length { get; }

    /// <summary>Bytes stored in data regions (the rest are holes).</summary>
    public long DataBytes => _packed.Length;

    /// <summary>The data regions, in order; everything outside them reads as zeros.</summary>
    public IEnumerable<(long Offset, long Length)> DataRegions => _offsets.Select((o, i) => (o, _lengths[i]));

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length)
        {
            return 0;
        }

        int want = (int)Math.Min(buffer.Length, Length - offset);
        buffer = buffer[..want];
        buffer.Clear();
        long end = offset + want;

        // The first region that ends after offset.
        int i = Array.BinarySearch(_offsets, offset);
        i = i >= 0 ? i : Math.Max(0, ~i - 1);
        for (; i < _offsets.Length && _offsets[i] < end; i++)
        {
            long from = Math.Max(offset, _offsets[i]);
            long to = Math.Min(end, _offsets[i] + _lengths[i]);
            if (from >= to)
            {
                continue;
            }

            _packed.ReadFully(_packedOffsets[i] + (from - _offsets[i]), buffer.Slice((int)(from - offset), (int)(to - from)));
        }

        return want;
    }

    /// <inheritdoc/>
    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);
}
