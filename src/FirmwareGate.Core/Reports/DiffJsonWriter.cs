using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Writes <c>firmwaregate diff --json</c> (a <see cref="ScanDiff"/>) and <c>policy diff --json</c> (a
/// <see cref="PolicyDiff"/>) as JSON (docs/diff.md): a <c>kind</c>, the summary counts, then the lists in the diff's
/// order. Deterministic: the same diff gives the same bytes (indented, LF line endings, a final newline).
/// </summary>
public static class DiffJsonWriter
{
    /// <summary>Schema version of both documents.</summary>
    public const string SchemaVersion = "1";

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" };

    /// <summary>Writes a scan diff to a stream.</summary>
    public static void Write(ScanDiff diff, Stream output)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(output);
        using (var w = new Utf8JsonWriter(output, Options))
        {
            WriteScanDiff(w, diff);
        }

        output.Write("\n"u8);
    }

    /// <summary>Writes a policy diff to a stream.</summary>
    public static void Write(PolicyDiff diff, Stream output)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(output);
        using (var w = new Utf8JsonWriter(output, Options))
        {
            WritePolicyDiff(w, diff);
        }

        output.Write("\n"u8);
    }

    /// <summary>A scan diff as a string.</summary>
    public static string ToJson(ScanDiff diff)
    {
        using var ms = new MemoryStream();
        Write(diff, ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>A policy diff as a string.</summary>
    public static string ToJson(PolicyDiff diff)
    {
        using var ms = new MemoryStream();
        Write(diff, ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteScanDiff(Utf8JsonWriter w, ScanDiff diff)
    {
        w.WriteStartObject();
        w.WriteString("schemaVersion", SchemaVersion);
        w.WriteString("kind", "scan-diff");
        w.WriteString("before", diff.Before);
        w.WriteString("after", diff.After);
        w.WriteStartObject("summary");
        w.WriteNumber("added", diff.Added.Count);
        w.WriteNumber("removed", diff.Removed.Count);
        w.WriteNumber("upgraded", diff.Upgraded.Count);
        w.WriteNumber("downgraded", diff.Downgraded.Count);
        w.WriteNumber("changed", diff.Changed.Count);
        w.WriteNumber("introduced", diff.Introduced.Count);
        w.WriteNumber("fixed", diff.Fixed.Count);
        w.WriteNumber("newFindings", diff.NewFindings.Count);
        w.WriteNumber("goneFindings", diff.GoneFindings.Count);
        w.WriteEndObject();

        w.WriteStartObject("components");
        WriteComponents(w, "added", diff.Added);
        WriteComponents(w, "removed", diff.Removed);
        WriteChanges(w, "upgraded", diff.Upgraded);
        WriteChanges(w, "downgraded", diff.Downgraded);
        WriteChanges(w, "changed", diff.Changed);
        w.WriteEndObject();

        w.WriteStartObject("vulnerabilities");
        WriteVulnerabilities(w, "introduced", diff.Introduced);
        WriteVulnerabilities(w, "fixed", diff.Fixed);
        w.WriteEndObject();

        w.WriteStartObject("findings");
        FindingJsonWriter.Write(w, "new", diff.NewFindings);
        FindingJsonWriter.Write(w, "gone", diff.GoneFindings);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteComponents(Utf8JsonWriter w, string name, IReadOnlyList<ComponentFact> components)
    {
        w.WriteStartArray(name);
        foreach (var c in components)
        {
            WriteComponent(w, c);
        }

        w.WriteEndArray();
    }

    private static void WriteComponent(Utf8JsonWriter w, ComponentFact c)
    {
        w.WriteStartObject();
        w.WriteString("bomRef", c.BomRef);
        w.WriteString("name", c.Name);
        w.WriteString("version", c.Version);
        w.WriteString("purl", c.Purl);
        w.WriteString("cpe", c.Cpe);
        w.WriteString("location", c.Location);
        w.WriteEndObject();
    }

    private static void WriteChanges(Utf8JsonWriter w, string name, IReadOnlyList<ComponentChange> changes)
    {
        w.WriteStartArray(name);
        foreach (var change in changes)
        {
            w.WriteStartObject();
            w.WriteString("name", change.After.Name);
            w.WriteString("key", change.After.Key);
            w.WriteString("from", change.Before.Version);
            w.WriteString("to", change.After.Version);
            w.WritePropertyName("before");
            WriteComponent(w, change.Before);
            w.WritePropertyName("after");
            WriteComponent(w, change.After);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteVulnerabilities(Utf8JsonWriter w, string name, IReadOnlyList<VulnerabilityFact> vulnerabilities)
    {
        w.WriteStartArray(name);
        foreach (var v in vulnerabilities)
        {
            w.WriteStartObject();
            w.WriteString("id", v.Id);
            w.WriteString("componentRef", v.ComponentRef);
            w.WriteString("component", v.ComponentName);
            w.WriteString("componentVersion", v.ComponentVersion);
            w.WriteString("verdict", v.Verdict);
            w.WriteString("severity", v.Severity);
            WriteNumberOrNull(w, "score", v.Score);
            w.WriteBoolean("knownExploited", v.KnownExploited);
            WriteNumberOrNull(w, "epss", v.Epss);
            w.WriteString("location", v.Location);
            w.WriteString("fingerprint", v.Fingerprint);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WritePolicyDiff(Utf8JsonWriter w, PolicyDiff diff)
    {
        w.WriteStartObject();
        w.WriteString("schemaVersion", SchemaVersion);
        w.WriteString("kind", "policy-diff");
        WriteOutcome(w, "old", diff.Old);
        WriteOutcome(w, "new", diff.New);
        w.WriteBoolean("verdictChanged", diff.Old.Verdict != diff.New.Verdict);
        w.WriteStartObject("summary");
        w.WriteNumber("startFailing", diff.StartFailing.Count);
        w.WriteNumber("stopFailing", diff.StopFailing.Count);
        w.WriteNumber("levelChanged", diff.LevelChanged.Count);
        w.WriteNumber("waiversAdded", diff.WaiversAdded.Count);
        w.WriteNumber("waiversRemoved", diff.WaiversRemoved.Count);
        w.WriteEndObject();
        WriteViolations(w, "startFailing", diff.StartFailing);
        WriteViolations(w, "stopFailing", diff.StopFailing);
        w.WriteStartArray("levelChanged");
        foreach (var (before, after) in diff.LevelChanged)
        {
            var any = after ?? before;
            w.WriteStartObject();
            w.WriteString("ruleId", any?.RuleId);
            w.WriteString("fingerprint", any?.Fingerprint);
            w.WriteString("from", before is null ? null : PolicyLevelNames.Of(before.Level));
            w.WriteString("to", after is null ? null : PolicyLevelNames.Of(after.Level));
            w.WritePropertyName("old");
            WriteViolationOrNull(w, before);
            w.WritePropertyName("new");
            WriteViolationOrNull(w, after);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteWaivers(w, "waiversAdded", diff.WaiversAdded);
        WriteWaivers(w, "waiversRemoved", diff.WaiversRemoved);
        w.WriteEndObject();
    }

    private static void WriteOutcome(Utf8JsonWriter w, string name, PolicyOutcome outcome)
    {
        w.WriteStartObject(name);
        w.WriteString("policy", outcome.PolicyFile);
        w.WriteString("verdict", PolicyVerdictNames.Of(outcome.Verdict));
        w.WriteNumber("exitCode", outcome.ExitCode);
        w.WriteNumber("failing", outcome.Failing.Count());
        w.WriteNumber("errors", outcome.Count(PolicyLevel.Error));
        w.WriteNumber("warnings", outcome.Count(PolicyLevel.Warning));
        w.WriteNumber("notes", outcome.Count(PolicyLevel.Note));
        w.WriteNumber("waived", outcome.Violations.Count(v => v.WaivedBy is not null));
        w.WriteNumber("expiredWaivers", outcome.Expired.Count);
        w.WriteNumber("staleWaivers", outcome.Stale.Count);
        w.WriteEndObject();
    }

    private static void WriteViolations(Utf8JsonWriter w, string name, IReadOnlyList<Violation> violations)
    {
        w.WriteStartArray(name);
        foreach (var v in violations)
        {
            WriteViolationOrNull(w, v);
        }

        w.WriteEndArray();
    }

    private static void WriteViolationOrNull(Utf8JsonWriter w, Violation? v)
    {
        if (v is null)
        {
            w.WriteNullValue();
            return;
        }

        PolicyJsonWriter.WriteViolation(w, v);
    }

    private static void WriteWaivers(Utf8JsonWriter w, string name, IReadOnlyList<Waiver> waivers)
    {
        w.WriteStartArray(name);
        foreach (var waiver in waivers)
        {
            w.WriteStartObject();
            w.WriteString("id", waiver.Id);
            w.WriteString("position", waiver.Position?.ToString());
            w.WriteString("cve", waiver.Cve);
            w.WriteString("rule", waiver.Rule);
            w.WriteString("path", waiver.Path);
            w.WriteString("component", waiver.Component);
            w.WriteString("versions", waiver.Versions?.Text);
            w.WriteString("reason", waiver.Reason);
            w.WriteString("owner", waiver.Owner);
            w.WriteString("expires", waiver.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
