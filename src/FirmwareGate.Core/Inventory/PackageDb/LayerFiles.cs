using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// Reads small sibling files of the same filesystem layer (the OS release files next to a package database,
/// a package's control file or copyright), following symlinks inside the layer. Entries are sorted by path,
/// so a lookup is a binary search.
/// </summary>
internal static class LayerFiles
{
    private const int MaxSymlinkHops = 8;

    /// <summary>The regular file at <paramref name="path"/>, following symlinks and hard links; null when absent.</summary>
    public static FsEntry? Find(Layer layer, string path) => Find(layer, path, out _);

    /// <summary>The regular file at <paramref name="path"/> and the path it resolved to; null when absent.</summary>
    public static FsEntry? Find(Layer layer, string path, out string resolved)
    {
        resolved = path;
        if (layer.FileSystem is not { } fs)
        {
            return null;
        }

        for (int hop = 0; hop <= MaxSymlinkHops; hop++)
        {
            var entry = Lookup(fs.Entries, path);
            if (entry is null)
            {
                return null;
            }

            if (entry.HardLinkTo is { } first)
            {
                path = first;
                continue;
            }

            if (entry.Type == EntryType.File)
            {
                resolved = path;
                return entry.Content is null ? null : entry;
            }

            if (entry.Type != EntryType.Symlink || entry.LinkTarget is not { Length: > 0 } target)
            {
                return null;
            }

            path = Resolve(path, target);
            if (path.Length == 0)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>True when the layer has an entry (any type) at <paramref name="path"/>.</summary>
    public static bool Exists(Layer layer, string path) =>
        layer.FileSystem is { } fs && Lookup(fs.Entries, path) is not null;

    /// <summary>
    /// The bytes of the regular file at <paramref name="path"/>, or null when it is absent or larger than
    /// <paramref name="maxBytes"/> (<paramref name="tooLarge"/> says which).
    /// </summary>
    public static byte[]? Read(Layer layer, string path, int maxBytes, out bool tooLarge)
    {
        tooLarge = false;
        if (Find(layer, path) is not { Content: { } content })
        {
            return null;
        }

        if (content.Length > maxBytes)
        {
            tooLarge = true;
            return null;
        }

        var bytes = new byte[content.Length];
        int n = content.ReadFully(0, bytes);
        return n == bytes.Length ? bytes : bytes[..n];
    }

    /// <summary>The path a symlink at <paramref name="linkPath"/> points to, normalised; empty when it leaves the root.</summary>
    internal static string Resolve(string linkPath, string target)
    {
        var parts = new List<string>();
        if (!target.StartsWith('/'))
        {
            parts.AddRange(linkPath.Split('/', StringSplitOptions.RemoveEmptyEntries)[..^1]);
        }

        foreach (string part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                // Like the kernel, ".." at the root stays at the root.
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return parts.Count == 0 ? "" : "/" + string.Join('/', parts);
    }

    private static FsEntry? Lookup(IReadOnlyList<FsEntry> entries, string path)
    {
        int lo = 0;
        int hi = entries.Count - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            int c = string.CompareOrdinal(entries[mid].Path, path);
            if (c == 0)
            {
                return entries[mid];
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return null;
    }
}
