using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Database;

namespace FirmwareGate.Core.Reports;

/// <summary>The vulnerability database's status as JSON: the report's <c>database</c> and <c>db status --json</c>.</summary>
public static class DatabaseStatusJsonWriter
{
    /// <summary>Writes <c>path</c>, <c>records</c>, <c>cpeEntries</c>, <c>kev</c>, <c>epss</c>, <c>sources[]</c>, <c>lastUpdate</c> and <c>ageSeconds</c> into the open object.</summary>
    public static void WriteFields(Utf8JsonWriter w, DatabaseStatus status)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(status);
        w.WriteString("path", status.Path);
        w.WriteNumber("records", status.Records);
        w.WriteNumber("cpeEntries", status.CpeEntries);
        w.WriteNumber("kev", status.Kev);
        w.WriteNumber("epss", status.Epss);
        w.WriteStartArray("sources");
        foreach (var source in status.Sources.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("name", source.Name);
            w.WriteNumber("records", source.Records);
            WriteTimeOrNull(w, "lastUpdate", source.LastUpdate);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteTimeOrNull(w, "lastUpdate", status.LastUpdate);
        w.WriteNumberOrNull("ageSeconds", status.Age is { } age ? (long)Math.Max(0, age.TotalSeconds) : null);
    }

    /// <summary>A UTC time to the second (<c>2026-11-01T00:00:00Z</c>), or null.</summary>
    internal static void WriteTimeOrNull(Utf8JsonWriter w, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            w.WriteString(name, t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
