namespace FirmwareGate.Core.Formats.Jffs2;

/// <summary>A range of a file served by one node's decoded data (the kernel's jffs2_node_frag).</summary>
/// <param name="Start">First byte in the file.</param>
/// <param name="End">One past the last byte in the file.</param>
/// <param name="Node">Index into the filesystem's node list.</param>
/// <param name="Skip">Where <paramref name="Start"/> falls in the node's decoded data.</param>
internal readonly record struct Jffs2Fragment(long Start, long End, int Node, long Skip)
{
    /// <summary>Orders fragments by their start (they never overlap once resolved).</summary>
    public static IComparer<Jffs2Fragment> ByStart { get; } = Comparer<Jffs2Fragment>.Create((a, b) => a.Start.CompareTo(b.Start));

    /// <summary>
    /// Lays a file's data nodes out newest-over-oldest: each byte comes from the highest-version node
    /// covering it (read_inode.c); ranges no node covers are holes. Nodes past <paramref name="size"/> are cut.
    /// </summary>
    public static Jffs2Fragment[] Resolve(IReadOnlyList<Jffs2DataNode> nodes, List<int> indexes, long size)
    {
        var order = indexes.ToArray();
        Array.Sort(order, (a, b) => nodes[a].Version != nodes[b].Version ? nodes[a].Version.CompareTo(nodes[b].Version) : a.CompareTo(b));
        var fast = new List<Jffs2Fragment>(order.Length);
        long lastEnd = 0;
        foreach (int i in order)
        {
            var (s, e) = RangeOf(nodes[i], size);
            if (s >= e)
            {
                continue;
            }

            if (s < lastEnd)
            {
                return Overlay(nodes, order, size);
            }

            fast.Add(new Jffs2Fragment(s, e, i, 0));
            lastEnd = e;
        }

        return [.. fast];
    }

    private static (long Start, long End) RangeOf(Jffs2DataNode node, long size) =>
        (node.FileOffset, Math.Min((long)node.FileOffset + node.DSize, size));

    private static Jffs2Fragment[] Overlay(IReadOnlyList<Jffs2DataNode> nodes, int[] order, long size)
    {
        var set = new SortedSet<Jffs2Fragment>(ByStart);
        var overlapping = new List<Jffs2Fragment>();
        foreach (int i in order)
        {
            var (s, e) = RangeOf(nodes[i], size);
            if (s >= e)
            {
                continue;
            }

            overlapping.Clear();
            if (s > 0)
            {
                var before = set.GetViewBetween(new Jffs2Fragment(0, 0, 0, 0), new Jffs2Fragment(s - 1, 0, 0, 0)).Max;
                if (before.End > s)
                {
                    overlapping.Add(before);
                }
            }

            overlapping.AddRange(set.GetViewBetween(new Jffs2Fragment(s, 0, 0, 0), new Jffs2Fragment(e - 1, 0, 0, 0)));
            foreach (var f in overlapping)
            {
                set.Remove(f);
                if (f.Start < s)
                {
                    set.Add(f with { End = s });
                }

                if (f.End > e)
                {
                    set.Add(new Jffs2Fragment(e, f.End, f.Node, f.Skip + (e - f.Start)));
                }
            }

            set.Add(new Jffs2Fragment(s, e, i, 0));
        }

        return [.. set];
    }
}
