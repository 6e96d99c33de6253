using System.Globalization;
using System.Text;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Vulnerabilities;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// The rules of a SARIF log: one per check or policy rule id reported (from <see cref="RuleCatalog"/>, help in
/// <c>docs/</c>), one per vulnerability record id (its description, severity and CVSS score as GitHub's
/// <c>security-severity</c>).
/// </summary>
internal static class SarifRules
{
    /// <summary>Where the documentation links point: the repository's default branch on GitHub.</summary>
    public const string DocsBaseUrl = "https://github.com/firmwaregate/firmwaregate/blob/main/";

    private const int MaxDescription = 1_000;

    /// <summary>A check or policy rule; <paramref name="worst"/> is the worst severity among its results.</summary>
    public static SarifRule Check(string id, Severity? worst)
    {
        var info = RuleCatalog.Find(id) ?? new RuleInfo(id, $"FirmwareGate rule {id}", "docs/policy.md");
        string uri = DocsBaseUrl + info.Doc + (info.Anchor.Length > 0 ? "#" + info.Anchor : "");
        string area = id.Split('.')[0];
        string full = $"{info.Title}. FirmwareGate reports it as {id}; the policy file decides its level and waivers can set it aside.";
        string markdown = $"**{info.Title}** (`{id}`)\n\nThe policy file decides whether this fails the gate (see the [policy documentation]({DocsBaseUrl}docs/policy.md)). "
            + $"What the rule checks and how to fix it: [{info.Doc}]({uri}).";
        return new SarifRule(id, PascalName(id), info.Title, full, markdown, uri, worst is { } s ? SecuritySeverity(s) : null, ["firmware", "security", area]);
    }

    /// <summary>A vulnerability record (from the scan, when it is there).</summary>
    public static SarifRule Vulnerability(string id, Vulnerability? v, string? severity, double? score)
    {
        var r = v?.Record;
        string description = Bounded(r?.Description is { Length: > 0 } d ? d : $"Vulnerability {id}.");
        score ??= v?.Rating?.Score;
        severity ??= v?.Severity ?? "unknown";
        var md = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"**{id}**: {description}\n\n")
            .Append(CultureInfo.InvariantCulture, $"Severity: {severity}")
            .Append(score is { } sc ? string.Create(CultureInfo.InvariantCulture, $" (CVSS {sc:0.0})") : "")
            .Append(v?.KnownExploited == true ? ". Listed in CISA's known exploited vulnerabilities catalogue." : ".")
            .Append(CultureInfo.InvariantCulture, $"\n\nDetails: [{id}]({SourceUrl(id, r?.Source)}). How FirmwareGate matches and rates it: [docs/vulnerabilities.md]({DocsBaseUrl}docs/vulnerabilities.md).");
        var tags = new List<string> { "security", "vulnerability" };
        tags.AddRange((r?.Cwes ?? []).Where(c => c.StartsWith("CWE-", StringComparison.OrdinalIgnoreCase)).Select(c => "external/cwe/cwe-" + c[4..].ToLowerInvariant()));
        var properties = new List<(string, string)> { ("severity", severity) };
        if (score is { } cvss)
        {
            properties.Add(("cvss", cvss.ToString("0.0", CultureInfo.InvariantCulture)));
        }

        if (v?.KnownExploited == true)
        {
            properties.Add(("knownExploited", "true"));
        }

        return new SarifRule(id, PascalName(id), Bounded(FirstSentence(description), 200), description, md.ToString(), SourceUrl(id, r?.Source),
            score is { } s2 ? s2.ToString("0.0", CultureInfo.InvariantCulture) : SeverityScore(severity), [.. tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)])
        {
            Properties = properties,
        };
    }

    /// <summary>GitHub's security-severity for a finding severity (its bands: critical over 9.0, high 7.0 to 8.9, medium 4.0 to 6.9, low below).</summary>
    public static string? SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "2.0",
        _ => null,
    };

    private static string? SeverityScore(string severity) => severity switch
    {
        "critical" => "9.5",
        "high" => "8.0",
        "medium" => "5.5",
        "low" => "2.0",
        _ => null,
    };

    private static string SourceUrl(string id, string? source) => source switch
    {
        "osv" => "https://osv.dev/vulnerability/" + Uri.EscapeDataString(id),
        "cve5" => "https://www.cve.org/CVERecord?id=" + Uri.EscapeDataString(id),
        _ when id.StartsWith("CVE-", StringComparison.Ordinal) => "https://nvd.nist.gov/vuln/detail/" + Uri.EscapeDataString(id),
        _ => "https://osv.dev/vulnerability/" + Uri.EscapeDataString(id),
    };

    /// <summary><c>cert.self-signed-leaf</c> becomes <c>CertSelfSignedLeaf</c>.</summary>
    private static string PascalName(string id)
    {
        var sb = new StringBuilder(id.Length);
        bool upper = true;
        foreach (char c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                upper = true;
                continue;
            }

            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return sb.ToString();
    }

    private static string FirstSentence(string text)
    {
        int end = text.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? text[..(end + 1)] : text;
    }

    private static string Bounded(string text, int max = MaxDescription)
    {
        string one = text.ReplaceLineEndings(" ").Trim();
        return one.Length <= max ? one : one[..(max - 3)] + "...";
    }
}
