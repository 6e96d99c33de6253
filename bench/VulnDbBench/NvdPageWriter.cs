using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace VulnDbBench;

/// <summary>Writes records as one NVD CVE API 2.0 response page (<c>vulnerabilities[].cve</c>), the shape the API serves.</summary>
internal static class NvdPageWriter
{
    private const string NvdTime = "yyyy-MM-dd'T'HH:mm:ss.fff";

    public static long Write(string path, IReadOnlyList<VulnerabilityRecord> records, int startIndex, int totalResults)
    {
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("resultsPerPage", records.Count);
            json.WriteNumber("startIndex", startIndex);
            json.WriteNumber("totalResults", totalResults);
            json.WriteString("format", "NVD_CVE");
            json.WriteString("version", "2.0");
            json.WriteString("timestamp", "2026-11-01T00:00:00.000");
            json.WriteStartArray("vulnerabilities");
            foreach (var record in records)
            {
                json.WriteStartObject();
                json.WritePropertyName("cve");
                WriteCve(json, record);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return new FileInfo(path).Length;
    }

    private static void WriteCve(Utf8JsonWriter json, VulnerabilityRecord r)
    {
        json.WriteStartObject();
        json.WriteString("id", r.Id);
        json.WriteString("sourceIdentifier", "synthetic@firmwaregate.invalid");
        json.WriteString("published", r.Published!.Value.UtcDateTime.ToString(NvdTime, CultureInfo.InvariantCulture));
        json.WriteString("lastModified", r.LastModified!.Value.UtcDateTime.ToString(NvdTime, CultureInfo.InvariantCulture));
        json.WriteString("vulnStatus", r.Status);
        json.WriteStartArray("cveTags");
        json.WriteEndArray();
        json.WriteStartArray("descriptions");
        json.WriteStartObject();
        json.WriteString("lang", "en");
        json.WriteString("value", r.Description);
        json.WriteEndObject();
        json.WriteEndArray();
        WriteMetrics(json, r);
        WriteWeaknesses(json, r);
        if (r.Configurations.Count > 0)
        {
            WriteConfigurations(json, r);
        }

        json.WriteStartArray("references");
        foreach (var url in r.References)
        {
            json.WriteStartObject();
            json.WriteString("url", url);
            json.WriteString("source", "synthetic@firmwaregate.invalid");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteMetrics(Utf8JsonWriter json, VulnerabilityRecord r)
    {
        json.WriteStartObject("metrics");
        json.WriteStartArray("cvssMetricV31");
        foreach (var rating in r.Ratings)
        {
            json.WriteStartObject();
            json.WriteString("source", rating.Source);
            json.WriteString("type", rating.Primary ? "Primary" : "Secondary");
            json.WriteStartObject("cvssData");
            json.WriteString("version", rating.Version);
            json.WriteString("vectorString", rating.Vector);
            json.WriteNumber("baseScore", rating.Score);
            json.WriteString("baseSeverity", rating.Severity.ToUpperInvariant());
            json.WriteEndObject();
            json.WriteNumber("exploitabilityScore", 3.9);
            json.WriteNumber("impactScore", 5.9);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteWeaknesses(Utf8JsonWriter json, VulnerabilityRecord r)
    {
        json.WriteStartArray("weaknesses");
        json.WriteStartObject();
        json.WriteString("source", "nvd@nist.gov");
        json.WriteString("type", "Primary");
        json.WriteStartArray("description");
        foreach (var cwe in r.Cwes)
        {
            json.WriteStartObject();
            json.WriteString("lang", "en");
            json.WriteString("value", cwe);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteConfigurations(Utf8JsonWriter json, VulnerabilityRecord r)
    {
        json.WriteStartArray("configurations");
        foreach (var configuration in r.Configurations)
        {
            json.WriteStartObject();
            if (configuration.Operator == CpeOperator.And)
            {
                json.WriteString("operator", "AND");
            }

            json.WriteStartArray("nodes");
            foreach (var node in configuration.Nodes)
            {
                json.WriteStartObject();
                json.WriteString("operator", node.Operator == CpeOperator.And ? "AND" : "OR");
                json.WriteBoolean("negate", node.Negate);
                json.WriteStartArray("cpeMatch");
                foreach (var m in node.Matches)
                {
                    WriteMatch(json, m);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteMatch(Utf8JsonWriter json, CpeMatch m)
    {
        json.WriteStartObject();
        json.WriteBoolean("vulnerable", m.Vulnerable);
        json.WriteString("criteria", m.Criteria);
        WriteOptional(json, "versionStartIncluding", m.VersionStartIncluding);
        WriteOptional(json, "versionStartExcluding", m.VersionStartExcluding);
        WriteOptional(json, "versionEndIncluding", m.VersionEndIncluding);
        WriteOptional(json, "versionEndExcluding", m.VersionEndExcluding);
        WriteOptional(json, "matchCriteriaId", m.MatchCriteriaId);
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
