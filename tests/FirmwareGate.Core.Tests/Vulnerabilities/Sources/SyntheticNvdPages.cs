using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

/// <summary>
/// Synthetic NVD CVE API 2.0 pages in the real schema, for throughput figures: each record has an English
/// description, a CVSS v3.1 metric, a CWE, two references and one configuration of five cpeMatch ranges (NVD's
/// 1.5 million match entries over 300,000 CVEs).
/// </summary>
internal static class SyntheticNvdPages
{
    private static readonly string[] Products = ["openssl", "busybox", "zlib", "curl", "linux_kernel", "dropbear_ssh", "dnsmasq", "libxml2", "expat", "sqlite"];

    public static byte[] Page(int startIndex, int count, int total)
    {
        var buffer = new ArrayBufferWriter<byte>(count * 2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("resultsPerPage", count);
            w.WriteNumber("startIndex", startIndex);
            w.WriteNumber("totalResults", total);
            w.WriteString("format", "NVD_CVE");
            w.WriteString("version", "2.0");
            w.WriteString("timestamp", "2026-11-20T00:00:00.000");
            w.WriteStartArray("vulnerabilities");
            for (var i = startIndex; i < startIndex + count; i++)
            {
                w.WriteStartObject();
                w.WritePropertyName("cve");
                Cve(w, i);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Cve(Utf8JsonWriter w, int n)
    {
        var product = Products[n % Products.Length];
        w.WriteStartObject();
        w.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"CVE-{2000 + (n % 26)}-{n:D6}"));
        w.WriteString("sourceIdentifier", "cve@mitre.org");
        w.WriteString("published", "2024-04-08T06:15:07.243");
        w.WriteString("lastModified", "2025-05-03T12:15:40.180");
        w.WriteString("vulnStatus", "Analyzed");
        w.WriteStartArray("descriptions");
        w.WriteStartObject();
        w.WriteString("lang", "en");
        w.WriteString("value", $"Synthetic record {n}: a heap-based buffer over-read in {product} allows remote attackers to cause a denial of service via crafted input.");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("metrics");
        w.WriteStartArray("cvssMetricV31");
        w.WriteStartObject();
        w.WriteString("source", "nvd@nist.gov");
        w.WriteString("type", "Primary");
        w.WriteStartObject("cvssData");
        w.WriteString("version", "3.1");
        w.WriteString("vectorString", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H");
        w.WriteNumber("baseScore", 9.1);
        w.WriteString("baseSeverity", "CRITICAL");
        w.WriteEndObject();
        w.WriteNumber("exploitabilityScore", 3.9);
        w.WriteNumber("impactScore", 5.2);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("weaknesses");
        w.WriteStartObject();
        w.WriteString("source", "nvd@nist.gov");
        w.WriteString("type", "Primary");
        w.WriteStartArray("description");
        w.WriteStartObject();
        w.WriteString("lang", "en");
        w.WriteString("value", "CWE-125");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("configurations");
        w.WriteStartObject();
        w.WriteStartArray("nodes");
        w.WriteStartObject();
        w.WriteString("operator", "OR");
        w.WriteBoolean("negate", false);
        w.WriteStartArray("cpeMatch");
        for (var m = 0; m < 5; m++)
        {
            w.WriteStartObject();
            w.WriteBoolean("vulnerable", true);
            w.WriteString("criteria", $"cpe:2.3:a:{product}:{product}:*:*:*:*:*:*:*:*");
            w.WriteString("versionStartIncluding", string.Create(CultureInfo.InvariantCulture, $"{m + 1}.0.0"));
            w.WriteString("versionEndExcluding", string.Create(CultureInfo.InvariantCulture, $"{m + 1}.{n % 40}.{n % 7}"));
            w.WriteString("matchCriteriaId", string.Create(CultureInfo.InvariantCulture, $"{n:X8}-0000-4000-8000-{m:D12}"));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("references");
        w.WriteStartObject();
        w.WriteString("url", $"https://example.org/advisories/{n}");
        w.WriteString("source", "cve@mitre.org");
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("url", $"https://example.org/commits/{n:x}");
        w.WriteString("source", "cve@mitre.org");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
