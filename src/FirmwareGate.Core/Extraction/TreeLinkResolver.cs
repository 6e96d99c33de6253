using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Extraction;

/// <summary>
/// Decides whether a symlink stays inside its tree by resolving its target against the tree as it
/// will exist on disk, following the tree's other symlinks as the kernel would (at most 40 hops),
/// not by counting "..": a link can climb through another link (<c>up -&gt; /</c>, then
/// <c>esc -&gt; up/../../etc/hostname</c>). Absolute targets resolve from the tree root (they are
/// rebased there on disk); ".." at the tree root leaves the tree and is an escape. A name in
/// <paramref name="folders"/> is a folder on disk whatever its entry says (other entries live below
/// it). A target with a NUL byte is refused: symlink(2) would store only the part before it.
/// </summary>
internal sealed class TreeLinkResolver(IReadOnlyDictionary<string, FsEntry> tree, IReadOnlySet<string> folders)
{
    /// <summary>Symlinks followed in one resolution (Linux MAXSYMLINKS).</summary>
    public const int MaxHops = 40;

    /// <summary>Path components processed in one resolution; far above any real target.</summary>
    public const int MaxSteps = 4096;

    /// <summary>Longest target the kernel resolves (PATH_MAX).</summary>
    public const int MaxTargetLength = 4096;

    /// <summary>True when the link at <paramref name="linkPath"/> resolves inside the tree (or fails to resolve at all).</summary>
    public bool StaysInside(string linkPath, string target, out string reason)
    {
        reason = "";
        var current = new List<string>(linkPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        current.RemoveAt(current.Count - 1);
        var pending = new LinkedList<string>();
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

        if (!Enqueue(pending, target, current))
        {
            reason = "target is empty";
            return false;
        }

        int hops = 0, steps = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            string part = node.Value;
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
                if (current.Count == 0)
                {
                    reason = "target resolves above the root of its filesystem";
                    return false;
                }

                current.RemoveAt(current.Count - 1);
                continue;
            }

            current.Add(part);
            string path = "/" + string.Join('/', current);
            if (!tree.TryGetValue(path, out var entry) || entry.Type == EntryType.Dir || folders.Contains(path))
            {
                // A name the tree does not have resolves no further on disk (ENOENT) unless it is a
                // folder; treating it as a folder is the cautious reading.
                continue;
            }

            if (entry.Type == EntryType.Symlink)
            {
                if (++hops > MaxHops)
                {
                    reason = $"more than {MaxHops} symlinks to follow (a loop)";
                    return false;
                }

                current.RemoveAt(current.Count - 1);
                if (entry.LinkTarget is { Length: > MaxTargetLength } || entry.LinkTarget?.Contains('\0', StringComparison.Ordinal) == true)
                {
                    return true; // the kernel refuses to follow it (ENAMETOOLONG), or it is refused and never created
                }

                if (!Enqueue(pending, entry.LinkTarget ?? "", current))
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

    // Puts a target's components in front of what is left; an absolute target restarts at the root.
    private static bool Enqueue(LinkedList<string> pending, string target, List<string> current)
    {
        if (target.Length == 0)
        {
            return false;
        }

        if (target.StartsWith('/'))
        {
            current.Clear();
        }

        var parts = target.Split('/');
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            pending.AddFirst(parts[i]);
        }

        return true;
    }
}
