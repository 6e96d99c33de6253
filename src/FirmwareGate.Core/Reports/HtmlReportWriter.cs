namespace FirmwareGate.Core.Reports;

/// <summary>Writes the gate's HTML report: one self-contained page (no network).</summary>
public static class HtmlReportWriter
{
    /// <summary>The page.</summary>
    public static string ToHtml(GateReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        throw new NotImplementedException();
    }
}
