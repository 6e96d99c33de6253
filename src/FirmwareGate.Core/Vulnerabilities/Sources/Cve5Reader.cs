using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>
/// Reads CVE JSON 5 records (CVEProject/cve-schema <c>schema/CVE_Record_Format.json</c>, 5.0 and 5.1): the CNA
/// container and every ADP container (e.g. CISA ADP's added CVSS and CPEs). <c>affected</c> entries that carry
/// <c>cpes</c> and <c>cpeApplicability</c> become CPE configurations; entries without CPEs become package ranges.
/// </summary>
public static class Cve5Reader
{
    private const int MaxItems = 10_000;

    private static readonly (string Key, string Version)[] MetricKeys =
        [("cvssV4_0", "4.0"), ("cvssV3_1", "3.1"), ("cvssV3_0", "3.0"), ("cvssV2_0", "2.0")];

    /// <summary>Reads one CVE JSON 5 record into <paramref name="sink"/>; a rejected or malformed record is skipped and counted.</summary>
    public static void Read(ReadOnlyMemory<byte> json, string name, IRecordSink sink, ImportCounts counts)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(counts);
        var doc = JsonValues.Parse(json, name);

        using (doc)
        {
            var record = Parse(doc.RootElement, out var error);
            if (record is null)
            {
                JsonValues.Obj(doc.RootElement, "cveMetadata", out var meta);
                counts.Skip(JsonValues.NonEmpty(meta, "cveId") ?? name, error ?? "malformed");
                return;
            }

            sink.Add(record);
            counts.Records++;
        }
    }

    /// <summary>The record, or null with <paramref name="error"/> saying why (<c>rejected</c>, no id, no CNA container).</summary>
    public static VulnerabilityRecord? Parse(JsonElement root, out string? error)
    {
        error = null;
        if (!JsonValues.Obj(root, "cveMetadata", out var meta) || JsonValues.NonEmpty(meta, "cveId") is not { } id)
        {
            error = "no cveMetadata.cveId";
            return null;
        }

        var state = JsonValues.NonEmpty(meta, "state");
        if (string.Equals(state, "REJECTED", StringComparison.OrdinalIgnoreCase))
        {
            error = "rejected";
            return null;
        }

        if (!JsonValues.Obj(root, "containers", out var containers) || !JsonValues.Obj(containers, "cna", out var cna))
        {
            error = "no containers.cna";
            return null;
        }

        List<JsonElement> all = [cna];
        foreach (var adp in JsonValues.Items(containers, "adp"))
        {
            if (adp.ValueKind == JsonValueKind.Object && all.Count < 64)
            {
                all.Add(adp);
            }
        }

        var (configurations, packages) = Affected(all);
        return new VulnerabilityRecord
        {
            Id = id.ToUpperInvariant(),
            Source = "cve5",
            Status = state,
            Description = Description(cna),
            Published = JsonValues.Date(meta, "datePublished"),
            LastModified = JsonValues.Date(meta, "dateUpdated"),
            Ratings = Ratings(all),
            Cwes = JsonValues.SortedCwes(Cwes(all)),
            References = References(all),
            Configurations = configurations,
            Packages = packages,
        };
    }

    private static string? Description(JsonElement cna)
    {
        string? first = null;
        foreach (var d in JsonValues.Items(cna, "descriptions"))
        {
            var value = JsonValues.NonEmpty(d, "value");
            first ??= value;
            if (value is not null && JsonValues.Str(d, "lang") is { } lang && lang.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return first;
    }

    private static List<CvssRating> Ratings(List<JsonElement> containers)
    {
        var ratings = new List<CvssRating>();
        foreach (var container in containers)
        {
            var source = JsonValues.Obj(container, "providerMetadata", out var provider) ? JsonValues.NonEmpty(provider, "shortName") : null;
            foreach (var metric in JsonValues.Items(container, "metrics"))
            {
                foreach (var (key, version) in MetricKeys)
                {
                    if (JsonValues.Obj(metric, key, out var cvss) && Rating(cvss, version, source) is { } rating)
                    {
                        ratings.Add(rating);
                    }
                }
            }
        }

        return ratings;
    }

    private static CvssRating? Rating(JsonElement cvss, string version, string? source)
    {
        var vector = JsonValues.NonEmpty(cvss, "vectorString");
        if (vector is null)
        {
            return null;
        }

        var score = JsonValues.Number(cvss, "baseScore") ?? (version is "3.0" or "3.1" ? CvssV3.BaseScore(vector) : null);
        if (score is not { } s || s is < 0 or > 10)
        {
            return null;
        }

        var severity = JsonValues.NonEmpty(cvss, "baseSeverity")?.ToLowerInvariant() ?? JsonValues.SeverityOf(s);
        return new CvssRating(version, s, vector, severity, source, false);
    }

    private static IEnumerable<string> Cwes(List<JsonElement> containers)
    {
        foreach (var container in containers)
        {
            foreach (var problem in JsonValues.Items(container, "problemTypes"))
            {
                foreach (var d in JsonValues.Items(problem, "descriptions"))
                {
                    if (JsonValues.NonEmpty(d, "cweId") is { } cwe)
                    {
                        yield return cwe;
                    }
                }
            }
        }
    }

    private static List<string> References(List<JsonElement> containers)
    {
        var list = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in containers)
        {
            foreach (var r in JsonValues.Items(container, "references"))
            {
                JsonValues.AddDistinct(list, seen, JsonValues.NonEmpty(r, "url"));
            }
        }

        return list;
    }

    private static (List<CpeConfiguration>, List<PackageAffected>) Affected(List<JsonElement> containers)
    {
        var configurations = new List<CpeConfiguration>();
        var packages = new List<PackageAffected>();
        foreach (var container in containers)
        {
            foreach (var affected in JsonValues.Items(container, "affected"))
            {
                if (configurations.Count + packages.Count >= MaxItems || affected.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var intervals = Cve5Versions.Intervals(affected, out var defaultStatus);
                var cpes = Cpes(affected);
                if (cpes.Count > 0)
                {
                    if (CpeConfigurationOf(cpes, intervals) is { } configuration)
                    {
                        configurations.Add(configuration);
                    }
                }
                else if ((JsonValues.NonEmpty(affected, "product") ?? JsonValues.NonEmpty(affected, "packageName")) is { } product)
                {
                    packages.Add(PackageOf(affected, product, intervals, defaultStatus));
                }
            }

            foreach (var applicability in JsonValues.Items(container, "cpeApplicability"))
            {
                if (configurations.Count < MaxItems && CpeApplicability.Parse(applicability) is { } configuration)
                {
                    configurations.Add(configuration);
                }
            }
        }

        return (configurations, packages);
    }

    private static List<string> Cpes(JsonElement affected)
    {
        var list = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in JsonValues.Items(affected, "cpes"))
        {
            if (JsonValues.StringOf(c) is { } cpe && cpe.StartsWith("cpe:2.3:", StringComparison.OrdinalIgnoreCase) && list.Count < MaxItems)
            {
                JsonValues.AddDistinct(list, seen, cpe.Trim());
            }
        }

        return list;
    }

    /// <summary>One OR node: each CPE once per affected stretch (a CPE that names its own version stands alone).</summary>
    private static CpeConfiguration? CpeConfigurationOf(List<string> cpes, List<AffectedInterval> intervals)
    {
        var matches = new List<CpeMatch>();
        foreach (var cpe in cpes)
        {
            if (!CpeApplicability.VersionIsAny(cpe))
            {
                matches.Add(new CpeMatch { Vulnerable = true, Criteria = cpe });
                continue;
            }

            foreach (var i in intervals)
            {
                matches.Add(new CpeMatch
                {
                    Vulnerable = true,
                    Criteria = cpe,
                    VersionStartIncluding = i.StartIncluding,
                    VersionStartExcluding = i.StartExcluding,
                    VersionEndExcluding = i.EndExcluding,
                    VersionEndIncluding = i.EndIncluding,
                });
            }
        }

        return matches.Count == 0 ? null : new CpeConfiguration(CpeOperator.Or, false, [new CpeNode(CpeOperator.Or, false, matches)]);
    }

    /// <summary>
    /// Exact versions are listed; each other stretch is a range of <c>introduced</c>/<c>fixed</c>/<c>last_affected</c>
    /// events. The default status is what holds outside them (see <see cref="Cve5Versions.Intervals"/>), so a matcher
    /// that applies it to versions in no range agrees with the record.
    /// </summary>
    private static PackageAffected PackageOf(JsonElement affected, string product, List<AffectedInterval> intervals, string? defaultStatus)
    {
        var ranges = new List<PackageRange>();
        var versions = new List<string>();
        // CNAs write "semver" for versions that are not SemVer (the Linux CNA's "4.19"), so CVE 5 ranges are ordered
        // by the product's own version rules, as OSV's ECOSYSTEM ranges are.
        const string type = "ECOSYSTEM";
        foreach (var i in intervals)
        {
            if (i.IsExact)
            {
                versions.Add(i.StartIncluding!); // IsExact means StartIncluding is set.
                continue;
            }

            // OSV events have no exclusive start; an exclusive start (the end of an inclusive unaffected range) is
            // kept as "introduced", erring towards reporting that one version.
            List<RangeEvent> events = [new("introduced", i.StartIncluding ?? i.StartExcluding ?? "0")];
            if (i.EndExcluding is { } fixedAt)
            {
                events.Add(new RangeEvent("fixed", fixedAt));
            }
            else if (i.EndIncluding is { } last)
            {
                events.Add(new RangeEvent("last_affected", last));
            }

            ranges.Add(new PackageRange(type, events));
        }

        return new PackageAffected
        {
            Name = product,
            Vendor = JsonValues.NonEmpty(affected, "vendor"),
            Ranges = ranges,
            Versions = versions,
            DefaultStatus = defaultStatus,
        };
    }
}
