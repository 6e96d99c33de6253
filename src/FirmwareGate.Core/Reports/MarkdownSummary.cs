using System.Globalization;
using System.Text;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using static FirmwareGate.Core.Reports.MarkdownReportWriter;
using static FirmwareGate.Core.Reports.MarkdownText;

namespace FirmwareGate.Core.Reports;

/// <summary>One rendering of the Markdown summary with given row caps.</summary>
internal sealed class MarkdownSummary(GateReport report, int mainCap, int detailCap)
{
    private readonly StringBuilder _sb = new();

    private PolicyOutcome Outcome => report.Outcome;

    public string Render()
    {
        WriteVerdict();
        WriteCounts();
        WriteErrors();
        WriteWarningsAndNotes();
        WriteWaivers();
        WriteBaseline();
        WriteGaps();
        return _sb.ToString();
    }

    private void Line(string text = "") => _sb.Append(text).Append('\n');

    private void WriteVerdict()
    {
        var failing = Outcome.Violations.Count(v => v.Fails);
        string why = Outcome.Verdict switch
        {
            PolicyVerdict.Incomplete => "the analysis is incomplete and the policy does not accept that",
            PolicyVerdict.Fail => $"{N(failing)} violation{(failing == 1 ? "" : "s")} fail{(failing == 1 ? "s" : "")} the gate",
            _ => "nothing fails the gate",
        };
        Line($"{Verdict(Outcome.Verdict)}: {why}. Image {Escape(report.Facts.ImageName)}, policy {Escape(GateSummary.PolicyName(report))}, FirmwareGate {Escape(report.ToolVersion)}.");
        Line();
    }

    private void WriteCounts()
    {
        var (errors, warnings, notes, waived, failing) = GateSummary.Counts(Outcome);
        Line("| Errors | Warnings | Notes | Waived | Expired waivers | Stale waivers | Uncovered findings |");
        Line("|---:|---:|---:|---:|---:|---:|---:|");
        Line($"| {N(errors)} ({N(failing)} failing) | {N(warnings)} | {N(notes)} | {N(waived)} | {N(Outcome.Expired.Count)} | {N(Outcome.Stale.Count)} | {N(Outcome.Uncovered.Count)} |");
        Line();
        var facts = report.Facts;
        var bySeverity = GateSummary.VulnerabilitiesBySeverity(facts).Where(s => s.Count > 0).Select(s => $"{N(s.Count)} {s.Severity}").ToList();
        Line($"- Components: {N(facts.Components.Count)}");
        Line($"- Vulnerabilities: {N(facts.Vulnerabilities.Count)}{(bySeverity.Count > 0 ? " (" + string.Join(", ", bySeverity) + ")" : "")}{(facts.Database is null ? "; no vulnerability database was used" : "")}");
        var coverage = GateSummary.Hardening(facts).Where(h => h.Known > 0).Select(h => $"{h.Property} {N(h.Met)}/{N(h.Known)}").ToList();
        Line($"- Hardening of {N(facts.Binaries.Count)} ELF binaries: {(coverage.Count > 0 ? string.Join(", ", coverage) : "none")}");
        Line($"- Analysis: {(facts.Complete ? "complete" : $"incomplete ({N(facts.Warnings.Count)} warnings, {N(facts.LimitsHit.Count)} limits reached)")}");
        if (Outcome.HasBaseline)
        {
            Line($"- Baseline: {N(Outcome.Violations.Count(v => !v.InBaseline))} violations are new, {N(Outcome.Violations.Count(v => v.InBaseline))} were there before");
        }

        Line();
    }

    private void WriteErrors()
    {
        var errors = Outcome.Violations.Where(v => v.Level == PolicyLevel.Error && v.WaivedBy is null).ToList();
        Line($"### Errors ({N(errors.Count)})");
        Line();
        if (errors.Count == 0)
        {
            Line("No error-level violation is left.");
            Line();
            return;
        }

        ViolationTable(errors, mainCap);
    }

    private void ViolationTable(IReadOnlyList<Violation> violations, int cap)
    {
        Rows(
            "| Level | Rule | What | Where | Policy |\n|---|---|---|---|---|",
            violations,
            cap,
            v => $"| {LevelText(v)} | {Escape(v.RuleId)} | {Escape(v.Message)} | {Escape(v.Path ?? v.Location)} | {Escape(v.PolicyRule)} ({GateSummary.PolicyLine(v)}) |");
    }

    private static string LevelText(Violation v) =>
        PolicyLevelNames.Of(v.Level) + (v.WaivedBy is not null ? ", waived" : v.Level == PolicyLevel.Error && !v.Fails && v.InBaseline ? ", in baseline" : "");

    private void Rows<T>(string header, IReadOnlyList<T> items, int cap, Func<T, string> row)
    {
        if (items.Count == 0)
        {
            return;
        }

        if (cap > 0)
        {
            Line(header);
            foreach (var item in items.Take(cap))
            {
                Line(row(item));
            }

            Line();
        }

        if (items.Count > cap)
        {
            Line($"... and {N(items.Count - cap)} more (see the JSON or HTML report).");
            Line();
        }
    }

    private void Details(string summary, Action body)
    {
        Line("<details>");
        Line($"<summary>{summary}</summary>");
        Line();
        body();
        Line("</details>");
        Line();
    }

    private void WriteWarningsAndNotes()
    {
        var rest = Outcome.Violations.Where(v => v.Level != PolicyLevel.Error || v.WaivedBy is not null).ToList();
        if (rest.Count == 0)
        {
            return;
        }

        Details($"Warnings, notes and waived violations ({N(rest.Count)})", () => ViolationTable(rest, detailCap));
    }

    private void WriteWaivers()
    {
        var rows = Outcome.Applied.Select(u => (u.Waiver, State: "applied", Count: (int?)u.Fingerprints.Count))
            .Concat(Outcome.Expired.Select(w => (Waiver: w, State: "expired", Count: (int?)null)))
            .Concat(Outcome.Stale.Select(w => (Waiver: w, State: "stale", Count: (int?)null)))
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        Details(
            $"Waivers: {N(Outcome.Applied.Count)} applied, {N(Outcome.Expired.Count)} expired, {N(Outcome.Stale.Count)} stale",
            () => Rows(
                "| Waiver | State | Covers | Reason | Owner | Expires | Waived |\n|---|---|---|---|---|---|---:|",
                rows,
                detailCap,
                r => $"| {Escape(r.Waiver.Id)}{(r.Waiver.Position is { } p ? $" (line {N(p.Line)})" : "")} | {r.State} | {Escape(Covers(r.Waiver))} | {Escape(r.Waiver.Reason)} | {Escape(r.Waiver.Owner)} | {PolicyJsonWriter.Date(r.Waiver.Expires)} | {(r.Count is { } n ? N(n) : "")} |"));
    }

    private static string Covers(Waiver w) => string.Join(", ", new[]
    {
        w.Cve is { } cve ? "cve " + cve : null,
        w.Rule is { } rule ? "rule " + rule : null,
        w.Path is { } path ? "path " + path : null,
        w.Component is { } component ? "component " + component : null,
        w.Versions is { } versions ? "versions " + versions : null,
    }.OfType<string>());

    private void WriteBaseline()
    {
        if (report.BaselineDiff is not { } diff)
        {
            return;
        }

        var changes = new List<(string Change, string What)>();
        changes.AddRange(diff.Introduced.Select(v => ("vulnerability introduced", $"{v.Id} ({v.Severity}) in {v.ComponentName} {v.ComponentVersion}")));
        changes.AddRange(diff.Fixed.Select(v => ("vulnerability fixed", $"{v.Id} ({v.Severity}) in {v.ComponentName} {v.ComponentVersion}")));
        changes.AddRange(diff.NewFindings.Select(f => ("new finding", $"{f.RuleId}: {f.Message}")));
        changes.AddRange(diff.GoneFindings.Select(f => ("finding gone", $"{f.RuleId}: {f.Message}")));
        changes.AddRange(diff.Added.Select(c => ("component added", $"{c.Name} {c.Version}")));
        changes.AddRange(diff.Removed.Select(c => ("component removed", $"{c.Name} {c.Version}")));
        changes.AddRange(diff.Upgraded.Select(c => ("component upgraded", $"{c.After.Name} {c.Before.Version} to {c.After.Version}")));
        changes.AddRange(diff.Downgraded.Select(c => ("component downgraded", $"{c.After.Name} {c.Before.Version} to {c.After.Version}")));
        changes.AddRange(diff.Changed.Select(c => ("component changed", $"{c.After.Name} {c.Before.Version ?? "unknown"} to {c.After.Version ?? "unknown"}")));
        Details(
            $"Changes since the baseline {Escape(diff.Before)}: {N(diff.Introduced.Count)} vulnerabilities introduced, {N(diff.Fixed.Count)} fixed, {N(diff.NewFindings.Count)} new findings, {N(diff.GoneFindings.Count)} gone",
            () =>
            {
                if (changes.Count == 0)
                {
                    Line("Nothing changed.");
                    Line();
                }
                else
                {
                    Rows("| Change | What |\n|---|---|", changes, detailCap, c => $"| {c.Change} | {Escape(c.What)} |");
                }
            });
    }

    private void WriteGaps()
    {
        var facts = report.Facts;
        var uncovered = GateSummary.Uncovered(report);
        if (facts.Complete && facts.Warnings.Count == 0 && facts.LimitsHit.Count == 0 && uncovered.Count == 0)
        {
            return;
        }

        Details(
            $"Analysis gaps: {N(facts.Warnings.Count)} warnings, {N(facts.LimitsHit.Count)} limits reached, {N(uncovered.Count)} findings no policy rule covers",
            () =>
            {
                if (facts.LimitsHit.Count > 0)
                {
                    Line("Limits reached: " + Escape(string.Join(", ", facts.LimitsHit)));
                    Line();
                }

                Rows("| Analysis warning |\n|---|", facts.Warnings, detailCap, w => $"| {Escape(w)} |");
                Rows(
                    "| Uncovered finding | Severity | What | Where |\n|---|---|---|---|",
                    uncovered,
                    detailCap,
                    f => $"| {Escape(f.RuleId)} | {SeverityNames.Of(f.Severity)} | {Escape(f.Message)} | {Escape(f.Path ?? f.Location)} |");
            });
    }
}
