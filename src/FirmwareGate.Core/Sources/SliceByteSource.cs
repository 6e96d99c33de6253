namespace FirmwareGate.Core.Sources;

/// <summary>A window onto another source.</summary>
public sealed class SliceByteSource : IByteSource
{
    private readonly IByteSource _parent;
    private readonly long _start;

    private SliceByteSource(IByteSource parent, long start, long length)
    {
        _parent = parent;
        _start = start;
        Length = length;
    }

    /// <inheritdoc/>
    public long Length { get; }

    /// <summary>The source this is a window onto (never itself a slice).</summary>
    internal IByteSource Parent => _parent;

    /// <summary>Where the window starts in <see cref="Parent"/>.</summary>
    internal long Start => _start;

    /// <summary>Creates a slice; slices of slices collapse onto the original source.</summary>
    public static IByteSource Create(IByteSource parent, long offset, long length)
    {
        CheckRange(parent.Length, offset, length);
        if (offset == 0 && length == parent.Length)
        {
            return parent;
        }

        return parent is SliceByteSource s
            ? new SliceByteSource(s._parent, s._start + offset, length)
            : new SliceByteSource(parent, offset, length);
    }

    /// <summary>
    /// Where the bytes of <paramref name="source"/> live: the source a slice was cut from (slices
    /// collapse, so that is the outermost one) or the array behind a memory source, and the offset
    /// there. Two sources over the same bytes resolve to the same root and offset.
    /// </summary>
    internal static (object Root, long Offset) Resolve(IByteSource source) => source switch
    {
        SliceByteSource s => (s._parent, s._start),
        MemoryByteSource m when System.Runtime.InteropServices.MemoryMarshal.TryGetArray(m.Memory, out var segment) && segment.Array is not null
            => (segment.Array, segment.Offset),
        _ => (source, 0),
    };

    internal static void CheckRange(long parentLength, long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > parentLength || length > parentLength - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"slice {offset}+{length} outside 0..{parentLength}");
        }
    }

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= Length || offset < 0)
        {
            return 0;
        }

        int want = (int)Math.Min(buffer.Length, Length - offset);
        return _parent.Read(_start + offset, buffer[..want]);
    }

    /// <inheritdoc/>
    public IByteSource Slice(long offset, long length) => Create(this, offset, length);
}
