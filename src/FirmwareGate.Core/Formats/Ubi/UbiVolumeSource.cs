using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Ubi;

/// <summary>
/// A UBI volume reassembled from its logical erase blocks: each LEB's data is a region of the image, in
/// LEB order; an unmapped LEB reads as erased flash (0xFF), as the kernel returns it.
/// </summary>
internal sealed class UbiVolumeSource : IByteSource
{
    private readonly IByteSource _image;
    private readonly long[] _starts;
    private readonly long[] _lengths;
    private readonly long[] _imageOffsets;

    /// <summary>Creates the volume from (image offset or -1 for unmapped, length) pairs in LEB order.</summary>
    public UbiVolumeSource(IByteSource image, IReadOnlyList<(long ImageOffset, long Length)> lebs)
    {
        _image = image;
        _starts = new long[lebs.Count];
        _lengths = new long[lebs.Count];
        _imageOffsets = new long[lebs.Count];
        long position = 0;
        for (int i = 0; i < lebs.Count; i++)
        {
            _starts[i] = position;
            _lengths[i] = lebs[i].Length;
            _imageOffsets[i] = lebs[i].ImageOffset;
            position = checked(position + lebs[i].Length);
        }

        Length = position;
    }

    /// <inheritdoc/>
    public long Length { get; }

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        int want = (int)Math.Min(buffer.Length, Length - offset);
        int i = Array.BinarySearch(_starts, offset);
        i = i >= 0 ? i : ~i - 1;
        int done = 0;
        while (done < want && i < _starts.Length)
        {
            long within = offset + done - _starts[i];
            int n = (int)Math.Min(want - done, _lengths[i] - within);
            var part = buffer.Slice(done, n);
            if (_imageOffsets[i] < 0)
            {
                part.Fill(0xFF);
            }
            else
            {
                int got = _image.ReadFully(_imageOffsets[i] + within, part);
                part[got..].Fill(0xFF);
            }

            done += n;
            i++;
        }

        return done;
    }

    /// <inheritdoc/>
    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);
}
