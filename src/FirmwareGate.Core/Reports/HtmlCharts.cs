using System.Globalization;
using System.Text;
using static FirmwareGate.Core.Reports.HtmlText;

namespace FirmwareGate.Core.Reports;

/// <summary>Inline SVG bar charts (no script, no library): vulnerabilities by severity, hardening coverage per property.</summary>
internal static class HtmlCharts
{
    private const int Width = 420;
    private const int LabelWidth = 90;
    private const int BarHeight = 18;
    private const int Gap = 6;

    /// <summary>One bar per severity, as long as its count relative to the largest.</summary>
    public static string VulnerabilitiesBySeverity(IReadOnlyList<(string Severity, int Count)> counts)
    {
        int max = Math.Max(1, counts.Max(c => c.Count));
        var sb = Start("chart-vulnerabilities", "Vulnerabilities by severity", counts.Count);
        int y = 0;
        foreach (var (severity, count) in counts)
        {
            int length = (int)Math.Round((Width - LabelWidth - 50) * (double)count / max);
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"bar\" data-label=\"{Encode(severity)}\" data-value=\"{count}\">")
              .Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 13}\">{Encode(severity)}</text>")
              .Append(CultureInfo.InvariantCulture, $"<rect class=\"{Encode(severity)}\" x=\"{LabelWidth}\" y=\"{y}\" width=\"{length}\" height=\"{BarHeight}\"></rect>")
              .Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + length + 6}\" y=\"{y + 13}\">{count}</text></g>");
            y += BarHeight + Gap;
        }

        return sb.Append("</svg>").ToString();
    }

    /// <summary>One bar per hardening property: the share of binaries (whose value is known) that have it.</summary>
    public static string HardeningCoverage(IReadOnlyList<HardeningCoverage> coverage)
    {
        var sb = Start("chart-hardening", "Hardening coverage per property", coverage.Count);
        int y = 0;
        int full = Width - LabelWidth - 90;
        foreach (var c in coverage)
        {
            int met = c.Known == 0 ? 0 : (int)Math.Round(full * (double)c.Met / c.Known);
            string label = c.Known == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{c.Met}/{c.Known} ({100.0 * c.Met / c.Known:0}%)");
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"bar\" data-label=\"{Encode(c.Property)}\" data-value=\"{c.Met}\" data-of=\"{c.Known}\">")
              .Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 13}\">{Encode(c.Property)}</text>")
              .Append(CultureInfo.InvariantCulture, $"<rect class=\"missing\" x=\"{LabelWidth}\" y=\"{y}\" width=\"{full}\" height=\"{BarHeight}\"></rect>")
              .Append(CultureInfo.InvariantCulture, $"<rect class=\"met\" x=\"{LabelWidth}\" y=\"{y}\" width=\"{met}\" height=\"{BarHeight}\"></rect>")
              .Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + full + 6}\" y=\"{y + 13}\">{label}</text></g>");
            y += BarHeight + Gap;
        }

        return sb.Append("</svg>").ToString();
    }

    private static StringBuilder Start(string id, string title, int bars)
    {
        int height = Math.Max(1, bars) * (BarHeight + Gap);
        return new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg id=\"{id}\" role=\"img\" aria-label=\"{Encode(title)}\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\">")
            .Append(CultureInfo.InvariantCulture, $"<title>{Encode(title)}</title>");
    }
}
