using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Pipeline;

/// <summary>
/// Where every byte of the image went. Bytes of a recognised layer count as recognised, except
/// that layers whose children are carved from their own bytes (TRX, uImage, FIT, a kernel region)
/// are counted through those children, so unknown bytes inside a container stay unknown.
/// Each byte is counted once: children that overlap (FIT images naming the same bytes) are merged
/// as intervals, the earlier child deciding for the bytes they share. The parts are never negative
/// and always add up to <see cref="Bytes"/>.
/// </summary>
public sealed record Coverage(long Bytes, long Recognised, long Padding, long Unknown, long UnknownHighEntropy)
{
    /// <summary>Computes coverage over the top-level layers of an image.</summary>
    public static Coverage Of(long imageSize, IReadOnlyList<Layer> layers)
    {
        long recognised = 0, padding = 0, unknown = 0, high = 0;
        foreach (var s in Paint(Math.Max(0, imageSize), layers, Kind.Unknown))
        {
            switch (s.Kind)
            {
                case Kind.Padding:
                    padding += s.Length;
                    break;
                case Kind.Unknown:
                    unknown += s.Length;
                    high += s.High;
                    break;
                default:
                    recognised += s.Length;
                    break;
            }
        }

        return new Coverage(imageSize, recognised, padding, unknown, high);
    }

    private enum Kind
    {
        Recognised,
        Padding,
        Unknown,
    }

    /// <summary>A run of bytes of one kind; <see cref="High"/> is its high-entropy bytes (unknown only).</summary>
    private readonly record struct Segment(long Start, long Length, Kind Kind, long High);

    /// <summary>The bytes of one layer, 0 to its size, as sorted, disjoint segments that cover them all.</summary>
    private static List<Segment> SegmentsOf(Layer layer)
    {
        long size = Math.Max(0, layer.Size);
        switch (layer.Format)
        {
            case LayerFormats.Padding:
                return [new(0, size, Kind.Padding, 0)];
            case LayerFormats.Unknown:
                return [new(0, size, Kind.Unknown, Math.Clamp(layer.HighEntropyBytes ?? 0, 0, size))];
        }

        if (layer.ChildrenAreCarved && layer.Children.Count > 0)
        {
            // Bytes of the container no child covers are its own structure (headers, tables).
            return Paint(size, layer.Children, Kind.Recognised);
        }

        if (layer.ChildrenAreCarved && layer.Details.GetValueOrDefault("content") == LayerFormats.Unknown)
        {
            // A labelled region (kernel, part) with nothing recognised inside.
            return [new(0, size, Kind.Unknown, Math.Clamp(layer.HighEntropyBytes ?? 0, 0, size))];
        }

        return [new(0, size, Kind.Recognised, 0)];
    }

    /// <summary>
    /// Lays the children's segments over 0..<paramref name="size"/> by their position in the parent,
    /// clipped to it; where children overlap the first in order wins, and what no child covers is
    /// <paramref name="uncovered"/>. A sweep over the boundaries: O(n log n) in the segments.
    /// </summary>
    private static List<Segment> Paint(long size, IReadOnlyList<Layer> children, Kind uncovered)
    {
        var pieces = new List<(Segment Segment, int Priority)>();
        for (int i = 0; i < children.Count; i++)
        {
            var child = children[i];
            if ((child.CarvedOffset ?? child.Offset) is not { } position)
            {
                continue;
            }

            foreach (var s in SegmentsOf(child))
            {
                long start = Math.Clamp(position + s.Start, 0, size);
                long end = Math.Clamp(position + s.Start + s.Length, 0, size);
                if (end > start)
                {
                    pieces.Add((s with { Start = start, Length = end - start }, i));
                }
            }
        }

        var events = new List<(long At, int Piece, bool Starts)>(pieces.Count * 2);
        for (int p = 0; p < pieces.Count; p++)
        {
            events.Add((pieces[p].Segment.Start, p, true));
            events.Add((pieces[p].Segment.Start + pieces[p].Segment.Length, p, false));
        }

        events.Sort((a, b) => a.At.CompareTo(b.At));
        var active = new SortedSet<(int Priority, int Piece)>();
        var runs = new List<(long Start, long Length, int Piece)>();
        var visible = new long[pieces.Count];
        long cursor = 0;
        int e = 0;
        while (cursor < size || e < events.Count)
        {
            long at = e < events.Count ? events[e].At : size;
            if (at > cursor)
            {
                int winner = active.Count > 0 ? active.Min.Piece : -1;
                runs.Add((cursor, at - cursor, winner));
                if (winner >= 0)
                {
                    visible[winner] += at - cursor;
                }

                cursor = at;
            }

            for (; e < events.Count && events[e].At == at; e++)
            {
                var (_, piece, starts) = events[e];
                if (starts)
                {
                    active.Add((pieces[piece].Priority, piece));
                }
                else
                {
                    active.Remove((pieces[piece].Priority, piece));
                }
            }
        }

        // A partly hidden unknown piece keeps no more high-entropy bytes than it shows.
        var highLeft = new long[pieces.Count];
        for (int p = 0; p < pieces.Count; p++)
        {
            highLeft[p] = Math.Min(pieces[p].Segment.High, visible[p]);
        }

        var result = new List<Segment>(runs.Count);
        foreach (var (start, length, piece) in runs)
        {
            var kind = piece < 0 ? uncovered : pieces[piece].Segment.Kind;
            long high = 0;
            if (piece >= 0 && kind == Kind.Unknown)
            {
                high = Math.Min(highLeft[piece], length);
                highLeft[piece] -= high;
            }

            if (result.Count > 0 && result[^1].Kind == kind && result[^1].Start + result[^1].Length == start)
            {
                result[^1] = result[^1] with { Length = result[^1].Length + length, High = result[^1].High + high };
            }
            else
            {
                result.Add(new(start, length, kind, high));
            }
        }

        return result;
    }
}
