using System.Buffers;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Unpacking;

/// <summary>Shannon entropy in bits per byte.</summary>
public static class Entropy
{
    /// <summary>Threshold above which a block looks encrypted or compressed.</summary>
    public const double HighThreshold = 7.9;

    /// <summary>Block size for the high-entropy byte count.</summary>
    public const int BlockSize = 4096;

    /// <summary>Entropy of a byte histogram.</summary>
    public static double FromHistogram(ReadOnlySpan<long> histogram, long total)
    {
        if (total == 0)
        {
            return 0;
        }

        double h = 0;
        foreach (long c in histogram)
        {
            if (c > 0)
            {
                double p = (double)c / total;
                h -= p * Math.Log2(p);
            }
        }

        return h;
    }

    /// <summary>Entropy of a span.</summary>
    public static double Of(ReadOnlySpan<byte> data)
    {
        Span<long> hist = stackalloc long[256];
        foreach (byte b in data)
        {
            hist[b]++;
        }

        return FromHistogram(hist, data.Length);
    }

    /// <summary>Entropy of a whole source, plus the bytes in 4 KiB blocks above <see cref="HighThreshold"/>.</summary>
    public static (double Entropy, long HighEntropyBytes) Measure(IByteSource source, CancellationToken ct = default)
    {
        var total = new long[256];
        long high = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BlockSize * 256);
        Span<long> hist = stackalloc long[256];
        try
        {
            for (long off = 0; off < source.Length; off += BlockSize * 256)
            {
                ct.ThrowIfCancellationRequested();
                int n = source.ReadFully(off, buffer.AsSpan(0, (int)Math.Min(BlockSize * 256, source.Length - off)));
                for (int b = 0; b < n; b += BlockSize)
                {
                    var block = buffer.AsSpan(b, Math.Min(BlockSize, n - b));
                    hist.Clear();
                    foreach (byte x in block)
                    {
                        hist[x]++;
                    }

                    for (int k = 0; k < 256; k++)
                    {
                        total[k] += hist[k];
                    }

                    if (FromHistogram(hist, block.Length) > HighThreshold)
                    {
                        high += block.Length;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (FromHistogram(total, source.Length), high);
    }
}
