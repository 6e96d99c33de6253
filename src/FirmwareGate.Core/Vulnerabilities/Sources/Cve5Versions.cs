using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Versions;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>One stretch of affected versions; null bounds are open.</summary>
/// <param name="StartIncluding">Lowest affected version.</param>
/// <param name="StartExcluding">Highest unaffected version below the stretch.</param>
/// <param name="EndExcluding">Lowest unaffected version above it.</param>
/// <param name="EndIncluding">Highest affected version.</param>
internal sealed record AffectedInterval(string? StartIncluding, string? StartExcluding, string? EndExcluding, string? EndIncluding)
{
    /// <summary>Every version.</summary>
    public static AffectedInterval All { get; } = new(null, null, null, null);

    /// <summary>True for one exact version.</summary>
    public bool IsExact => StartIncluding is not null && StartIncluding == EndIncluding;
}

/// <summary>
/// Turns a CVE JSON 5 <c>affected[]</c> entry's <c>versions</c> and <c>defaultStatus</c> into the stretches of affected
/// versions, following CVEProject/cve-schema <c>schema/docs/versions.md</c>: a version is affected when a range or
/// change says so, else by the default status. With <c>defaultStatus: affected</c> the stretches are the gaps between
/// the unaffected ranges; otherwise they are the affected ranges, cut where a <c>changes</c> entry makes them unaffected.
/// </summary>
internal static class Cve5Versions
{
    private const int MaxEntries = 10_000;

    /// <summary>The affected stretches of one <c>affected[]</c> entry; empty when nothing is affected or only git commits are given.</summary>
    public static List<AffectedInterval> Intervals(JsonElement affected, out string? versionType)
    {
        versionType = null;
        var affectedRanges = new List<AffectedInterval>();
        var unaffected = new List<(string? Start, string? End, bool EndInclusive)>();
        var any = false;
        foreach (var v in JsonValues.Items(affected, "versions"))
        {
            if (affectedRanges.Count + unaffected.Count >= MaxEntries)
            {
                break;
            }

            var type = JsonValues.NonEmpty(v, "versionType");
            if (string.Equals(type, "git", StringComparison.OrdinalIgnoreCase))
            {
                continue; // Commit ids are not ordered versions.
            }

            var version = JsonValues.NonEmpty(v, "version");
            if (version is null)
            {
                continue;
            }

            versionType ??= type;
            any = true;
            var status = JsonValues.Str(v, "status");
            var lessThan = JsonValues.NonEmpty(v, "lessThan");
            var lessOrEqual = JsonValues.NonEmpty(v, "lessThanOrEqual");
            if (status == "affected")
            {
                AddAffected(affectedRanges, v, version, lessThan, lessOrEqual);
            }
            else if (status == "unaffected")
            {
                unaffected.Add(lessThan is null && lessOrEqual is null
                    ? (version, version, true)
                    : (Start(version), End(lessThan ?? lessOrEqual, out var wildcard), lessThan is null && !wildcard));
            }
        }

        var defaultStatus = JsonValues.Str(affected, "defaultStatus");
        if (defaultStatus == "affected")
        {
            return any ? Complement(unaffected) : [AffectedInterval.All];
        }

        return affectedRanges;
    }

    private static void AddAffected(List<AffectedInterval> list, JsonElement entry, string version, string? lessThan, string? lessOrEqual)
    {
        if (lessThan is null && lessOrEqual is null)
        {
            list.Add(new AffectedInterval(version, null, null, version));
            return;
        }

        var end = End(lessThan ?? lessOrEqual, out var wildcard);
        var endInclusive = lessThan is null && !wildcard;
        string? start = Start(version);
        var affectedNow = true;
        foreach (var (at, status) in Changes(entry))
        {
            if ((status == "affected") == affectedNow)
            {
                continue;
            }

            if (affectedNow)
            {
                list.Add(new AffectedInterval(start, null, at, null));
            }

            start = at;
            affectedNow = !affectedNow;
        }

        if (affectedNow)
        {
            list.Add(endInclusive ? new AffectedInterval(start, null, null, end) : new AffectedInterval(start, null, end, null));
        }
    }

    /// <summary>A range's <c>changes</c>, re-sorted by version as the schema asks when every pair can be compared, else in given order.</summary>
    private static List<(string At, string Status)> Changes(JsonElement entry)
    {
        var changes = new List<(string At, string Status)>();
        foreach (var c in JsonValues.Items(entry, "changes"))
        {
            if (changes.Count < MaxEntries && JsonValues.NonEmpty(c, "at") is { } at && JsonValues.Str(c, "status") is { } status)
            {
                changes.Add((at, status));
            }
        }

        var comparable = true;
        for (var i = 1; i < changes.Count && comparable; i++)
        {
            comparable = VersionComparer.Compare(changes[i - 1].At, changes[i].At) is not null;
        }

        if (comparable && changes.Count > 1)
        {
            var sorted = changes.Order(Comparer<(string At, string Status)>.Create((a, b) => VersionComparer.Compare(a.At, b.At) ?? 0)).ToList();
            return sorted;
        }

        return changes;
    }

    /// <summary>The gaps between unaffected ranges, lowest first (ranges sorted by start when their versions compare).</summary>
    private static List<AffectedInterval> Complement(List<(string? Start, string? End, bool EndInclusive)> unaffected)
    {
        var comparable = true;
        for (var i = 1; i < unaffected.Count && comparable; i++)
        {
            comparable = VersionComparer.Compare(unaffected[i - 1].Start ?? "0", unaffected[i].Start ?? "0") is not null;
        }

        var ordered = comparable
            ? unaffected.Order(Comparer<(string? Start, string? End, bool EndInclusive)>.Create((a, b) => VersionComparer.Compare(a.Start ?? "0", b.Start ?? "0") ?? 0)).ToList()
            : unaffected;
        var gaps = new List<AffectedInterval>();
        string? lowInclusive = null, lowExclusive = null;
        foreach (var (start, end, endInclusive) in ordered)
        {
            if (start is not null)
            {
                gaps.Add(new AffectedInterval(lowInclusive, lowExclusive, start, null));
            }

            if (end is null)
            {
                return gaps;
            }

            lowInclusive = endInclusive ? null : end;
            lowExclusive = endInclusive ? end : null;
        }

        gaps.Add(new AffectedInterval(lowInclusive, lowExclusive, null, null));
        return gaps;
    }

    /// <summary>A range start; <c>0</c> and <c>*</c> mean from the first version.</summary>
    private static string? Start(string version) => version is "0" or "*" or "-" ? null : version;

    /// <summary>
    /// A range end. <c>*</c> is open; a trailing <c>.*</c> ("arbitrarily large" in the schema) becomes the next
    /// branch, exclusive: <c>1.*</c> is below <c>2</c>, <c>5.4.*</c> below <c>5.5</c>.
    /// </summary>
    private static string? End(string? limit, out bool wildcard)
    {
        wildcard = false;
        if (limit is null or "*")
        {
            wildcard = limit is not null;
            return null;
        }

        if (!limit.EndsWith(".*", StringComparison.Ordinal))
        {
            return limit;
        }

        wildcard = true;
        var stem = limit[..^2];
        var dot = stem.LastIndexOf('.');
        var last = stem[(dot + 1)..];
        return long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < long.MaxValue
            ? string.Concat(stem.AsSpan(0, dot + 1), (n + 1).ToString(CultureInfo.InvariantCulture))
            : null;
    }
}
