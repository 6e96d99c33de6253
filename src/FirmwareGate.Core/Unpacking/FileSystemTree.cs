namespace FirmwareGate.Core.Unpacking;

/// <summary>The entries of a filesystem or archive layer, sorted by path (ordinal).</summary>
public sealed class FileSystemTree
{
    /// <summary>Creates a tree; sorts the entries.</summary>
    public FileSystemTree(IEnumerable<FsEntry> entries, IReadOnlyList<string>? rejectedPaths = null, IReadOnlyList<string>? absoluteNames = null)
    {
        AbsoluteNames = absoluteNames ?? [];
        var list = entries.ToList();
        list.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        Entries = list;
        RejectedPaths = rejectedPaths ?? [];
    }

    /// <summary>Entries by path.</summary>
    public IReadOnlyList<FsEntry> Entries { get; }

    /// <summary>Raw names that were refused (absolute or escaping paths, links to outside); reported, never written.</summary>
    public IReadOnlyList<string> RejectedPaths { get; }

    /// <summary>Names stored as absolute paths ("/etc/x"); extracted below the root, and reported.</summary>
    public IReadOnlyList<string> AbsoluteNames { get; }

    /// <summary>Counts by entry type.</summary>
    public IReadOnlyDictionary<EntryType, int> CountByType() =>
        Entries.GroupBy(e => e.Type).ToDictionary(g => g.Key, g => g.Count());
}
