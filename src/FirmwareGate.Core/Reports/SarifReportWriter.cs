using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Writes the gate's SARIF 2.1.0 log (docs/sarif.md): one run, one rule per rule id reported, one result per
/// violation (waived ones with an accepted external suppression) and per finding no policy rule covers, partial
/// fingerprints that survive rebuilds, and, when the policy file lies in the repository, a physical location at the
/// policy line that decided each result. Deterministic: the same report gives the same bytes.
/// </summary>
public static class SarifReportWriter
{
    /// <summary>The SARIF version written.</summary>
    public const string Version = "2.1.0";

    /// <summary>The schema <c>$schema</c> names (the OASIS 2.1.0 schema, errata 01).</summary>
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    /// <summary>The key of the partial fingerprint every result carries (the violation's or finding's fingerprint).</summary>
    public const string FingerprintKey = "firmwaregate/v1";

    /// <summary>FirmwareGate's home (<c>tool.driver.informationUri</c>).</summary>
    public const string InformationUri = "https://github.com/firmwaregate/firmwaregate";

    private const int MaxNotifications = 100;

    /// <summary>Writes the SARIF log to a stream: UTF-8, indented, LF line endings, a final newline.</summary>
    public static void Write(GateReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" };
        using (var w = new Utf8JsonWriter(output, options))
        {
            WriteLog(w, report);
        }

        output.Write("\n"u8);
    }

    /// <summary>The SARIF log as JSON text.</summary>
    public static string ToJson(GateReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var ms = new MemoryStream();
        Write(report, ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteLog(Utf8JsonWriter w, GateReport report)
    {
        var results = SarifResult.Of(report);
        var rules = Rules(report, results);
        var ruleIndex = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var policyArtifact = SarifLocations.PolicyArtifact(report);

        w.WriteStartObject();
        w.WriteString("$schema", SchemaUri);
        w.WriteString("version", Version);
        w.WriteStartArray("runs");
        w.WriteStartObject();
        WriteTool(w, report, rules);
        if (report.SarifCategory is { } category)
        {
            w.WriteStartObject("automationDetails");
            w.WriteString("id", category);
            w.WriteEndObject();
        }

        WriteInvocation(w, report);
        w.WriteStartArray("results");
        foreach (var result in results)
        {
            WriteResult(w, report, result, ruleIndex[result.RuleId], policyArtifact);
        }

        w.WriteEndArray();
        w.WriteString("columnKind", "utf16CodeUnits");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static List<SarifRule> Rules(GateReport report, IReadOnlyList<SarifResult> results)
    {
        var rules = new List<SarifRule>();
        foreach (var group in results.GroupBy(r => r.RuleId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (group.Any(r => r.Violation?.Kind == ViolationKind.Vulnerability))
            {
                var vuln = report.Scan.Vulnerabilities.Items.Where(v => v.Id == group.Key).OrderBy(v => v.ComponentRef, StringComparer.Ordinal).FirstOrDefault();
                var fact = report.Facts.Vulnerabilities.Where(v => v.Id == group.Key).OrderBy(v => v.ComponentRef, StringComparer.Ordinal).FirstOrDefault();
                rules.Add(SarifRules.Vulnerability(group.Key, vuln, vuln is null ? fact?.Severity : null, vuln is null ? fact?.Score : null));
            }
            else
            {
                var worst = group.Select(r => r.Severity).OfType<Severity>().DefaultIfEmpty(Severity.Info).Max();
                rules.Add(SarifRules.Check(group.Key, group.Any(r => r.Severity is not null) ? worst : null));
            }
        }

        return rules;
    }

    private static void WriteTool(Utf8JsonWriter w, GateReport report, List<SarifRule> rules)
    {
        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "FirmwareGate");
        w.WriteString("version", report.ToolVersion);
        w.WriteString("informationUri", InformationUri);
        w.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            WriteRule(w, rule);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter w, SarifRule rule)
    {
        w.WriteStartObject();
        w.WriteString("id", rule.Id);
        w.WriteString("name", rule.Name);
        w.WriteStartObject("shortDescription");
        w.WriteString("text", rule.Short);
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", rule.Full);
        w.WriteEndObject();
        w.WriteStartObject("help");
        w.WriteString("text", rule.Full + " See " + rule.HelpUri);
        w.WriteString("markdown", rule.HelpMarkdown);
        w.WriteEndObject();
        w.WriteString("helpUri", rule.HelpUri);
        w.WriteStartObject("properties");
        w.WriteStartArray("tags");
        foreach (var tag in rule.Tags)
        {
            w.WriteStringValue(tag);
        }

        w.WriteEndArray();
        if (rule.SecuritySeverity is { } securitySeverity)
        {
            w.WriteString("security-severity", securitySeverity);
        }

        foreach (var (name, value) in rule.Properties)
        {
            w.WriteString(name, value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteInvocation(Utf8JsonWriter w, GateReport report)
    {
        w.WriteStartArray("invocations");
        w.WriteStartObject();
        w.WriteNumber("exitCode", report.Outcome.ExitCode);
        w.WriteString("exitCodeDescription", PolicyVerdictNames.Of(report.Outcome.Verdict));

        // The tool ran to the end: a failed or incomplete verdict is its result, not a failure to execute.
        w.WriteBoolean("executionSuccessful", true);
        var gaps = report.Facts.Warnings.Concat(report.Facts.LimitsHit.Select(l => "limit reached: " + l)).ToList();
        if (gaps.Count > 0)
        {
            w.WriteStartArray("toolExecutionNotifications");
            foreach (string gap in gaps.Take(MaxNotifications))
            {
                WriteNotification(w, gap);
            }

            if (gaps.Count > MaxNotifications)
            {
                WriteNotification(w, $"... and {gaps.Count - MaxNotifications} more analysis warnings (see the JSON report)");
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteNotification(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("level", "warning");
        w.WriteStartObject("message");
        w.WriteString("text", text);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, GateReport report, SarifResult result, int ruleIndex, string? policyArtifact)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", result.RuleId);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", result.Level);
        w.WriteStartObject("message");
        w.WriteString("text", result.Message);
        w.WriteEndObject();
        w.WriteStartArray("locations");
        w.WriteStartObject();
        if (policyArtifact is not null)
        {
            SarifLocations.WritePhysical(w, policyArtifact, result.Violation?.PolicyPosition);
        }

        SarifLocations.WriteLogical(w, report.Facts.ImageName, result.Location, result.Path);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("partialFingerprints");
        w.WriteString(FingerprintKey, result.Fingerprint);
        w.WriteEndObject();
        if (report.Outcome.HasBaseline && result.Violation is { } inBaseline)
        {
            w.WriteString("baselineState", inBaseline.InBaseline ? "unchanged" : "new");
        }

        if (result.Violation?.WaivedBy is { } waiver)
        {
            WriteSuppression(w, waiver);
        }

        WriteResultProperties(w, result);
        w.WriteEndObject();
    }

    private static void WriteSuppression(Utf8JsonWriter w, Waiver waiver)
    {
        w.WriteStartArray("suppressions");
        w.WriteStartObject();
        w.WriteString("kind", "external");
        w.WriteString("status", "accepted");
        w.WriteString("justification", waiver.Reason);
        w.WriteStartObject("properties");
        w.WriteString("waiver", waiver.Id);
        w.WriteString("owner", waiver.Owner);
        w.WriteString("expires", PolicyJsonWriter.Date(waiver.Expires));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteResultProperties(Utf8JsonWriter w, SarifResult result)
    {
        w.WriteStartObject("properties");
        if (result.Violation is { } v)
        {
            w.WriteString("kind", PolicyJsonWriter.KindName(v.Kind));
            w.WriteString("policyRule", v.PolicyRule);
            w.WriteBoolean("fails", v.Fails);
        }
        else
        {
            w.WriteString("kind", "finding");
            w.WriteBoolean("uncovered", true);
            w.WriteBoolean("fails", false);
        }

        if (result.Severity is { } severity)
        {
            w.WriteString("severity", SeverityNames.Of(severity));
        }

        w.WriteEndObject();
    }
}
