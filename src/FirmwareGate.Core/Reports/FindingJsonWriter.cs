using System.Text.Json;
using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Reports;

/// <summary>Writes <c>findings[]</c> of the JSON report.</summary>
internal static class FindingJsonWriter
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<Finding> findings) => Write(w, "findings", findings);

    /// <summary>Findings as an array property (the report's <c>findings</c>, a diff's <c>new</c> and <c>gone</c>).</summary>
    public static void Write(Utf8JsonWriter w, string name, IReadOnlyList<Finding> findings)
    {
        w.WriteStartArray(name);
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
