using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Yaffs2;

/// <summary>
/// The content of one YAFFS2 file: the newest data chunk of each chunk index, read from the image on
/// demand; chunk indices with no chunk (holes) and the unwritten tail of a short chunk read as zeros.
/// </summary>
/// <param name="image">The image.</param>
/// <param name="dataBytes">Data bytes per chunk.</param>
/// <param name="chunkIds">Chunk ids (1-based) present, ascending.</param>
/// <param name="offsets">Image offset of each present chunk's data.</param>
/// <param name="counts">Bytes written in each present chunk (n_bytes).</param>
/// <param name="length">The file size from the newest header.</param>
internal sealed class Yaffs2FileSource(IByteSource image, int dataBytes, uint[] chunkIds, long[] offsets, int[] counts, long length) : IByteSource
{
    public long Length { get; } = length;

    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        int total = 0;
        while (total < buffer.Length && offset < Length)
        {
            long chunkIndex = offset / dataBytes;
            int within = (int)(offset % dataBytes);
            int n = (int)Math.Min(Math.Min(dataBytes - within, buffer.Length - total), Length - offset);
            var dest = buffer.Slice(total, n);
            int i = chunkIndex + 1 <= uint.MaxValue ? Array.BinarySearch(chunkIds, (uint)(chunkIndex + 1)) : -1;
            int written = i >= 0 ? Math.Clamp(counts[i] - within, 0, n) : 0;
            if (written > 0)
            {
                int got = image.ReadFully(offsets[i] + within, dest[..written]);
                dest[got..written].Clear();
            }

            dest[written..].Clear();
            total += n;
            offset += n;
        }

        return total;
    }
}
