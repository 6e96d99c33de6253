using System.Buffers;
using FirmwareGate.Core.Formats;

namespace FirmwareGate.Core.Sources;

/// <summary>Helpers over <see cref="IByteSource"/>.</summary>
public static class ByteSourceExtensions
{
    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/> or throws <see cref="TruncatedInputException"/>.</summary>
    public static void ReadExactly(this IByteSource source, long offset, Span<byte> buffer, string format)
    {
        int total = source.ReadFully(offset, buffer);
        if (total < buffer.Length)
        {
            throw new TruncatedInputException(format, offset, $"needs {buffer.Length} bytes, {total} available");
        }
    }

    /// <summary>Reads as many bytes as are available, up to the buffer length.</summary>
    public static int ReadFully(this IByteSource source, long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = source.Read(offset + total, buffer[total..]);
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>Reads the first bytes of the source (at most <paramref name="count"/>).</summary>
    public static byte[] ReadHead(this IByteSource source, int count)
    {
        var head = new byte[(int)Math.Min(count, source.Length)];
        int n = source.ReadFully(0, head);
        return n == head.Length ? head : head[..n];
    }

    /// <summary>Slices from <paramref name="offset"/> to the end.</summary>
    public static IByteSource SliceFrom(this IByteSource source, long offset) => source.Slice(offset, source.Length - offset);

    /// <summary>A read-only, seekable stream over the source.</summary>
    public static Stream OpenStream(this IByteSource source) => new ByteSourceStream(source);

    /// <summary>Copies the whole source to a stream in bounded chunks.</summary>
    public static void CopyTo(this IByteSource source, Stream destination, CancellationToken ct = default)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long offset = 0;
            while (offset < source.Length)
            {
                ct.ThrowIfCancellationRequested();
                int n = source.Read(offset, buffer.AsSpan(0, (int)Math.Min(buffer.Length, source.Length - offset)));
                if (n <= 0)
                {
                    break;
                }

                destination.Write(buffer, 0, n);
                offset += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
