namespace FirmwareGate.Core.Reports;

/// <summary>Writes the gate's Markdown summary: verdict, counts, violations table, collapsible details.</summary>
public static class MarkdownReportWriter
{
    /// <summary>GitHub's limit on a comment or job summary, in characters.</summary>
    public const int GitHubLimit = 65_536;

    /// <summary>The summary, at most <paramref name="maxChars"/> characters (details are summarised to fit).</summary>
    public static string ToMarkdown(GateReport report, int maxChars = GitHubLimit - 1_024)
    {
        ArgumentNullException.ThrowIfNull(report);
        throw new NotImplementedException();
    }
}
