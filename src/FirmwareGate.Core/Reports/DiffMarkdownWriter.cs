using System.Globalization;
using System.Text;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// A scan diff or a policy diff as GitHub Markdown for a pull-request comment or a job summary: the summary line
/// first, then one table per kind of change. Stays under <see cref="MaxCharacters"/> (GitHub's comment limit is
/// 65,536): when the full tables do not fit, each keeps its first rows and says how many more there are
/// (the JSON output has them all).
/// </summary>
public static class DiffMarkdownWriter
{
    /// <summary>The default size cap, below GitHub's 65,536-character comment limit with room for a caller's heading.</summary>
    public const int MaxCharacters = 60_000;

    // Table row limits tried in turn until the document fits; 0 leaves only the counts.
    private static readonly int[] RowLimits = [int.MaxValue, 500, 200, 100, 50, 20, 10, 5, 0];

    private const int MaxCell = 200;

    /// <summary>A scan diff as Markdown of at most <paramref name="maxCharacters"/> characters.</summary>
    public static string ToMarkdown(ScanDiff diff, int maxCharacters = MaxCharacters)
    {
        ArgumentNullException.ThrowIfNull(diff);
        return Fit(rows => ScanDiff(diff, rows), maxCharacters);
    }

    /// <summary>A policy diff as Markdown of at most <paramref name="maxCharacters"/> characters.</summary>
    public static string ToMarkdown(PolicyDiff diff, int maxCharacters = MaxCharacters)
    {
        ArgumentNullException.ThrowIfNull(diff);
        return Fit(rows => PolicyDiff(diff, rows), maxCharacters);
    }

    /// <summary>Writes a scan diff as UTF-8 Markdown.</summary>
    public static void Write(ScanDiff diff, Stream output, int maxCharacters = MaxCharacters)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Encoding.UTF8.GetBytes(ToMarkdown(diff, maxCharacters)));
    }

    /// <summary>Writes a policy diff as UTF-8 Markdown.</summary>
    public static void Write(PolicyDiff diff, Stream output, int maxCharacters = MaxCharacters)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Encoding.UTF8.GetBytes(ToMarkdown(diff, maxCharacters)));
    }

    private static string Fit(Func<int, string> render, int maxCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCharacters, 1000);
        foreach (int rows in RowLimits)
        {
            string text = render(rows);
            if (text.Length <= maxCharacters)
            {
                return text;
            }
        }

        // Only the summary and counts are left and they still do not fit (absurdly long image names).
        const string Cut = "\n\n_(cut to fit the comment limit)_\n";
        return render(0)[..(maxCharacters - Cut.Length)] + Cut;
    }

    private static string ScanDiff(ScanDiff diff, int rows)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"**FirmwareGate diff** {Code(diff.Before)} → {Code(diff.After)}: {Escape(DiffFormatting.ScanSummary(diff))}\n");
        if (diff.IsEmpty)
        {
            return sb.ToString();
        }

        var components = diff.Upgraded.Select(c => Row("upgraded", c.After.Name, DiffFormatting.Version(c.Before.Version), DiffFormatting.Version(c.After.Version)))
            .Concat(diff.Downgraded.Select(c => Row("downgraded", c.After.Name, DiffFormatting.Version(c.Before.Version), DiffFormatting.Version(c.After.Version))))
            .Concat(diff.Changed.Select(c => Row("changed", c.After.Name, DiffFormatting.Version(c.Before.Version), DiffFormatting.Version(c.After.Version))))
            .Concat(diff.Added.Select(c => Row("added", c.Name, "", DiffFormatting.Version(c.Version))))
            .Concat(diff.Removed.Select(c => Row("removed", c.Name, DiffFormatting.Version(c.Version), "")))
            .ToList();
        Table(sb, "Components", ["Change", "Component", "Before", "After"], components, rows);

        var vulnerabilities = diff.Introduced.Select(v => Row("introduced", v.Id, v.Severity, Component(v), v.Verdict))
            .Concat(diff.Fixed.Select(v => Row("fixed", v.Id, v.Severity, Component(v), v.Verdict)))
            .ToList();
        Table(sb, "Vulnerabilities", ["Change", "ID", "Severity", "Component", "Verdict"], vulnerabilities, rows);

        var findings = diff.NewFindings.Select(f => FindingRow("new", f))
            .Concat(diff.GoneFindings.Select(f => FindingRow("gone", f)))
            .ToList();
        Table(sb, "Findings", ["Change", "Rule", "Severity", "Path", "Message"], findings, rows);
        return sb.ToString();
    }

    private static string[] FindingRow(string change, Finding f) =>
        Row(change, f.RuleId, SeverityNames.Of(f.Severity), f.Path ?? f.Location, f.Message);

    private static string Component(VulnerabilityFact v) => v.ComponentVersion is { } version ? $"{v.ComponentName} {version}" : v.ComponentName;

    private static string PolicyDiff(PolicyDiff diff, int rows)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"**FirmwareGate policy diff** {Code(diff.Old.PolicyFile ?? "(default policy)")} → {Code(diff.New.PolicyFile ?? "(default policy)")}: {Escape(DiffFormatting.PolicySummary(diff))}\n");
        if (diff.IsEmpty)
        {
            return sb.ToString();
        }

        Table(sb, "Start failing", ["Rule", "Level", "Location", "Message", "Policy rule"],
            [.. diff.StartFailing.Select(v => Row(v.RuleId, PolicyLevelNames.Of(v.Level), Where(v), v.Message, PolicyRule(v)))], rows);
        Table(sb, "Stop failing", ["Rule", "Why", "Location", "Message"],
            [.. diff.StopFailing.Select(v => Row(v.RuleId, DiffFormatting.WhyNotFailing(v, diff.New), Where(v), v.Message))], rows);
        Table(sb, "Level changed", ["Rule", "Old", "New", "Location", "Message"],
            [.. diff.LevelChanged.Select(p => LevelRow(p.Old, p.New))], rows);
        Table(sb, "Waivers added", ["Waiver", "Covers", "Reason", "Owner", "Expires"], [.. diff.WaiversAdded.Select(WaiverRow)], rows);
        Table(sb, "Waivers removed", ["Waiver", "Covers", "Reason", "Owner", "Expires"], [.. diff.WaiversRemoved.Select(WaiverRow)], rows);
        return sb.ToString();
    }

    private static string[] LevelRow(Violation? before, Violation? after)
    {
        // One of the two is always there: the differ pairs what exists on either side.
        var any = (after ?? before)!;
        return Row(any.RuleId, before is null ? "(none)" : PolicyLevelNames.Of(before.Level), after is null ? "(none)" : PolicyLevelNames.Of(after.Level), Where(any), any.Message);
    }

    private static string[] WaiverRow(Waiver w) => Row(w.Position is { } p ? $"{w.Id} (line {p.Line.ToString(CultureInfo.InvariantCulture)})" : w.Id, DiffFormatting.Covers(w), w.Reason, w.Owner, DiffFormatting.Expires(w));

    private static string Where(Violation v) => v.Path ?? v.Location;

    private static string PolicyRule(Violation v) => v.PolicyPosition is { } p ? $"{v.PolicyRule} (line {p.Line.ToString(CultureInfo.InvariantCulture)})" : v.PolicyRule;

    private static string[] Row(params string[] cells) => cells;

    private static void Table(StringBuilder sb, string title, string[] header, List<string[]> body, int rows)
    {
        if (body.Count == 0)
        {
            return;
        }

        sb.Append(CultureInfo.InvariantCulture, $"\n### {title} ({body.Count.ToString(CultureInfo.InvariantCulture)})\n\n");
        if (rows == 0)
        {
            sb.Append("_Rows left out to fit the comment limit; the JSON output lists them._\n");
            return;
        }

        sb.Append("| ").AppendJoin(" | ", header).Append(" |\n|");
        sb.Append(string.Concat(Enumerable.Repeat("---|", header.Length))).Append('\n');
        foreach (var row in body.Take(rows))
        {
            sb.Append("| ").AppendJoin(" | ", row.Select(Cell)).Append(" |\n");
        }

        if (body.Count > rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n_… and {(body.Count - rows).ToString(CultureInfo.InvariantCulture)} more (the JSON output lists them all)._\n");
        }
    }

    private static string Cell(string text)
    {
        string cell = text.Length > MaxCell ? text[..(MaxCell - 1)] + "…" : text;
        return Escape(cell).Replace("|", "\\|", StringComparison.Ordinal);
    }

    /// <summary>Text that Markdown must not read as markup or HTML: a name or message from the image stays literal.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\r' or '\n':
                    sb.Append(' ');
                    break;
                case '<':
                    sb.Append("&lt;");
                    break;
                case '>':
                    sb.Append("&gt;");
                    break;
                case '&':
                    sb.Append("&amp;");
                    break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '#' or '~':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    private static string Code(string text)
    {
        string plain = text.Replace('`', '\'').Replace('\n', ' ').Replace('\r', ' ');
        return "`" + (plain.Length > MaxCell ? plain[..(MaxCell - 1)] + "…" : plain) + "`";
    }
}
