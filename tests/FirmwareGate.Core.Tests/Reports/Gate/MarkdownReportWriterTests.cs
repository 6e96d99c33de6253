using System.Text.RegularExpressions;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Core.Tests.Reports.Gate;

/// <summary>The gate's Markdown summary: verdict first, counts, tables, escaping and GitHub's size limit.</summary>
public sealed partial class MarkdownReportWriterTests(SampleGate gate) : IClassFixture<SampleGate>
{
    [Fact]
    public void Verdict_comes_first_then_counts_and_the_errors_table()
    {
        string md = MarkdownReportWriter.ToMarkdown(gate.Report());
        string first = md.Split('\n')[0];
        Assert.StartsWith("**FAIL**: 4 violations fail the gate.", first, StringComparison.Ordinal);
        Assert.Contains("| 4 (4 failing) | 2 | 1 | 2 | 1 | 1 | 4 |", md, StringComparison.Ordinal);
        Assert.Contains("- Vulnerabilities: 4 (2 critical, 1 high, 1 medium)", md, StringComparison.Ordinal);
        Assert.Contains("- Components: 5", md, StringComparison.Ordinal);
        Assert.Matches(@"- Hardening of 4 ELF binaries: nx \d/\d", md);

        // Errors: the four failing ones; waived errors go to the details.
        string errors = Section(md, "### Errors (4)");
        Assert.Equal(4, TableRows(errors).Count);
        Assert.Contains("| error | account.default-password | account 'root' matches a common default password | /etc/shadow | accounts.default-password (line 12) |", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("config.telnetd\\_enabled", errors, StringComparison.Ordinal);

        Assert.Contains("<summary>Warnings, notes and waived violations (5)</summary>", md, StringComparison.Ordinal);
        Assert.Contains("| error, waived | config.telnetd\\_enabled |", md, StringComparison.Ordinal);
        Assert.Contains("<summary>Waivers: 2 applied, 1 expired, 1 stale</summary>", md, StringComparison.Ordinal);
        Assert.Contains("| waivers\\[2\\] (line 42) | expired | cve CVE-2022-28391 | old exception | alice | 2026-01-31 |  |", md, StringComparison.Ordinal);
        Assert.Contains("4 findings no policy rule covers", md, StringComparison.Ordinal);
        Assert.Equal(md.Split("<details>").Length, md.Split("</details>").Length);
        Assert.DoesNotContain("... and", md, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pass_says_so_first()
    {
        var outcome = gate.Outcome() is var o ? o with { Verdict = PolicyVerdict.Pass, Violations = [.. o.Violations.Select(v => v with { Fails = false, Level = PolicyLevel.Warning })] } : null;
        string md = MarkdownReportWriter.ToMarkdown(gate.Report(outcome));
        Assert.StartsWith("**PASS**: nothing fails the gate.", md, StringComparison.Ordinal);
        Assert.Contains("No error-level violation is left.", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Five_thousand_violations_stay_under_the_limit_with_and_more_lines()
    {
        var many = Enumerable.Range(0, 5_000).Select(i => SampleGate.FindingViolation(
            Finding.Of($"router-sample.trx@0x4158:trx/squashfs(xz):/usr/lib/lib{i:D4}.so", $"/usr/lib/lib{i:D4}.so", "fs.world_writable", Severity.Medium, $"world-writable file /usr/lib/lib{i:D4}.so"),
            i % 2 == 0 ? PolicyLevel.Error : PolicyLevel.Warning,
            "config.fs.world_writable",
            new SourcePosition(22, 3)) with
        { Fails = i % 2 == 0 });
        var report = gate.Report(gate.Outcome(extra: many));
        string md = MarkdownReportWriter.ToMarkdown(report);
        Assert.True(md.Length <= MarkdownReportWriter.GitHubLimit - 1_024, $"{md.Length} characters");
        Assert.StartsWith("**FAIL**: 2504 violations fail the gate.", md, StringComparison.Ordinal);
        var more = MoreLine().Matches(md).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(more);
        string errors = Section(md, "### Errors (2504)");
        int shown = TableRows(errors).Count;
        Assert.True(shown > 0);
        Assert.Contains($"... and {2504 - shown} more", errors, StringComparison.Ordinal);

        // A tighter limit keeps fewer rows and still fits.
        string small = MarkdownReportWriter.ToMarkdown(report, 8_000);
        Assert.True(small.Length <= 8_000, $"{small.Length} characters");
        Assert.StartsWith("**FAIL**", small, StringComparison.Ordinal);
        Assert.Contains("... and", small, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_names_cannot_inject_html_links_mentions_or_table_cells()
    {
        string md = MarkdownReportWriter.ToMarkdown(gate.Report(gate.Outcome(extra: [Hostile.Violation])));
        Assert.DoesNotContain("<script", md, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", md, StringComparison.Ordinal);
        Assert.DoesNotContain("@everyone", md, StringComparison.Ordinal);
        Assert.DoesNotContain("](http", md, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;document.title=", md, StringComparison.Ordinal);
        Assert.Contains("\\|&#64;everyone\\*\\[x\\]\\(http://evil.example\\)", md, StringComparison.Ordinal);

        // Every row of the errors table still has exactly five cells.
        foreach (string row in TableRows(Section(md, "### Errors (5)")))
        {
            Assert.Equal(6, UnescapedPipe().Matches(row).Count);
        }
    }

    [Fact]
    public void The_same_report_gives_the_same_text()
    {
        var report = gate.Report();
        Assert.Equal(MarkdownReportWriter.ToMarkdown(report), MarkdownReportWriter.ToMarkdown(report with { }));
        Assert.DoesNotContain("\r", MarkdownReportWriter.ToMarkdown(report), StringComparison.Ordinal);
    }

    private static string Section(string md, string heading)
    {
        int start = md.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, heading + " missing");
        int end = md.IndexOf("<details>", start, StringComparison.Ordinal);
        return end < 0 ? md[start..] : md[start..end];
    }

    private static List<string> TableRows(string section) =>
        [.. section.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| Level |", StringComparison.Ordinal))];

    [GeneratedRegex(@"\.\.\. and (\d+) more")]
    private static partial Regex MoreLine();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();
}
