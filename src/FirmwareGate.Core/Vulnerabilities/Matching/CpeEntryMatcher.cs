using FirmwareGate.Core.Vulnerabilities.Cpe;
using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Versions;

namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>
/// Whether one NVD <c>cpeMatch</c> entry names one component: part, vendor and product by CPE name matching
/// (NISTIR 7696; ANY in the component may match), the other attributes likewise, then the version: a range when the
/// criteria's version is ANY, equality (with the update) when it is a value, NA only for NA.
/// </summary>
public static class CpeEntryMatcher
{
    private static readonly (string Name, Func<CpeName, string> Get)[] OtherAttributes =
    [
        ("edition", c => c.Edition),
        ("language", c => c.Language),
        ("sw_edition", c => c.SwEdition),
        ("target_sw", c => c.TargetSw),
        ("target_hw", c => c.TargetHw),
        ("other", c => c.Other),
    ];

    /// <summary>
    /// True when <paramref name="entry"/> names the component with CPE <paramref name="component"/> and version
    /// <paramref name="version"/> (used when the CPE has no version), false when not, null when undecidable;
    /// <paramref name="reason"/> says why it does not hold or could not be decided.
    /// </summary>
    public static bool? Matches(CpeMatch entry, string component, string? version, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(entry);
        reason = null;
        CpeName? criteria = CpeName.TryParse(entry.Criteria);
        CpeName? target = CpeName.TryParse(component);
        if (criteria is null || target is null)
        {
            reason = criteria is null ? $"malformed criteria {entry.Criteria}" : $"malformed CPE {component}";
            return false;
        }

        EntryResult result = Evaluate(entry, criteria, target, SubjectVersion.Of(target, version));
        reason = result.Reason;
        return result.Holds;
    }

    /// <summary>The entry in readable form: its criteria and range (<c>cpe:2.3:a:busybox:busybox:*:... versions &lt;= 1.36.1</c>).</summary>
    public static string Describe(CpeMatch entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string range = RangeText(entry);
        return range.Length == 0 ? entry.Criteria : $"{entry.Criteria} versions {range}";
    }

    /// <summary>The entry's range (<c>&gt;= 1.3.2, &lt; 2.0.16</c>), empty when it has no bounds.</summary>
    public static string RangeText(CpeMatch entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var parts = new List<string>(2);
        if (entry.VersionStartIncluding is { } si)
        {
            parts.Add($">= {si}");
        }

        if (entry.VersionStartExcluding is { } se)
        {
            parts.Add($"> {se}");
        }

        if (entry.VersionEndIncluding is { } ei)
        {
            parts.Add($"<= {ei}");
        }

        if (entry.VersionEndExcluding is { } ee)
        {
            parts.Add($"< {ee}");
        }

        return string.Join(", ", parts);
    }

    internal static EntryResult Evaluate(CpeMatch entry, CpeName criteria, CpeName target, SubjectVersion version)
    {
        if (!CpeAttribute.MayMatch(criteria.Part, target.Part)
            || !CpeAttribute.MayMatch(criteria.Vendor, target.Vendor)
            || !CpeAttribute.MayMatch(criteria.Product, target.Product))
        {
            return EntryResult.OtherProduct;
        }

        foreach ((string name, Func<CpeName, string> get) in OtherAttributes)
        {
            if (!CpeAttribute.MayMatch(get(criteria), get(target)))
            {
                return new EntryResult(false, true, $"{name} {CpeName.Plain(get(target))} is not the entry's {CpeName.Plain(get(criteria))}");
            }
        }

        if (CpeName.IsAny(criteria.Version))
        {
            return InRange(entry, criteria, version);
        }

        return CpeName.IsNotApplicable(criteria.Version) ? VersionNotApplicable(version) : SameVersion(criteria, version);
    }

    private static EntryResult InRange(CpeMatch entry, CpeName criteria, SubjectVersion version)
    {
        // An update on a range entry (rare) is compared as an attribute; the component's missing update is NA.
        if (!CpeName.IsAny(criteria.Update) && !CpeAttribute.MayMatch(criteria.Update, version.Update ?? CpeName.NotApplicable))
        {
            return new EntryResult(false, true, $"update {version.Update ?? "-"} is not the entry's {CpeName.Plain(criteria.Update)}");
        }

        string range = RangeText(entry);
        if (range.Length == 0)
        {
            return EntryResult.Match;
        }

        if (version.Full is not { } full)
        {
            return new EntryResult(null, true, $"the component has no version to compare with {range}");
        }

        bool? holds = Truth.All(
        [
            Bound(full, entry.VersionStartIncluding, c => c >= 0),
            Bound(full, entry.VersionStartExcluding, c => c > 0),
            Bound(full, entry.VersionEndIncluding, c => c <= 0),
            Bound(full, entry.VersionEndExcluding, c => c < 0),
        ]);
        return holds switch
        {
            true => EntryResult.Match,
            false => new EntryResult(false, true, $"{full} is outside {range}"),
            null => new EntryResult(null, true, $"version {full} cannot be compared with {UndecidableBounds(full, entry)}"),
        };
    }

    private static bool? Bound(string version, string? bound, Func<int, bool> holds)
    {
        if (bound is null)
        {
            return true;
        }

        int? c = VersionComparer.Compare(version, bound);
        return c is { } value ? holds(value) : null;
    }

    private static string UndecidableBounds(string version, CpeMatch entry) =>
        string.Join(", ", new[] { entry.VersionStartIncluding, entry.VersionStartExcluding, entry.VersionEndIncluding, entry.VersionEndExcluding }
            .Where(b => b is not null && VersionComparer.Compare(version, b) is null));

    private static EntryResult VersionNotApplicable(SubjectVersion version)
    {
        if (version.NotApplicable)
        {
            return EntryResult.Match;
        }

        return version.Unknown
            ? new EntryResult(null, true, "the component has no version; the entry is for version NA (-)")
            : new EntryResult(false, true, $"{version.Full} is not the entry's version NA (-)");
    }

    private static EntryResult SameVersion(CpeName criteria, SubjectVersion version)
    {
        string wanted = CpeName.Plain(criteria.Version);
        if (version.Full is not { } full)
        {
            return version.NotApplicable
                ? new EntryResult(false, true, $"version NA (-) is not the entry's {wanted}")
                : new EntryResult(null, true, $"the component has no version to compare with {wanted}");
        }

        if (CpeAttribute.HasWildcard(criteria.Version))
        {
            return CpeAttribute.MayMatch(criteria.Version, full)
                ? EntryResult.Match
                : new EntryResult(false, true, $"{full} does not match {wanted}");
        }

        // The criteria may carry the patch level in its version (1.9.13p3) or in its update (1.9.13:p3).
        (string wantedBase, string? wantedUpdate) = CpeName.IsValue(criteria.Update)
            ? (wanted, CpeName.Plain(criteria.Update))
            : VersionComparer.SplitUpdate(wanted);
        int? byBase = VersionComparer.Compare(version.Base ?? full, wantedBase);
        if (byBase is null)
        {
            return new EntryResult(null, true, $"version {full} cannot be compared with {wanted}");
        }

        if (byBase != 0)
        {
            return new EntryResult(false, true, $"{full} is not {Joined(wantedBase, wantedUpdate, criteria.Update)}");
        }

        return SameUpdate(criteria, wantedBase, wantedUpdate, version);
    }

    private static EntryResult SameUpdate(CpeName criteria, string wantedBase, string? wantedUpdate, SubjectVersion version)
    {
        string joined = Joined(wantedBase, wantedUpdate, criteria.Update);
        if (wantedUpdate is null)
        {
            // Update ANY: every patch level of that version; NA: the release itself, no patch level.
            return CpeName.IsNotApplicable(criteria.Update) && version.Update is not null
                ? new EntryResult(false, true, $"{version.Full} is not {joined}")
                : EntryResult.Match;
        }

        if (version.Update is null)
        {
            return new EntryResult(false, true, $"{version.Full} is not {joined}");
        }

        bool same = string.Equals(version.Update, wantedUpdate, StringComparison.OrdinalIgnoreCase)
            || VersionComparer.Compare(version.Update, wantedUpdate) == 0;
        return same ? EntryResult.Match : new EntryResult(false, true, $"{version.Full} is not {joined}");
    }

    private static string Joined(string version, string? update, string criteriaUpdate) =>
        update is not null ? VersionComparer.JoinUpdate(version, update)
        : CpeName.IsNotApplicable(criteriaUpdate) ? $"{version} (no update)"
        : version;
}
