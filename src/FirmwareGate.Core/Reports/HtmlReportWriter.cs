using System.Text;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Writes the gate's HTML report: one self-contained page (inline style, script and SVG; a content security policy
/// that forbids every fetch) with the verdict, counts, charts of vulnerabilities by severity and of hardening
/// coverage, the layer tree, and filterable, sortable tables of violations, components, vulnerabilities, findings and
/// binaries. Every text from the image is HTML-encoded.
/// </summary>
public static class HtmlReportWriter
{
    /// <summary>Rows per table at most; the rest is counted in a line under it (the JSON report has everything).</summary>
    public const int MaxRows = 20_000;

    /// <summary>The page.</summary>
    public static string ToHtml(GateReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new HtmlPage(report).Render();
    }

    /// <summary>Writes the page to a stream as UTF-8.</summary>
    public static void Write(GateReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Encoding.UTF8.GetBytes(ToHtml(report)));
    }
}
