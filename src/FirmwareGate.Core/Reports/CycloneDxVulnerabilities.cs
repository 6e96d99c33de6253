using System.Globalization;
using CycloneDX.Models;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Vulnerabilities;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;
using CdxRating = CycloneDX.Models.Vulnerabilities.Rating;
using CdxSeverity = CycloneDX.Models.Vulnerabilities.Severity;
using CdxVulnerability = CycloneDX.Models.Vulnerabilities.Vulnerability;
using ScoreMethod = CycloneDX.Models.Vulnerabilities.ScoreMethod;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// The SBOM's <c>vulnerabilities[]</c>: one entry per record and component, with the source, CVSS ratings, CWEs,
/// description, dates, advisories, the component it <c>affects</c>, and FirmwareGate properties for what CycloneDX
/// has no field for (how it matched, CISA KEV, EPSS). Undecidable and unconfirmed matches carry an
/// <c>analysis</c> with state <c>in_triage</c> and the reason; vulnerabilities a policy waiver sets aside carry the
/// waiver's analysis instead (VEX).
/// </summary>
internal static class CycloneDxVulnerabilities
{
    /// <param name="results">The vulnerability stage's results.</param>
    /// <param name="versionsByRef">Component versions by bom-ref.</param>
    /// <param name="waiversByRef">Waivers of waived vulnerabilities by their ref (<c>ID@bomRef</c>).</param>
    public static List<CdxVulnerability>? Of(VulnerabilityResults results, IReadOnlyDictionary<string, string?> versionsByRef, IReadOnlyDictionary<string, Waiver> waiversByRef)
    {
        if (results.Items.Count == 0)
        {
            return null;
        }

        return [.. results.Items.Select(v => WithWaiver(ToCdx(v, versionsByRef.GetValueOrDefault(v.ComponentRef)), waiversByRef.GetValueOrDefault(v.Id + "@" + v.ComponentRef)))];
    }

    /// <summary>Waivers of the waived vulnerabilities by ref (<c>ID@bomRef</c>); the first violation's waiver wins.</summary>
    public static Dictionary<string, Waiver> WaiversByRef(PolicyOutcome? policy)
    {
        var byRef = new Dictionary<string, Waiver>(StringComparer.Ordinal);
        foreach (var v in policy?.Violations ?? [])
        {
            if (v is { Kind: ViolationKind.Vulnerability, WaivedBy: { } waiver })
            {
                byRef.TryAdd(v.Ref, waiver);
            }
        }

        return byRef;
    }

    private static CdxVulnerability WithWaiver(CdxVulnerability cdx, Waiver? waiver)
    {
        if (waiver is not null)
        {
            cdx.Analysis = CycloneDxVex.Analysis(waiver);
        }

        return cdx;
    }

    private static CdxVulnerability ToCdx(Vulnerability v, string? componentVersion)
    {
        var r = v.Record;
        var cdx = new CdxVulnerability
        {
            BomRef = $"vulnerability:{r.Id}:{v.ComponentRef}",
            Id = r.Id,
            Source = SourceOf(r),
            Ratings = r.Ratings.Count > 0 ? [.. r.Ratings.Select(Rating)] : null,
            CWES = Cwes(r.Cwes),
            Description = r.Description,
            Published = r.Published?.UtcDateTime,
            Updated = r.LastModified?.UtcDateTime,
            Advisories = r.References.Count > 0 ? [.. r.References.Select(url => new CycloneDX.Models.Vulnerabilities.Advisory { Url = url })] : null,
            Affects =
            [
                new CycloneDX.Models.Vulnerabilities.Affects
                {
                    Ref = v.ComponentRef,
                    Versions = componentVersion is null ? null :
                    [
                        new CycloneDX.Models.Vulnerabilities.AffectedVersions
                        {
                            Version = componentVersion,
                            Status = v.Match.Verdict == MatchVerdict.Affected ? CycloneDX.Models.Vulnerabilities.Status.Affected : CycloneDX.Models.Vulnerabilities.Status.Unknown,
                        },
                    ],
                },
            ],
            Properties = Properties(v),
        };

        if (v.Match.Verdict != MatchVerdict.Affected)
        {
            cdx.Analysis = new CycloneDX.Models.Vulnerabilities.Analysis
            {
                State = CycloneDX.Models.Vulnerabilities.ImpactAnalysisState.In_Triage,
                Detail = v.Match.Reason ?? (v.Match.Verdict == MatchVerdict.NoCpeData ? "the record has no CPE or package data yet; matched by its description only" : "could not be decided"),
            };
        }

        return cdx;
    }

    private static Source SourceOf(VulnerabilityRecord r) => r.Source switch
    {
        "nvd" => new Source { Name = "NVD", Url = "https://nvd.nist.gov/vuln/detail/" + r.Id },
        "osv" => new Source { Name = "OSV", Url = "https://osv.dev/vulnerability/" + r.Id },
        "cve5" => new Source { Name = "CVE", Url = "https://www.cve.org/CVERecord?id=" + r.Id },
        _ => new Source { Name = r.Source },
    };

    private static CdxRating Rating(CvssRating rating) => new()
    {
        Source = rating.Source is { Length: > 0 } s ? new Source { Name = s } : null,
        Score = rating.Score,
        Severity = rating.Severity switch
        {
            "critical" => CdxSeverity.Critical,
            "high" => CdxSeverity.High,
            "medium" => CdxSeverity.Medium,
            "low" => CdxSeverity.Low,
            "none" => CdxSeverity.None,
            _ => CdxSeverity.Unknown,
        },
        Method = rating.Version switch
        {
            "2.0" => ScoreMethod.CVSSV2,
            "3.0" => ScoreMethod.CVSSV3,
            "3.1" => ScoreMethod.CVSSV31,
            "4.0" => ScoreMethod.CVSSV4,
            _ => ScoreMethod.Other,
        },
        Vector = rating.Vector,
    };

    private static List<int>? Cwes(IReadOnlyList<string> cwes)
    {
        var ids = cwes
            .Select(c => c.StartsWith("CWE-", StringComparison.OrdinalIgnoreCase) && int.TryParse(c.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id : -1)
            .Where(id => id >= 0)
            .Distinct()
            .Order()
            .ToList();
        return ids.Count > 0 ? ids : null;
    }

    private static List<Property> Properties(Vulnerability v)
    {
        var properties = new List<Property>
        {
            CycloneDxReportWriter.Property("match:verdict", MatchVerdictNames.Of(v.Match.Verdict)),
            CycloneDxReportWriter.Property("match:method", v.Match.Method),
        };
        if (v.Match.Entry is { } entry)
        {
            properties.Add(CycloneDxReportWriter.Property("match:entry", entry));
        }

        properties.Add(CycloneDxReportWriter.Property("known-exploited", v.KnownExploited ? "true" : "false"));
        if (v.Kev is { DateAdded: { } added })
        {
            properties.Add(CycloneDxReportWriter.Property("kev:date-added", added));
        }

        if (v.Epss is { } epss)
        {
            properties.Add(CycloneDxReportWriter.Property("epss:score", epss.Score.ToString("0.#####", CultureInfo.InvariantCulture)));
            properties.Add(CycloneDxReportWriter.Property("epss:percentile", epss.Percentile.ToString("0.#####", CultureInfo.InvariantCulture)));
        }

        return properties;
    }
}
