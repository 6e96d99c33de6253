using System.Text.Json;
using FirmwareGate.Core.Checks.Hardening;

namespace FirmwareGate.Core.Reports;

/// <summary>Writes <c>binaries[]</c> of the JSON report.</summary>
internal static class BinaryJsonWriter
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<BinaryHardening> binaries)
    {
        w.WriteStartArray("binaries");
        foreach (var b in binaries)
        {
            w.WriteStartObject();
            w.WriteString("path", b.Path);
            w.WriteString("location", b.Location);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
