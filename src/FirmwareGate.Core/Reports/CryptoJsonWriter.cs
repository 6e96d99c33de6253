using System.Text.Json;
using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Reports;

/// <summary>Writes <c>certificates[]</c> (trust stores included, one item each) and <c>privateKeys[]</c> of the JSON report.</summary>
internal static class CryptoJsonWriter
{
    public static void WriteCertificates(Utf8JsonWriter w, CheckResults checks)
    {
        w.WriteStartArray("certificates");
        foreach (var c in checks.Certificates)
        {
            w.WriteStartObject();
            w.WriteString("path", c.Path);
            w.WriteString("location", c.Location);
            w.WriteString("sha256Fingerprint", c.Sha256Fingerprint);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static void WritePrivateKeys(Utf8JsonWriter w, CheckResults checks)
    {
        w.WriteStartArray("privateKeys");
        foreach (var k in checks.PrivateKeys)
        {
            w.WriteStartObject();
            w.WriteString("path", k.Path);
            w.WriteString("location", k.Location);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
