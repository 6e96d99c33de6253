using System.Globalization;
using System.Text;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Writes the gate's Markdown summary (what a pull request comment or a job summary shows): the verdict first, the
/// counts, the table of error-level violations, then collapsible details (warnings and notes, waivers, changes since
/// the baseline, analysis gaps). Text from the image is escaped (<see cref="MarkdownText"/>). When the whole does not
/// fit, tables are cut with "... and N more" lines, details first.
/// </summary>
public static class MarkdownReportWriter
{
    /// <summary>GitHub's limit on a comment or job summary, in characters.</summary>
    public const int GitHubLimit = 65_536;

    // Row caps tried in turn (main table, detail tables) until the summary fits.
    private static readonly (int Main, int Details)[] Caps =
    [
        (int.MaxValue, int.MaxValue), (int.MaxValue, 200), (int.MaxValue, 50), (500, 20), (200, 10), (100, 5), (50, 0), (20, 0), (5, 0), (0, 0),
    ];

    /// <summary>The summary, at most <paramref name="maxChars"/> characters (details are summarised to fit).</summary>
    public static string ToMarkdown(GateReport report, int maxChars = GitHubLimit - 1_024)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 200);
        string text = "";
        foreach (var (main, details) in Caps)
        {
            text = new MarkdownSummary(report, main, details).Render();
            if (text.Length <= maxChars)
            {
                return text;
            }
        }

        const string Cut = "\n\n... (summary cut to fit; see the JSON report)\n";
        return text[..(maxChars - Cut.Length)] + Cut;
    }

    /// <summary>Writes the summary to a stream as UTF-8.</summary>
    public static void Write(GateReport report, Stream output, int maxChars = GitHubLimit - 1_024)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Encoding.UTF8.GetBytes(ToMarkdown(report, maxChars)));
    }

    internal static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    internal static string Verdict(PolicyVerdict verdict) => "**" + GateSummary.VerdictWord(verdict) + "**";
}
