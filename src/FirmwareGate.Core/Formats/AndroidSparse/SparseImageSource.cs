using System.Buffers.Binary;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.AndroidSparse;

/// <summary>
/// The expanded image of an Android sparse file as a virtual source: raw chunks are read from the
/// sparse file, fill chunks repeat their word and holes read as zeros, so a multi-gigabyte image with
/// a few megabytes of data costs nothing to hold.
/// </summary>
internal sealed class SparseImageSource : IByteSource
{
    private readonly IByteSource _stored;
    private readonly SparseSegment[] _segments;
    private readonly long[] _starts;

    /// <summary>Creates the view; <paramref name="segments"/> are sorted, contiguous from 0 and end at <paramref name="length"/>.</summary>
    public SparseImageSource(IByteSource stored, IReadOnlyList<SparseSegment> segments, long length)
    {
        _stored = stored;
        _segments = [.. segments];
        _starts = [.. _segments.Select(s => s.OutputOffset)];
        Length = length;
    }

    /// <inheritdoc/>
    public long Length { get; }

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length)
        {
            return 0;
        }

        int want = (int)Math.Min(buffer.Length, Length - offset);
        buffer = buffer[..want];
        long end = offset + want;
        int i = Array.BinarySearch(_starts, offset);
        i = i >= 0 ? i : Math.Max(0, ~i - 1);
        for (; i < _segments.Length && _segments[i].OutputOffset < end; i++)
        {
            var s = _segments[i];
            long from = Math.Max(offset, s.OutputOffset);
            long to = Math.Min(end, s.OutputOffset + s.Length);
            if (from >= to)
            {
                continue;
            }

            var target = buffer.Slice((int)(from - offset), (int)(to - from));
            if (s.StoredOffset >= 0)
            {
                int n = _stored.ReadFully(s.StoredOffset + (from - s.OutputOffset), target);
                target[n..].Clear();
            }
            else
            {
                FillPattern(target, s.Fill, (int)((from - s.OutputOffset) & 3));
            }
        }

        return want;
    }

    private static void FillPattern(Span<byte> target, uint fill, int phase)
    {
        if (fill == 0)
        {
            target.Clear();
            return;
        }

        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, fill);
        for (int k = 0; k < target.Length; k++)
        {
            target[k] = word[(phase + k) & 3];
        }
    }

    /// <inheritdoc/>
    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);
}
