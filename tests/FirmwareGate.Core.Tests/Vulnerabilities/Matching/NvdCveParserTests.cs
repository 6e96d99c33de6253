using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Matching;

public sealed class NvdCveParserTests
{
    [Fact]
    public void Every_sample_record_parses_with_its_id_and_status()
    {
        Assert.Equal(22, NvdSamples.Records.Count);
        foreach (string file in Directory.GetFiles(NvdSamples.Folder, "*.json"))
        {
            Assert.True(NvdSamples.Records.ContainsKey(Path.GetFileNameWithoutExtension(file)), file);
        }
    }

    [Fact]
    public void Sudo_record_has_its_fields_primary_rating_first_and_utc_times()
    {
        VulnerabilityRecord r = NvdSamples.Get("CVE-2025-32463");
        Assert.Equal("nvd", r.Source);
        Assert.Equal("Analyzed", r.Status);
        Assert.StartsWith("Sudo before 1.9.17p1", r.Description, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2025, 6, 30, 21, 15, 30, 257, TimeSpan.Zero), r.Published);
        Assert.Equal(TimeSpan.Zero, r.LastModified!.Value.Offset);
        Assert.Equal(2, r.Ratings.Count);
        Assert.True(r.Ratings[0].Primary);
        Assert.Equal(("3.1", 7.8, "high", "nvd@nist.gov"), (r.Ratings[0].Version, r.Ratings[0].Score, r.Ratings[0].Severity, r.Ratings[0].Source));
        Assert.Equal(9.3, r.Ratings[1].Score);
        Assert.Equal(["CWE-829"], r.Cwes);
        Assert.Equal(["https://www.sudo.ws/security/advisories/"], r.References);
        Assert.Equal(2, r.Configurations.Count);
        CpeMatch first = r.Configurations[0].Nodes[0].Matches[0];
        Assert.Equal(("1.9.14", "1.9.17", "91CD68ED-9A18-47B6-91E5-C20D2F69AB65"), (first.VersionStartIncluding, first.VersionEndExcluding, first.MatchCriteriaId));
        Assert.True(first.Vulnerable);
        Assert.Equal(CpeOperator.Or, r.Configurations[0].Operator);
        Assert.Null(r.Kev);
    }

    [Fact]
    public void Kev_fields_of_an_nvd_record_become_its_kev_entry()
    {
        VulnerabilityRecord r = NvdSamples.Get("CVE-2024-1086");
        Assert.NotNull(r.Kev);
        Assert.Equal("CVE-2024-1086", r.Kev.CveId);
        Assert.Equal("2024-05-30", r.Kev.DateAdded);
        Assert.NotNull(r.Kev.Name);
        Assert.NotNull(r.Kev.RequiredAction);
    }

    [Fact]
    public void And_configuration_with_platform_nodes_keeps_operator_and_vulnerable_false()
    {
        VulnerabilityRecord r = NvdSamples.Get("CVE-2022-43680");
        CpeConfiguration and = r.Configurations.First(c => c.Operator == CpeOperator.And);
        Assert.Contains(and.Nodes.SelectMany(n => n.Matches), m => !m.Vulnerable);
    }

    [Fact]
    public void Records_without_configurations_parse_with_none()
    {
        Assert.Empty(NvdSamples.Get("CVE-2023-4911").Configurations);
        Assert.Equal("Awaiting Analysis", NvdSamples.Get("CVE-2023-4911").Status);
    }

    [Fact]
    public void Nvd_placeholder_weaknesses_are_dropped_and_v2_v4_metrics_are_read()
    {
        const string json = """
            {"id":"CVE-2000-0001","weaknesses":[{"description":[{"lang":"en","value":"NVD-CWE-Other"},{"lang":"en","value":"CWE-79"},{"lang":"en","value":"NVD-CWE-noinfo"}]}],
             "metrics":{"cvssMetricV2":[{"source":"nvd@nist.gov","type":"Primary","cvssData":{"version":"2.0","vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P","baseScore":7.5},"baseSeverity":"HIGH"}],
                        "cvssMetricV40":[{"source":"cna@x","type":"Secondary","cvssData":{"version":"4.0","vectorString":"CVSS:4.0/AV:N","baseScore":9.3,"baseSeverity":"CRITICAL"}}]},
             "descriptions":[{"lang":"es","value":"hola"},{"lang":"en","value":"hello"}]}
            """;
        VulnerabilityRecord r = Parse(json, out _)!;
        Assert.Equal(["CWE-79"], r.Cwes);
        Assert.Equal("hello", r.Description);
        Assert.Equal(["2.0", "4.0"], r.Ratings.Select(x => x.Version));
        Assert.Equal("high", r.Ratings[0].Severity);
    }

    [Theory]
    [InlineData("[]", "JSON object")]
    [InlineData("{}", "\"id\"")]
    [InlineData("""{"id":"CVE-1","configurations":{}}""", "not an array")]
    [InlineData("""{"id":"CVE-1","configurations":[{"nodes":[{"operator":"XOR","cpeMatch":[]}]}]}""", "neither AND nor OR")]
    [InlineData("""{"id":"CVE-1","configurations":[{"nodes":[{"cpeMatch":[{"vulnerable":true}]}]}]}""", "criteria")]
    [InlineData("""{"id":"CVE-1","configurations":[{"nodes":[{"cpeMatch":[{"criteria":"cpe:2.3:a:x:y:*:*:*:*:*:*:*:*"}]}]}]}""", "vulnerable")]
    public void Malformed_records_give_null_and_an_error(string json, string expected)
    {
        Assert.Null(Parse(json, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static VulnerabilityRecord? Parse(string json, out string? error)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return NvdCveParser.Parse(doc.RootElement, out error);
    }
}
