namespace FirmwareGate.Core.Policy;

/// <summary>
/// Reads what a policy and a diff need from a FirmwareGate JSON report (docs/report.md) or a CycloneDX JSON SBOM
/// (components and vulnerabilities only). Bounded and tolerant: a file that is neither gives a
/// <see cref="Pipeline.ScanInputException"/> naming the file and what was expected.
/// </summary>
public static class ReportReader
{
    /// <summary>Reads a JSON report or a CycloneDX SBOM, detected from the content.</summary>
    public static ScanFacts Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        throw new NotImplementedException();
    }
}
