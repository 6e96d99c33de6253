using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Jffs2;

/// <summary>The content of one JFFS2 file: resolved fragments decoded node by node on demand; gaps read as zeros.</summary>
internal sealed class Jffs2FileSource(Jffs2Filesystem fs, Jffs2Fragment[] fragments, long length) : IByteSource
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
            int index = FindAtOrBefore(offset);
            int room = buffer.Length - total;
            int n;
            if (index >= 0 && fragments[index].End > offset)
            {
                var f = fragments[index];
                var data = fs.Decode(f.Node);
                n = (int)Math.Min(f.End - offset, room);
                data.Slice((int)(f.Skip + (offset - f.Start)), n).CopyTo(buffer[total..]);
            }
            else
            {
                long next = index + 1 < fragments.Length ? fragments[index + 1].Start : Length;
                n = (int)Math.Min(next - offset, room);
                buffer.Slice(total, n).Clear();
            }

            total += n;
            offset += n;
        }

        return total;
    }

    private int FindAtOrBefore(long offset)
    {
        int lo = 0;
        int hi = fragments.Length - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (fragments[mid].Start <= offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
