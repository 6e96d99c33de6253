using System.Buffers;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Unpacking;

/// <summary>Splits bytes nothing claimed into padding runs (0x00 or 0xFF) and unknown regions.</summary>
internal static class GapClassifier
{
    /// <summary>Interior runs shorter than this stay part of the surrounding unknown region.</summary>
    public const int MinInteriorRun = 4096;

    public static IEnumerable<Layer> Classify(IByteSource region, long baseOffset, CancellationToken ct)
    {
        var runs = FindRuns(region, ct);
        long pos = 0;
        foreach (var (start, length, value) in runs)
        {
            bool atEdge = start == 0 || start + length == region.Length;
            if (length < MinInteriorRun && !atEdge)
            {
                continue;
            }

            if (start > pos)
            {
                yield return UnknownLayer(region, pos, start - pos, baseOffset, ct);
            }

            var pad = new Layer { Format = LayerFormats.Padding, Offset = baseOffset + start, Size = length };
            pad.Details["byte"] = value == 0 ? "0x00" : "0xff";
            yield return pad;
            pos = start + length;
        }

        if (pos < region.Length)
        {
            yield return UnknownLayer(region, pos, region.Length - pos, baseOffset, ct);
        }
    }

    private static Layer UnknownLayer(IByteSource region, long start, long length, long baseOffset, CancellationToken ct)
    {
        var slice = region.Slice(start, length);
        var (entropy, high) = Entropy.Measure(slice, ct);
        return new Layer
        {
            Format = LayerFormats.Unknown,
            Offset = baseOffset + start,
            Size = length,
            Entropy = Math.Round(entropy, 3),
            HighEntropyBytes = high,
            Source = slice,
        };
    }

    /// <summary>Maximal runs of one byte value (0x00 or 0xFF) that are either long or touch an edge.</summary>
    private static List<(long Start, long Length, byte Value)> FindRuns(IByteSource region, CancellationToken ct)
    {
        var runs = new List<(long, long, byte)>();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long runStart = -1;
            byte runValue = 0;
            for (long off = 0; off < region.Length; off += 1 << 20)
            {
                ct.ThrowIfCancellationRequested();
                int n = region.ReadFully(off, buffer.AsSpan(0, (int)Math.Min(1 << 20, region.Length - off)));
                int i = 0;
                while (i < n)
                {
                    if (runStart >= 0)
                    {
                        int len = buffer.AsSpan(i, n - i).IndexOfAnyExcept(runValue);
                        if (len < 0)
                        {
                            i = n;
                            break;
                        }

                        i += len;
                        Close(runs, runStart, off + i - runStart, runValue, region.Length);
                        runStart = -1;
                        continue;
                    }

                    int next = buffer.AsSpan(i, n - i).IndexOfAny((byte)0x00, (byte)0xFF);
                    if (next < 0)
                    {
                        break;
                    }

                    i += next;
                    runStart = off + i;
                    runValue = buffer[i];
                }
            }

            if (runStart >= 0)
            {
                Close(runs, runStart, region.Length - runStart, runValue, region.Length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return runs;
    }

    private static void Close(List<(long, long, byte)> runs, long start, long length, byte value, long total)
    {
        if (length >= MinInteriorRun || start == 0 || start + length == total)
        {
            runs.Add((start, length, value));
        }
    }
}
