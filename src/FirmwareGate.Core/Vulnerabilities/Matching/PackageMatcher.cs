using FirmwareGate.Core.Vulnerabilities.Cpe;
using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Versions;

namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>
/// Package-level matching: OSV <c>affected[]</c> (by purl, else by ecosystem and name derived from the purl) and
/// CVE 5 <c>affected[]</c> entries without CPEs (by vendor and product). Versions follow the OSV evaluation rules
/// (OSV schema, "Evaluation"): listed <c>versions</c> are affected; in a <c>SEMVER</c> or <c>ECOSYSTEM</c> range the
/// events are sorted by version and walked: at or after <c>introduced</c> affected, at or after <c>fixed</c> or after
/// <c>last_affected</c> not; with <c>limit</c> events the version must also be below one of them. <c>GIT</c> ranges
/// hold commits: undecidable for a version unless <c>versions</c> lists it.
/// </summary>
internal static class PackageMatcher
{
    public static MatchOutcome? Evaluate(VulnerabilityRecord record, MatchSubject subject)
    {
        PackageUrl? purl = PackageUrl.TryParse(subject.Purl);
        CpeName? cpe = CpeName.TryParse(subject.Cpe);
        MatchOutcome? undecidable = null;
        MatchOutcome? notAffected = null;
        foreach (PackageAffected package in record.Packages)
        {
            if (Method(record, package, purl, cpe, subject) is not { } method)
            {
                continue;
            }

            string? version = purl?.Version ?? subject.Version ?? (cpe is not null && CpeName.IsValue(cpe.Version) ? CpeName.Plain(cpe.Version) : null);
            MatchOutcome outcome = Versions(package, method, version);
            switch (outcome.Verdict)
            {
                case MatchVerdict.Affected:
                    return outcome;
                case MatchVerdict.Undecidable:
                    undecidable ??= outcome;
                    break;
                default:
                    notAffected ??= outcome;
                    break;
            }
        }

        return undecidable ?? notAffected;
    }

    // How the package names the subject, null when it does not.
    private static string? Method(VulnerabilityRecord record, PackageAffected package, PackageUrl? purl, CpeName? cpe, MatchSubject subject)
    {
        bool cve5 = string.Equals(record.Source, "cve5", StringComparison.OrdinalIgnoreCase);
        if (package.Purl is not null)
        {
            return purl is not null && PackageUrl.TryParse(package.Purl) is { } wanted && SamePackage(wanted, purl)
                ? cve5 ? "cve5-affected" : "osv-purl"
                : null;
        }

        if (package.Ecosystem is not null)
        {
            return purl?.Ecosystem is { } ecosystem
                && string.Equals(EcosystemVersions.BaseName(package.Ecosystem), ecosystem.ToLowerInvariant(), StringComparison.Ordinal)
                && string.Equals(package.Name, purl.EcosystemName, StringComparison.OrdinalIgnoreCase)
                ? "osv-ecosystem"
                : null;
        }

        return NamesProduct(package, cpe, subject) ? "cve5-affected" : null;
    }

    private static bool SamePackage(PackageUrl a, PackageUrl b) =>
        string.Equals(a.Type, b.Type, StringComparison.Ordinal)
        && string.Equals(a.Namespace ?? "", b.Namespace ?? "", StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);

    // CVE 5 vendor/product against the CPE's vendor/product (CPE spells spaces as "_"), else the component name.
    private static bool NamesProduct(PackageAffected package, CpeName? cpe, MatchSubject subject)
    {
        string product = Normalize(package.Name);
        if (cpe is not null && CpeName.IsValue(cpe.Product))
        {
            bool sameVendor = package.Vendor is null || !CpeName.IsValue(cpe.Vendor)
                || string.Equals(Normalize(package.Vendor), Normalize(CpeName.Plain(cpe.Vendor)), StringComparison.Ordinal);
            return sameVendor && string.Equals(product, Normalize(CpeName.Plain(cpe.Product)), StringComparison.Ordinal);
        }

        return string.Equals(product, Normalize(subject.Name), StringComparison.Ordinal);
    }

    private static string Normalize(string name) => name.Trim().Replace(' ', '_').ToLowerInvariant();

    private static MatchOutcome Versions(PackageAffected package, string method, string? version)
    {
        string label = package.Purl ?? (package.Ecosystem is null ? $"{package.Vendor}:{package.Name}" : $"{package.Ecosystem}/{package.Name}");
        if (version is null)
        {
            return new MatchOutcome(MatchVerdict.Undecidable, method, label, "the component has no version");
        }

        if (package.Versions.Any(v => string.Equals(v, version, StringComparison.Ordinal) || Compare(package, null, v, version) == 0))
        {
            return new MatchOutcome(MatchVerdict.Affected, method, $"{label} versions listed: {version}", null);
        }

        string? undecided = null;
        bool decidedRange = false;
        foreach (PackageRange range in package.Ranges)
        {
            string entry = $"{label} {range.Type}: {string.Join(", ", range.Events.Select(e => $"{e.Kind} {e.Version}"))}";
            if (string.Equals(range.Type, "GIT", StringComparison.OrdinalIgnoreCase))
            {
                undecided ??= $"{entry}: a git range names commits, not versions";
                continue;
            }

            bool? holds = InRange(package, range, version);
            if (holds == true)
            {
                return new MatchOutcome(MatchVerdict.Affected, method, entry, null);
            }

            if (holds is null)
            {
                undecided ??= $"{entry}: version {version} cannot be placed among the events";
            }
            else
            {
                decidedRange = true;
            }
        }

        if (undecided is not null)
        {
            return new MatchOutcome(MatchVerdict.Undecidable, method, label, undecided);
        }

        return Default(package, method, label, version, decidedRange);
    }

    // CVE 5 defaultStatus applies to versions no entry names; OSV lists affected versions only.
    private static MatchOutcome Default(PackageAffected package, string method, string label, string version, bool decidedRange)
    {
        if (string.Equals(package.DefaultStatus, "affected", StringComparison.OrdinalIgnoreCase))
        {
            return new MatchOutcome(MatchVerdict.Affected, method, label, $"{version} is in no listed range; the default status is affected");
        }

        if (string.Equals(package.DefaultStatus, "unknown", StringComparison.OrdinalIgnoreCase) || (!decidedRange && package.Versions.Count == 0))
        {
            return new MatchOutcome(MatchVerdict.Undecidable, method, label, $"{version} is in no listed range and the record does not say whether other versions are affected");
        }

        return new MatchOutcome(MatchVerdict.NotAffected, method, label, $"{version} is in no affected range");
    }

    private static bool? InRange(PackageAffected package, PackageRange range, string version)
    {
        List<RangeEvent>? sorted = Sort(package, range);
        if (sorted is null)
        {
            return null;
        }

        bool affected = false;
        bool? limited = sorted.Exists(e => IsKind(e, "limit")) ? false : true;
        foreach (RangeEvent e in sorted)
        {
            bool zero = e.Version == "0";
            int? c = zero ? 1 : e.Version == "*" ? -1 : Compare(package, range.Type, version, e.Version);
            if (c is null)
            {
                return null;
            }

            if (IsKind(e, "introduced") && c >= 0)
            {
                affected = true;
            }
            else if ((IsKind(e, "fixed") && c >= 0) || (IsKind(e, "last_affected") && c > 0))
            {
                affected = false;
            }
            else if (IsKind(e, "limit") && c < 0)
            {
                limited = true;
            }
        }

        return affected && limited == true;
    }

    // Events in version order ("0" first, "*" last); null when two cannot be ordered.
    private static List<RangeEvent>? Sort(PackageAffected package, PackageRange range)
    {
        var sorted = new List<RangeEvent>(range.Events.Count);
        foreach (RangeEvent e in range.Events)
        {
            int at = sorted.Count;
            while (at > 0)
            {
                int? c = EventOrder(package, range.Type, sorted[at - 1], e);
                if (c is null)
                {
                    return null;
                }

                if (c <= 0)
                {
                    break;
                }

                at--;
            }

            sorted.Insert(at, e);
        }

        return sorted;
    }

    private static int? EventOrder(PackageAffected package, string type, RangeEvent a, RangeEvent b) => (a.Version, b.Version) switch
    {
        ("0", "0") or ("*", "*") => 0,
        ("0", _) or (_, "*") => -1,
        (_, "0") or ("*", _) => 1,
        _ => Compare(package, type, a.Version, b.Version),
    };

    private static bool IsKind(RangeEvent e, string kind) => string.Equals(e.Kind, kind, StringComparison.OrdinalIgnoreCase);

    private static int? Compare(PackageAffected package, string? rangeType, string a, string b) =>
        package.Ecosystem is null && !string.Equals(rangeType, "SEMVER", StringComparison.OrdinalIgnoreCase)
            ? VersionComparer.Compare(a, b)
            : EcosystemVersions.Compare(package.Ecosystem, rangeType, a, b);
}
