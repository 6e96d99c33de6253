using System.Globalization;
using System.Text;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// A scan diff or a policy diff as plain text for the terminal: the summary line, then one section per kind of
/// change, one line per item, marked <c>+</c> (new), <c>-</c> (gone), <c>^</c> (upgraded), <c>v</c> (downgraded) or
/// <c>~</c> (changed). No colour: the front end adds it when it writes to a terminal. Control characters from
/// the image (names, messages) are shown as <c>?</c> so they cannot drive the terminal.
/// </summary>
public static class DiffTextWriter
{
    /// <summary>A scan diff as text, LF line endings.</summary>
    public static string ToText(ScanDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Clean(diff.Before)} -> {Clean(diff.After)}: {DiffFormatting.ScanSummary(diff)}\n");
        if (diff.IsEmpty)
        {
            return sb.ToString();
        }

        Section(sb, "Components",
        [
            .. diff.Upgraded.Select(c => $"^ {c.After.Name} {DiffFormatting.Version(c.Before.Version)} -> {DiffFormatting.Version(c.After.Version)}"),
            .. diff.Downgraded.Select(c => $"v {c.After.Name} {DiffFormatting.Version(c.Before.Version)} -> {DiffFormatting.Version(c.After.Version)}"),
            .. diff.Changed.Select(c => $"~ {c.After.Name} {DiffFormatting.Version(c.Before.Version)} -> {DiffFormatting.Version(c.After.Version)}"),
            .. diff.Added.Select(c => $"+ {c.Name} {DiffFormatting.Version(c.Version)}"),
            .. diff.Removed.Select(c => $"- {c.Name} {DiffFormatting.Version(c.Version)}"),
        ]);
        Section(sb, "Vulnerabilities",
        [
            .. diff.Introduced.Select(v => $"+ {v.Id} ({v.Severity}, {v.Verdict}) {Component(v)}"),
            .. diff.Fixed.Select(v => $"- {v.Id} ({v.Severity}, {v.Verdict}) {Component(v)}: fixed"),
        ]);
        Section(sb, "Findings",
        [
            .. diff.NewFindings.Select(f => "+ " + Finding(f)),
            .. diff.GoneFindings.Select(f => "- " + Finding(f)),
        ]);
        return sb.ToString();
    }

    /// <summary>A policy diff as text, LF line endings.</summary>
    public static string ToText(PolicyDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Clean(diff.Old.PolicyFile ?? "(default policy)")} -> {Clean(diff.New.PolicyFile ?? "(default policy)")}: {DiffFormatting.PolicySummary(diff)}\n");
        if (diff.IsEmpty)
        {
            return sb.ToString();
        }

        Section(sb, "Start failing", [.. diff.StartFailing.Select(v => $"+ {Violation(v)} [{PolicyLevelNames.Of(v.Level)} by {v.PolicyRule}{Line(v.PolicyPosition)}]")]);
        Section(sb, "Stop failing", [.. diff.StopFailing.Select(v => $"- {Violation(v)} [{DiffFormatting.WhyNotFailing(v, diff.New)}]")]);
        Section(sb, "Level changed", [.. diff.LevelChanged.Select(p => LevelLine(p.Old, p.New))]);
        Section(sb, "Waivers added", [.. diff.WaiversAdded.Select(w => "+ " + Waiver(w))]);
        Section(sb, "Waivers removed", [.. diff.WaiversRemoved.Select(w => "- " + Waiver(w))]);
        return sb.ToString();
    }

    /// <summary>Writes a scan diff.</summary>
    public static void Write(ScanDiff diff, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(ToText(diff));
    }

    /// <summary>Writes a policy diff.</summary>
    public static void Write(PolicyDiff diff, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(ToText(diff));
    }

    private static string LevelLine(Violation? before, Violation? after)
    {
        // One of the two is always there: the differ pairs what exists on either side.
        var any = (after ?? before)!;
        string from = before is null ? "(none)" : PolicyLevelNames.Of(before.Level);
        string to = after is null ? "(none)" : PolicyLevelNames.Of(after.Level);
        return $"~ {Violation(any)} [{from} -> {to}]";
    }

    private static string Violation(Violation v) => $"{v.RuleId} {v.Path ?? v.Location}: {v.Message}";

    private static string Waiver(Waiver w) =>
        $"{w.Id}{Line(w.Position)}: {DiffFormatting.Covers(w)}; {w.Reason} ({w.Owner}, until {DiffFormatting.Expires(w)})";

    private static string Line(SourcePosition? position) =>
        position is { } p ? " line " + p.Line.ToString(CultureInfo.InvariantCulture) : "";

    private static string Finding(Finding f) => $"{f.RuleId} ({SeverityNames.Of(f.Severity)}) {f.Path ?? f.Location}: {f.Message}";

    private static string Component(VulnerabilityFact v) => v.ComponentVersion is { } version ? $"{v.ComponentName} {version}" : v.ComponentName;

    private static void Section(StringBuilder sb, string title, List<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        sb.Append(CultureInfo.InvariantCulture, $"\n{title} ({lines.Count.ToString(CultureInfo.InvariantCulture)})\n");
        foreach (string line in lines)
        {
            sb.Append("  ").Append(Clean(line)).Append('\n');
        }
    }

    private static string Clean(string text) =>
        text.Any(char.IsControl) ? new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]) : text;
}
