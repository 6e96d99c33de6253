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
            if (f.Path is null)
            {
                w.WriteNull("path");
            }
            else
            {
                w.WriteString("path", f.Path);
            }

            if (f.Line is { } line)
            {
                w.WriteNumber("line", line);
            }
            else
            {
                w.WriteNull("line");
            }

            w.WriteString("fingerprint", f.Fingerprint);
            w.WriteString("evidence", f.Evidence);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
