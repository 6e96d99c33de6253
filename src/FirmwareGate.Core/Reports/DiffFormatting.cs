using System.Globalization;
using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>Words the diff renderings share: summary lines, names, what a waiver covers.</summary>
internal static class DiffFormatting
{
    /// <summary>One line: what changed in the components, vulnerabilities and findings, or "no changes".</summary>
    public static string ScanSummary(ScanDiff diff)
    {
        if (diff.IsEmpty)
        {
            return "no changes in components, vulnerabilities or findings";
        }

        var components = new[]
        {
            (diff.Upgraded.Count, "upgraded"), (diff.Downgraded.Count, "downgraded"), (diff.Changed.Count, "changed"),
            (diff.Added.Count, "added"), (diff.Removed.Count, "removed"),
        }.Where(p => p.Item1 > 0).Select(p => $"{p.Item1.ToString(CultureInfo.InvariantCulture)} {p.Item2}").ToList();
        var parts = new List<string>
        {
            components.Count == 0 ? "components unchanged" : "components: " + string.Join(", ", components),
            $"vulnerabilities: {diff.Introduced.Count.ToString(CultureInfo.InvariantCulture)} introduced, {diff.Fixed.Count.ToString(CultureInfo.InvariantCulture)} fixed",
            $"findings: {diff.NewFindings.Count.ToString(CultureInfo.InvariantCulture)} new, {diff.GoneFindings.Count.ToString(CultureInfo.InvariantCulture)} gone",
        };
        return string.Join("; ", parts);
    }

    /// <summary>One line: the verdicts and the counts of what changes.</summary>
    public static string PolicySummary(PolicyDiff diff)
    {
        string verdict = diff.Old.Verdict == diff.New.Verdict
            ? $"verdict stays {PolicyVerdictNames.Of(diff.New.Verdict)}"
            : $"verdict {PolicyVerdictNames.Of(diff.Old.Verdict)} -> {PolicyVerdictNames.Of(diff.New.Verdict)} (exit {diff.Old.ExitCode.ToString(CultureInfo.InvariantCulture)} -> {diff.New.ExitCode.ToString(CultureInfo.InvariantCulture)})";
        return $"{verdict}; start failing: {N(diff.StartFailing.Count)}, stop failing: {N(diff.StopFailing.Count)}, level changed: {N(diff.LevelChanged.Count)}; "
            + $"waivers added: {N(diff.WaiversAdded.Count)}, removed: {N(diff.WaiversRemoved.Count)}";
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>What a waiver covers: <c>cve CVE-2023-1, component zlib &lt;1.3</c>.</summary>
    public static string Covers(Waiver w)
    {
        var parts = new List<string>();
        Add(parts, "cve", w.Cve);
        Add(parts, "rule", w.Rule);
        Add(parts, "path", w.Path);
        Add(parts, "component", w.Component is null ? null : w.Versions is { } v ? $"{w.Component} {v.Text}" : w.Component);
        if (w.Component is null && w.Versions is { } versions)
        {
            Add(parts, "versions", versions.Text);
        }

        return parts.Count == 0 ? "everything" : string.Join(", ", parts);

        static void Add(List<string> parts, string name, string? value)
        {
            if (value is not null)
            {
                parts.Add(name + " " + value);
            }
        }
    }

    public static string Expires(Waiver w) => w.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Why a violation that failed no longer does.</summary>
    public static string WhyNotFailing(Violation v, PolicyOutcome outcome)
    {
        if (!outcome.Violations.Contains(v))
        {
            return "no rule matches";
        }

        if (v.WaivedBy is { } waiver)
        {
            return "waived by " + waiver.Id;
        }

        return v.InBaseline ? "in the baseline" : "level " + PolicyLevelNames.Of(v.Level);
    }

    public static string Version(string? version) => version ?? "(unknown)";
}
