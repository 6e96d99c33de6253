using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>Writes <c>policy</c> of the JSON report: the verdict, every violation, the waivers applied, expired and stale.</summary>
internal static class PolicyJsonWriter
{
    public static void Write(Utf8JsonWriter w, PolicyOutcome? outcome)
    {
        if (outcome is null)
        {
            w.WriteNull("policy");
            return;
        }

        w.WriteStartObject("policy");
        w.WriteString("file", outcome.PolicyFile);
        w.WriteString("verdict", PolicyVerdictNames.Of(outcome.Verdict));
        w.WriteStartArray("violations");
        foreach (var v in outcome.Violations)
        {
            WriteViolation(w, v);
        }

        w.WriteEndArray();
        w.WriteStartObject("waivers");
        w.WriteStartArray("applied");
        foreach (var use in outcome.Applied)
        {
            w.WriteStartObject();
            WriteWaiverFields(w, use.Waiver);
            w.WriteNumber("count", use.Fingerprints.Count);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteWaivers(w, "expired", outcome.Expired);
        WriteWaivers(w, "stale", outcome.Stale);
        w.WriteEndObject();
        w.WriteNumber("uncovered", outcome.Uncovered.Count);
        w.WriteEndObject();
    }

    /// <summary>Report names of <see cref="ViolationKind"/>.</summary>
    public static string KindName(ViolationKind kind) => kind switch
    {
        ViolationKind.Vulnerability => "vulnerability",
        ViolationKind.Hardening => "hardening",
        ViolationKind.Component => "component",
        ViolationKind.Completeness => "completeness",
        ViolationKind.Database => "database",
        _ => "finding",
    };

    /// <summary>A waiver's expiry as written in the policy file.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>One violation as the report's <c>policy.violations[]</c> and the policy diff write it.</summary>
    internal static void WriteViolation(Utf8JsonWriter w, Violation v)
    {
        w.WriteStartObject();
        w.WriteString("kind", KindName(v.Kind));
        w.WriteString("ruleId", v.RuleId);
        w.WriteString("ref", v.Ref);
        w.WriteString("fingerprint", v.Fingerprint);
        w.WriteString("message", v.Message);
        w.WriteString("location", v.Location);
        w.WriteString("path", v.Path);
        w.WriteString("severity", v.Severity is { } severity ? SeverityNames.Of(severity) : null);
        w.WriteString("level", PolicyLevelNames.Of(v.Level));
        w.WriteString("policyRule", v.PolicyRule);
        w.WriteNumberOrNull("policyLine", v.PolicyPosition?.Line);
        w.WriteNumberOrNull("policyColumn", v.PolicyPosition?.Column);
        w.WriteString("waived", v.WaivedBy?.Id);
        w.WriteBoolean("inBaseline", v.InBaseline);
        w.WriteBoolean("fails", v.Fails);
        w.WriteEndObject();
    }

    private static void WriteWaivers(Utf8JsonWriter w, string name, IReadOnlyList<Waiver> waivers)
    {
        w.WriteStartArray(name);
        foreach (var waiver in waivers)
        {
            w.WriteStartObject();
            WriteWaiverFields(w, waiver);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteWaiverFields(Utf8JsonWriter w, Waiver waiver)
    {
        w.WriteString("id", waiver.Id);
        w.WriteString("reason", waiver.Reason);
        w.WriteString("owner", waiver.Owner);
        w.WriteString("expires", Date(waiver.Expires));
        w.WriteNumberOrNull("line", waiver.Position?.Line);
    }
}
