using CycloneDX.Models;

namespace FirmwareGate.Core.Reports;

/// <summary>Serialises a CycloneDX model to JSON with CycloneDX.Core's serializer, as FirmwareGate writes it.</summary>
internal static class CycloneDxJson
{
    /// <summary>Indented JSON, characters outside ASCII and '+' kept as they are, LF line endings and a final newline.</summary>
    public static string Serialize(Bom bom) =>
        CycloneDX.Json.Serializer.Serialize(bom, unsafeRelaxedJsonEscaping: true).ReplaceLineEndings("\n") + "\n";
}
