using System.IO.Compression;
using System.Text;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

/// <summary>The real data the repository ships, and small files written in the published formats.</summary>
internal static class SourceFiles
{
    public static string NvdFolder => Path.Combine(TestPaths.RepoRoot, "samples", "vulndb", "nvd");

    public static string ApiPage => TestPaths.Fixture("Vulnerabilities/api-page-1.json");

    public static string KevFolder => TestPaths.Fixture("Vulnerabilities/kev");

    public static string KevCatalogue => Path.Combine(KevFolder, "known_exploited_vulnerabilities.json");

    public static string IndexTsv => TestPaths.Fixture("Vulnerabilities/index.tsv");

    /// <summary>The ids index.tsv lists, in its order.</summary>
    public static List<string> IndexIds() =>
        [.. File.ReadAllLines(IndexTsv).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')[0])];

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>
    /// A CVE JSON 5.1 record laid out after CVEProject/cve-schema <c>schema/CVE_Record_Format.json</c> (cveMetadata,
    /// containers.cna with affected/metrics/problemTypes/references/cpeApplicability, containers.adp as CISA ADP
    /// publishes it) and the version rules of <c>schema/docs/versions.md</c> (lessThan, lessThanOrEqual, changes,
    /// defaultStatus, the <c>5.4.*</c> wildcard and git ranges the Linux CNA writes).
    /// </summary>
    public const string Cve5Record = """
        {
          "dataType": "CVE_RECORD",
          "dataVersion": "5.1",
          "cveMetadata": {
            "cveId": "CVE-2024-0001",
            "assignerOrgId": "b3476cb9-2e3d-41a6-98d0-0f47421a65b6",
            "assignerShortName": "examplecna",
            "state": "PUBLISHED",
            "dateReserved": "2024-01-02T00:00:00.000Z",
            "datePublished": "2024-03-01T10:00:00.000Z",
            "dateUpdated": "2024-03-05T12:30:00.000Z"
          },
          "containers": {
            "cna": {
              "providerMetadata": { "orgId": "b3476cb9-2e3d-41a6-98d0-0f47421a65b6", "shortName": "examplecna" },
              "descriptions": [
                { "lang": "de", "value": "Pufferüberlauf in exampled vor 2.4.1." },
                { "lang": "en", "value": "Heap overflow in exampled before 2.4.1." }
              ],
              "affected": [
                {
                  "vendor": "example",
                  "product": "exampled",
                  "cpes": [ "cpe:2.3:a:example:exampled:*:*:*:*:*:*:*:*" ],
                  "versions": [
                    { "version": "2.0", "lessThan": "2.4.1", "status": "affected", "versionType": "semver" },
                    { "version": "1.8.3", "status": "affected" }
                  ],
                  "defaultStatus": "unaffected"
                },
                {
                  "vendor": "example",
                  "product": "libexample",
                  "versions": [
                    {
                      "version": "0", "lessThanOrEqual": "3.2", "status": "affected", "versionType": "semver",
                      "changes": [ { "at": "3.0.7", "status": "unaffected" } ]
                    }
                  ],
                  "defaultStatus": "unaffected"
                },
                {
                  "vendor": "Linux",
                  "product": "Linux",
                  "defaultStatus": "affected",
                  "versions": [
                    { "version": "4.19", "status": "affected" },
                    { "version": "0", "lessThan": "4.19", "status": "unaffected", "versionType": "semver" },
                    { "version": "5.4.250", "lessThanOrEqual": "5.4.*", "status": "unaffected", "versionType": "semver" },
                    { "version": "6.5", "lessThanOrEqual": "*", "status": "unaffected", "versionType": "original_commit_for_fix" },
                    { "version": "1da177e4c3f4", "lessThan": "8c4e7c5a2b3d", "status": "affected", "versionType": "git" }
                  ]
                }
              ],
              "metrics": [
                {
                  "format": "CVSS",
                  "scenarios": [ { "lang": "en", "value": "GENERAL" } ],
                  "cvssV3_1": {
                    "version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                    "baseScore": 9.8, "baseSeverity": "CRITICAL"
                  }
                }
              ],
              "problemTypes": [
                { "descriptions": [ { "type": "CWE", "cweId": "CWE-122", "lang": "en", "description": "CWE-122 Heap-based Buffer Overflow" } ] }
              ],
              "references": [ { "url": "https://example.org/advisory/1" }, { "url": "https://example.org/advisory/1" } ],
              "cpeApplicability": [
                {
                  "operator": "AND",
                  "nodes": [
                    { "operator": "OR", "negate": false, "cpeMatch": [ { "vulnerable": true, "criteria": "cpe:2.3:a:example:exampled:*:*:*:*:*:*:*:*", "versionEndExcluding": "2.4.1" } ] },
                    { "operator": "OR", "negate": false, "cpeMatch": [ { "vulnerable": false, "criteria": "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*" } ] }
                  ]
                }
              ]
            },
            "adp": [
              {
                "providerMetadata": { "orgId": "134c704f-9b21-4f2e-91b3-4a467353bcc0", "shortName": "CISA-ADP" },
                "metrics": [
                  { "other": { "type": "ssvc", "content": { "id": "CVE-2024-0001" } } },
                  { "cvssV3_1": { "version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "baseScore": 8.8, "baseSeverity": "HIGH" } }
                ],
                "problemTypes": [
                  { "descriptions": [ { "type": "CWE", "cweId": "CWE-787", "lang": "en", "description": "CWE-787 Out-of-bounds Write" } ] }
                ],
                "references": [ { "url": "https://example.org/advisory/2" } ]
              }
            ]
          }
        }
        """;

    /// <summary>A rejected CVE JSON 5 record (<c>state: REJECTED</c>, cna with <c>rejectedReasons</c>), same schema.</summary>
    public const string Cve5Rejected = """
        {
          "dataType": "CVE_RECORD",
          "dataVersion": "5.1",
          "cveMetadata": { "cveId": "CVE-2024-0002", "assignerOrgId": "b3476cb9-2e3d-41a6-98d0-0f47421a65b6", "state": "REJECTED", "dateRejected": "2024-02-01T00:00:00.000Z" },
          "containers": { "cna": { "providerMetadata": { "orgId": "b3476cb9-2e3d-41a6-98d0-0f47421a65b6" }, "rejectedReasons": [ { "lang": "en", "value": "Duplicate of CVE-2024-0001." } ] } }
        }
        """;

    /// <summary>
    /// An OSV record laid out after ossf/osv-schema <c>docs/schema.md</c> (schema 1.6: id, modified, published,
    /// aliases, summary, details, severity with a CVSS_V3 vector, affected[] with package ecosystem/name/purl,
    /// ranges with events and versions, references, database_specific as GitHub advisories carry it).
    /// </summary>
    public const string OsvRecord = """
        {
          "schema_version": "1.6.0",
          "id": "GHSA-abcd-1234-wxyz",
          "modified": "2024-02-01T12:00:00Z",
          "published": "2024-01-15T08:00:00Z",
          "aliases": [ "CVE-2024-1111", "CVE-2024-1111" ],
          "summary": "Cross-site scripting in examplepkg",
          "details": "examplepkg before 1.2.3 does not escape titles.",
          "severity": [ { "type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N" } ],
          "affected": [
            {
              "package": { "ecosystem": "PyPI", "name": "examplepkg", "purl": "pkg:pypi/examplepkg" },
              "ranges": [ { "type": "ECOSYSTEM", "events": [ { "introduced": "0" }, { "fixed": "1.2.3" } ] } ],
              "versions": [ "1.0", "1.2.2" ]
            },
            {
              "package": { "ecosystem": "Debian:12", "name": "python-examplepkg", "purl": "pkg:deb/debian/python-examplepkg@1.1-1?arch=source" },
              "ranges": [ { "type": "ECOSYSTEM", "events": [ { "introduced": "0" }, { "last_affected": "1.1-1" } ] } ]
            }
          ],
          "references": [
            { "type": "ADVISORY", "url": "https://github.com/advisories/GHSA-abcd-1234-wxyz" },
            { "type": "FIX", "url": "https://example.org/examplepkg/commit/1" }
          ],
          "database_specific": { "cwe_ids": [ "CWE-79" ], "severity": "MODERATE", "github_reviewed": true }
        }
        """;

    /// <summary>A withdrawn OSV record (<c>withdrawn</c> set), same schema.</summary>
    public const string OsvWithdrawn = """
        { "schema_version": "1.6.0", "id": "GHSA-dead-beef-0000", "modified": "2024-03-01T00:00:00Z", "withdrawn": "2024-03-01T00:00:00Z", "affected": [] }
        """;

    /// <summary>
    /// EPSS scores as FIRST publishes them (https://www.first.org/epss/data_stats, epss_scores-YYYY-MM-DD.csv.gz):
    /// a <c>#model_version:...,score_date:...</c> line, the header <c>cve,epss,percentile</c>, one CVE per line.
    /// </summary>
    public const string EpssCsv = """
        #model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z
        cve,epss,percentile
        CVE-1999-0001,0.01141,0.77903
        CVE-2023-45853,0.00395,0.59501
        CVE-2024-3094,0.84552,0.99328

        """;
}
