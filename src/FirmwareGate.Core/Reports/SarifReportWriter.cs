namespace FirmwareGate.Core.Reports;

/// <summary>Writes the gate's SARIF 2.1.0 log (docs/sarif.md).</summary>
public static class SarifReportWriter
{
    /// <summary>The SARIF log as JSON text.</summary>
    public static string ToJson(GateReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        throw new NotImplementedException();
    }
}
