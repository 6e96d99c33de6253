namespace FirmwareGate.Core.Policy;

/// <summary>What a JSON document given to <see cref="ReportReader"/> is, detected from its content.</summary>
public enum ReportKind
{
    /// <summary>Neither a FirmwareGate report nor a CycloneDX SBOM.</summary>
    Unknown,

    /// <summary>A FirmwareGate JSON report (<c>schemaVersion</c> and <c>tool.name</c> "FirmwareGate").</summary>
    FirmwareGateReport,

    /// <summary>A CycloneDX JSON SBOM (<c>bomFormat</c> "CycloneDX").</summary>
    CycloneDx,
}
