using FirmwareGate.Core.Vulnerabilities.Cpe;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>
/// NVD configuration semantics: a node holds when its entries combine by its operator (then negate), a
/// configuration when its nodes do. The subject is affected when a configuration holds and the subject itself
/// matched one of its <c>vulnerable: true</c> entries. Other entries (platforms: <c>vulnerable: false</c>, and
/// vulnerable entries the subject does not match, such as an OS in an AND) hold when a component of the image
/// matches them; when none does, an OS or hardware entry does not hold if the image's OS is known, else the
/// platform is undecidable.
/// </summary>
internal sealed class CpeConfigurationMatcher
{
    private readonly MatchSubject _subject;
    private readonly MatchPlatform _platform;
    private readonly string _method;
    private List<PlatformComponent>? _platformComponents;

    private CpeConfigurationMatcher(MatchSubject subject, MatchPlatform platform, string method)
    {
        _subject = subject;
        _platform = platform;
        _method = method;
    }

    public static MatchOutcome Evaluate(VulnerabilityRecord record, MatchSubject subject, MatchPlatform platform, string method)
    {
        CpeName? target = CpeName.TryParse(subject.Cpe);
        if (target is null)
        {
            string why = subject.Cpe is null
                ? "the component has no CPE to compare with the record's configurations"
                : $"the component's CPE {subject.Cpe} is malformed";
            return new MatchOutcome(MatchVerdict.NotAffected, method, null, why);
        }

        return new CpeConfigurationMatcher(subject, platform, method).Evaluate(record, target, SubjectVersion.Of(target, subject.Version));
    }

    private MatchOutcome Evaluate(VulnerabilityRecord record, CpeName target, SubjectVersion version)
    {
        MatchOutcome? undecidable = null;
        MatchOutcome? platformMiss = null;
        MatchOutcome? versionMiss = null;
        foreach (CpeConfiguration configuration in record.Configurations)
        {
            var own = new Dictionary<CpeMatch, EntryResult>(ReferenceEqualityComparer.Instance);
            List<CpeMatch> vulnerable = [.. configuration.Nodes.SelectMany(n => n.Matches).Where(m => m.Vulnerable)];
            foreach (CpeMatch m in vulnerable)
            {
                own[m] = CpeName.TryParse(m.Criteria) is { } criteria
                    ? CpeEntryMatcher.Evaluate(m, criteria, target, version)
                    : EntryResult.OtherProduct;
            }

            CpeMatch? matched = FirstWhere(vulnerable, own, r => r.Holds == true);
            if ((matched ?? FirstWhere(vulnerable, own, r => r.Holds is null)) is not { } entry)
            {
                versionMiss ??= FirstWhere(vulnerable, own, r => r.SameProduct) is { } near
                    ? Outcome(MatchVerdict.NotAffected, near, own[near].Reason)
                    : null;
                continue;
            }

            Truth3 holds = Configuration(configuration, own);
            string? ownReason = matched is null ? own[entry].Reason : null;
            if (matched is not null && holds.Value == true)
            {
                return Outcome(MatchVerdict.Affected, entry, null);
            }

            if (holds.Value == false)
            {
                platformMiss ??= Outcome(MatchVerdict.NotAffected, entry, PlatformMissReason(holds.Platforms, ownReason));
                continue;
            }

            undecidable ??= Outcome(MatchVerdict.Undecidable, entry, ownReason ?? UnresolvedReason(holds.Platforms));
        }

        return undecidable ?? platformMiss ?? versionMiss ?? new MatchOutcome(
            MatchVerdict.NotAffected, _method, null, $"no configuration names {target.VendorProduct}");
    }

    private static CpeMatch? FirstWhere(List<CpeMatch> entries, Dictionary<CpeMatch, EntryResult> results, Func<EntryResult, bool> predicate)
    {
        foreach (CpeMatch entry in entries)
        {
            if (predicate(results[entry]))
            {
                return entry;
            }
        }

        return null;
    }

    private string PlatformMissReason(IReadOnlyCollection<string> absent, string? versionReason)
    {
        if (absent.Count == 0)
        {
            return versionReason ?? "the configuration does not hold";
        }

        string os = _platform.OperatingSystem?.Cpe ?? _platform.OperatingSystem?.Name ?? "?";
        return $"the configuration also needs {string.Join(", ", absent)}; the image's operating system is {os}";
    }

    private MatchOutcome Outcome(MatchVerdict verdict, CpeMatch entry, string? reason) =>
        new(verdict, _method, CpeEntryMatcher.Describe(entry), reason);

    private static string UnresolvedReason(IReadOnlyCollection<string> platforms) =>
        platforms.Count == 0
            ? "the configuration could not be decided"
            : $"the platform could not be decided: {string.Join(", ", platforms)} (not found in the image)";

    private Truth3 Configuration(CpeConfiguration configuration, Dictionary<CpeMatch, EntryResult> own)
    {
        List<Truth3> nodes = [.. configuration.Nodes.Select(n => Node(n, own))];
        return Combine(configuration.Operator, configuration.Negate, nodes);
    }

    private Truth3 Node(CpeNode node, Dictionary<CpeMatch, EntryResult> own)
    {
        var values = new List<Truth3>(node.Matches.Count);
        foreach (CpeMatch entry in node.Matches)
        {
            bool? mine = own.TryGetValue(entry, out EntryResult r) ? r.Holds : false;
            if (mine == true)
            {
                values.Add(new Truth3(true, []));
                continue;
            }

            Truth3 platform = Platform(entry);
            values.Add(mine is null && platform.Value != true ? new Truth3(null, []) : platform);
        }

        return Combine(node.Operator, node.Negate, values);
    }

    // The value of an AND/OR over children, with the platform entries that made it what it is.
    private static Truth3 Combine(CpeOperator op, bool negate, List<Truth3> children)
    {
        bool? value = op == CpeOperator.And ? Truth.All(children.Select(c => c.Value)) : Truth.Any(children.Select(c => c.Value));
        var platforms = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Truth3 child in children.Where(c => c.Value == value))
        {
            platforms.UnionWith(child.Platforms);
        }

        return new Truth3(negate ? Truth.Not(value) : value, platforms);
    }

    // Whether some other component of the image is what the entry names.
    private Truth3 Platform(CpeMatch entry)
    {
        if (CpeName.TryParse(entry.Criteria) is not { } criteria)
        {
            return new Truth3(false, []);
        }

        _platformComponents ??= PlatformComponent.Of(_platform);
        bool unknown = false;
        foreach (PlatformComponent component in _platformComponents)
        {
            if (string.Equals(component.Subject.BomRef, _subject.BomRef, StringComparison.Ordinal))
            {
                continue;
            }

            bool? holds = CpeEntryMatcher.Evaluate(entry, criteria, component.Cpe, component.Version).Holds;
            if (holds == true)
            {
                return new Truth3(true, []);
            }

            unknown |= holds is null;
        }

        // An OS or hardware entry cannot hold on an image whose (other) operating system is known.
        bool? value = !unknown && criteria.Part is "o" or "h" && _platform.OperatingSystem is not null ? false : null;
        return new Truth3(value, [CpeEntryMatcher.Describe(entry)]);
    }

    /// <summary>A three-valued result and the platform entries (readable) that decided it.</summary>
    private readonly record struct Truth3(bool? Value, IReadOnlyCollection<string> Platforms);
}
