using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Iso9660;

/// <summary>
/// A file made of several extents read one after another (a multi-extent file, ECMA-119 6.5.1 and
/// 9.1.6 bit 7, or an interleaved one, 6.4.3); bytes past the end of the image read as zeros.
/// </summary>
internal sealed class IsoExtentSource : IByteSource
{
    private readonly IByteSource _device;
    private readonly long[] _starts;
    private readonly long[] _deviceOffsets;
    private readonly long[] _lengths;

    /// <param name="device">The image.</param>
    /// <param name="extents">Byte offset in the image and length of each piece, in file order.</param>
    public IsoExtentSource(IByteSource device, IReadOnlyList<(long Offset, long Length)> extents)
    {
        _device = device;
        _starts = new long[extents.Count];
        _deviceOffsets = new long[extents.Count];
        _lengths = new long[extents.Count];
        long total = 0;
        for (int i = 0; i < extents.Count; i++)
        {
            _starts[i] = total;
            _deviceOffsets[i] = extents[i].Offset;
            _lengths[i] = extents[i].Length;
            total = checked(total + extents[i].Length);
        }

        Length = total;
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

        int i = Array.BinarySearch(_starts, offset);
        if (i < 0)
        {
            i = ~i - 1;
        }

        // Skip empty pieces that share a start with the next.
        while (offset - _starts[i] >= _lengths[i])
        {
            i++;
        }

        long within = offset - _starts[i];
        int want = (int)Math.Min(buffer.Length, _lengths[i] - within);
        long at = _deviceOffsets[i] + within;
        int n = at < _device.Length ? _device.ReadFully(at, buffer[..(int)Math.Min(want, _device.Length - at)]) : 0;
        buffer[n..want].Clear();
        return want;
    }
}
