using System.Text.Json;
using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Reports;

/// <summary>Writes <c>findings[]</c> of the JSON report.</summary>
internal static class FindingJsonWriter
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<Finding> findings)
    {
        w.WriteStartArray("findings");
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", f.RuleId);
            w.WriteString("severity", SeverityNames.Of(f.Severity));
            w.WriteString("message", f.Message);
            w.WriteString("location", f.Location);
            w.WriteString("path", f.Path);

            w.WriteNumberOrNull("line", f.Line);

            w.WriteString("fingerprint", f.Fingerprint);
            w.WriteString("evidence", f.Evidence);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
