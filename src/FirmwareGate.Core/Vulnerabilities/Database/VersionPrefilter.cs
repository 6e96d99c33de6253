using FirmwareGate.Core.Vulnerabilities.Versions;

namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>
/// Drops a vulnerable CPE entry only when <see cref="VersionComparer"/> says for certain that the version is outside
/// it. Anything undecidable, wildcarded or qualified by an update field stays in: the matcher decides those.
/// </summary>
internal static class VersionPrefilter
{
    /// <summary>One stored entry's version fields.</summary>
    public readonly record struct Entry(string Version, string Update, string? StartIncluding, string? StartExcluding, string? EndIncluding, string? EndExcluding);

    /// <summary>False only when <paramref name="version"/> certainly lies outside <paramref name="entry"/>.</summary>
    public static bool MayMatch(in Entry entry, string? version)
    {
        if (version is null || CpeFields.IsLogical(version) || HasWildcard(version))
        {
            return true;
        }

        // As the matcher sees it: a patch level written onto the version (1.9.13p3) is split off and joined again.
        var (subjectBase, subjectUpdate) = VersionComparer.SplitUpdate(version);
        var full = VersionComparer.JoinUpdate(subjectBase, subjectUpdate);
        var hasBounds = entry.StartIncluding is not null || entry.StartExcluding is not null || entry.EndIncluding is not null || entry.EndExcluding is not null;
        if (!hasBounds)
        {
            return MayEqual(entry, subjectBase);
        }

        if (entry.Version != "*")
        {
            // A range on a concrete version is malformed by NVD's rules; leave it to the matcher.
            return true;
        }

        return !Outside(full, entry.StartIncluding, c => c < 0)
            && !Outside(full, entry.StartExcluding, c => c <= 0)
            && !Outside(full, entry.EndIncluding, c => c > 0)
            && !Outside(full, entry.EndExcluding, c => c >= 0);
    }

    private static bool MayEqual(in Entry entry, string subjectBase)
    {
        if (CpeFields.IsLogical(entry.Version) || HasWildcard(entry.Version))
        {
            return true;
        }

        // Only the base versions can rule an exact entry out: the update (1.9.17:*, 1.9.5:p1) is the matcher's.
        var wanted = Unescape(entry.Version);
        var wantedBase = CpeFields.IsLogical(entry.Update) ? VersionComparer.SplitUpdate(wanted).Version : wanted;
        var compared = VersionComparer.Compare(subjectBase, wantedBase);
        return compared is null or 0;
    }

    private static bool Outside(string version, string? bound, Func<int, bool> outside)
    {
        if (bound is null)
        {
            return false;
        }

        var compared = VersionComparer.Compare(version, bound);
        return compared is { } c && outside(c);
    }

    private static bool HasWildcard(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
            }
            else if (value[i] is '*' or '?')
            {
                return true;
            }
        }

        return false;
    }

    private static string Unescape(string value) => value.Contains('\\', StringComparison.Ordinal) ? value.Replace("\\", string.Empty, StringComparison.Ordinal) : value;
}
