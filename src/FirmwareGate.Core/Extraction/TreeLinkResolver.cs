using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Extraction;

/// <summary>
/// Decides whether a symlink stays inside its tree by resolving its target against the tree as it
/// will exist on disk, following the tree's other symlinks as the kernel would (at most 40 hops),
/// not by counting "..": a link can climb through another link (<c>up -&gt; /</c>, then
/// <c>esc -&gt; up/../../etc/hostname</c>). Absolute targets resolve from the tree root (they are
/// rebased there on disk); ".." at the tree root leaves the tree and is an escape. A name that other
/// entries are stored below is a folder on disk whatever its entry says. A target with a NUL byte is
/// refused: symlink(2) would store only the part before it. The tree is held as a trie of path
/// components, so each step costs one component, whatever the depth.
/// </summary>
internal sealed class TreeLinkResolver
{
    /// <summary>Symlinks followed in one resolution (Linux MAXSYMLINKS).</summary>
    public const int MaxHops = 40;

    /// <summary>Path components processed in one resolution; far above any real target.</summary>
    public const int MaxSteps = 4096;

    /// <summary>Longest target the kernel resolves (PATH_MAX).</summary>
    public const int MaxTargetLength = 4096;

    /// <summary>
    /// Components queued over all resolutions of one tree. A chain of 40 links with 4 KiB targets
    /// queues 80,000 components for each link that enters it; past this, links are refused.
    /// </summary>
    public const long MaxTreeWork = 16_000_000;

    private readonly Node _root = new();
    private long _work;

    /// <summary>Indexes the entries of one tree by path component.</summary>
    public TreeLinkResolver(IEnumerable<FsEntry> entries)
    {
        foreach (var e in entries)
        {
            var node = _root;
            foreach (var part in e.Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                node.Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
                if (!node.Children.TryGetValue(part, out var child))
                {
                    node.Children[part] = child = new Node();
                }

                node = child;
            }

            node.Entry = e;
        }
    }

    /// <summary>True when the link at <paramref name="linkPath"/> resolves inside the tree (or fails to resolve at all).</summary>
    public bool StaysInside(string linkPath, string target, out string reason)
    {
        reason = "";
        if (target.Length > MaxTargetLength)
        {
            reason = $"target longer than {MaxTargetLength} characters";
            return false;
        }

        if (target.Contains('\0', StringComparison.Ordinal))
        {
            reason = "target contains a NUL byte";
            return false;
        }

        // The folders from the root to where resolution stands; names the tree does not have are
        // only counted (nothing below them is in the tree).
        var current = new List<Node> { _root };
        int outside = 0;
        var parts = linkPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts.AsSpan(0, parts.Length - 1))
        {
            Descend(current, ref outside, part);
        }

        var pending = new LinkedList<string>();
        if (!Enqueue(pending, target, current, ref outside))
        {
            reason = "target is empty";
            return false;
        }

        int hops = 0, steps = 0;
        while (pending.First is { } first)
        {
            if (++_work > MaxTreeWork)
            {
                reason = $"the symlinks of this tree take more than {MaxTreeWork} steps to check";
                return false;
            }

            pending.RemoveFirst();
            string part = first.Value;
            if (++steps > MaxSteps)
            {
                reason = $"target takes more than {MaxSteps} steps to resolve";
                return false;
            }

            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (outside > 0)
                {
                    outside--;
                }
                else if (current.Count == 1)
                {
                    reason = "target resolves above the root of its filesystem";
                    return false;
                }
                else
                {
                    current.RemoveAt(current.Count - 1);
                }

                continue;
            }

            var node = outside == 0 ? current[^1].Children?.GetValueOrDefault(part) : null;
            if (node is null || node.Children is not null || node.Entry is null || node.Entry.Type == EntryType.Dir)
            {
                // A name the tree does not have resolves no further on disk (ENOENT) unless it is a
                // folder; treating it as a folder is the cautious reading.
                Descend(current, ref outside, part);
                continue;
            }

            if (node.Entry.Type == EntryType.Symlink)
            {
                if (++hops > MaxHops)
                {
                    reason = $"more than {MaxHops} symlinks to follow (a loop)";
                    return false;
                }

                if (node.Entry.LinkTarget is { Length: > MaxTargetLength } || node.Entry.LinkTarget?.Contains('\0', StringComparison.Ordinal) == true)
                {
                    return true; // the kernel refuses to follow it (ENAMETOOLONG), or it is refused and never created
                }

                if (!Enqueue(pending, node.Entry.LinkTarget ?? "", current, ref outside))
                {
                    return true; // an empty target resolves nowhere (ENOENT)
                }

                continue;
            }

            // A file, device or fifo: any further component fails with ENOTDIR, so nothing escapes.
            return true;
        }

        return true;
    }

    private static void Descend(List<Node> current, ref int outside, string part)
    {
        if (outside == 0 && current[^1].Children?.GetValueOrDefault(part) is { } child)
        {
            current.Add(child);
        }
        else
        {
            outside++;
        }
    }

    // Puts a target's components in front of what is left; an absolute target restarts at the root.
    private bool Enqueue(LinkedList<string> pending, string target, List<Node> current, ref int outside)
    {
        if (target.Length == 0)
        {
            return false;
        }

        if (target.StartsWith('/'))
        {
            current.RemoveRange(1, current.Count - 1);
            outside = 0;
        }

        var parts = target.Split('/');
        _work += parts.Length;
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            pending.AddFirst(parts[i]);
        }

        return true;
    }

    /// <summary>One name of the tree: its entry (absent for folders only implied by deeper names) and the names below it.</summary>
    private sealed class Node
    {
        public FsEntry? Entry { get; set; }

        public Dictionary<string, Node>? Children { get; set; }
    }
}
