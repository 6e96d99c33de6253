namespace FirmwareGate.Core.Unpacking;

/// <summary>Marks the entries that name one inode as hard links to the smallest of their paths.</summary>
internal static class HardLinkGroups
{
    /// <summary>
    /// For each group of indexes into <paramref name="entries"/> with more than one member, points every
    /// entry but the one with the ordinally smallest path at that path (<see cref="FsEntry.HardLinkTo"/>).
    /// </summary>
    public static void Mark(List<FsEntry> entries, IEnumerable<List<int>> groups)
    {
        foreach (var group in groups.Where(g => g.Count > 1))
        {
            string first = group.Select(i => entries[i].Path).Min(StringComparer.Ordinal)!;
            foreach (int i in group.Where(i => entries[i].Path != first))
            {
                entries[i].HardLinkTo = first;
            }
        }
    }
}
