using System.Text.Json;
using FirmwareGate.Core.Tests.Reports;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Gate;

/// <summary>The gate's report files: all written, parseable, carrying the verdict, valid for the shared validators, the same bytes twice.</summary>
public sealed class GateReportTests
{
    /// <summary>The strict default with the zlib CVE waived: a failing gate with one applied waiver (a VEX entry in the SBOM).</summary>
    private const string StrictWithWaiver = """
        version: 1
        vulnerabilities:
          severity: { critical: error, high: error, medium: warning }
        findings: { critical: error, high: error, medium: warning, low: note }
        waivers:
          - cve: CVE-2023-45853
            component: zlib
            reason: minizip is not built; the vulnerable zipOpenNewFileInZip4_64 is not in the image
            owner: firmware-team@example.com
            expires: 2026-12-31
            analysis:
              state: not_affected
              justification: code_not_present
              detail: minizip is not part of the image
        """;

    private static async Task<Dictionary<string, string>> GateWithEveryReport(TempDir temp, string policy, string suffix = "")
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--json"] = temp.Combine($"report{suffix}.json"),
            ["--sbom"] = temp.Combine($"sbom{suffix}.cdx.json"),
            ["--sarif"] = temp.Combine($"gate{suffix}.sarif"),
            ["--markdown"] = temp.Combine($"gate{suffix}.md"),
            ["--html"] = temp.Combine($"gate{suffix}.html"),
        };
        var (code, stdout, stderr) = await GateKit.GateSample(["--policy", policy, "-q", .. files.SelectMany(kv => new[] { kv.Key, kv.Value })]);
        Assert.True(code == 1, $"exit {code}: {stderr}{stdout}");
        Assert.Equal("", stdout);
        return files;
    }

    [Fact]
    public async Task Every_report_is_written_parseable_with_the_verdict_and_the_same_bytes_twice()
    {
        using var temp = new TempDir();
        string policy = GateKit.WritePolicy(temp, StrictWithWaiver);
        var first = await GateWithEveryReport(temp, policy, "-1");
        var second = await GateWithEveryReport(temp, policy, "-2");
        foreach (var option in first.Keys)
        {
            Assert.True(File.ReadAllBytes(first[option]).SequenceEqual(File.ReadAllBytes(second[option])), option + " differs between two runs");
        }

        var json = GateKit.ReadJson(first["--json"]);
        Assert.Equal("fail", json.GetProperty("policy").GetProperty("verdict").GetString());
        Assert.NotEmpty(GateKit.Violations(json));

        var sarif = GateKit.ReadJson(first["--sarif"]);
        Assert.Equal("2.1.0", sarif.GetProperty("version").GetString());
        var results = sarif.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.Contains(results, r => r.GetProperty("ruleId").GetString() == "key.private-unencrypted" && r.GetProperty("level").GetString() == "error");

        string markdown = File.ReadAllText(first["--markdown"]);
        Assert.Contains("fail", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("key.private-unencrypted", markdown, StringComparison.Ordinal);
        Assert.True(markdown.Length < 65_536);

        string html = File.ReadAllText(first["--html"]);
        Assert.StartsWith("<!doctype html>", html.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", "", StringComparison.Ordinal), StringComparison.Ordinal);

        foreach (var path in first.Values)
        {
            string text = File.ReadAllText(path);
            Assert.DoesNotContain("Fg7sampl", text, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY-----", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_sbom_carries_the_waived_cve_as_vex()
    {
        using var temp = new TempDir();
        var files = await GateWithEveryReport(temp, GateKit.WritePolicy(temp, StrictWithWaiver));
        var sbom = GateKit.ReadJson(files["--sbom"]);
        var zlib = sbom.GetProperty("vulnerabilities").EnumerateArray().Single(v => v.GetProperty("id").GetString() == "CVE-2023-45853");
        var analysis = zlib.GetProperty("analysis");
        Assert.Equal("not_affected", analysis.GetProperty("state").GetString());
        Assert.Equal("code_not_present", analysis.GetProperty("justification").GetString());
    }

    [SharedValidatorsFact]
    public async Task The_sarif_and_the_sbom_pass_the_shared_validators()
    {
        using var temp = new TempDir();
        var files = await GateWithEveryReport(temp, GateKit.WritePolicy(temp, StrictWithWaiver));
        var (sarifCode, sarifOutput) = await SarifValidator.RunAsync(files["--sarif"]);
        Assert.True(sarifCode == 0, sarifOutput);
        var (cdxCode, cdxOutput) = await CycloneDxValidator.RunAsync([files["--sbom"]]);
        Assert.True(cdxCode == 0, cdxOutput);
    }

    [Fact]
    public async Task A_report_on_standard_output_replaces_the_terminal_summary()
    {
        var (code, stdout, _) = await GateKit.GateSample("--json", "-");
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("fail", doc.RootElement.GetProperty("policy").GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task A_report_that_cannot_be_written_exits_2()
    {
        var (code, _, stderr) = await GateKit.GateSample("--sarif", "/nonexistent/dir/gate.sarif");
        Assert.Equal(2, code);
        Assert.Contains("cannot write '/nonexistent/dir/gate.sarif'", stderr, StringComparison.Ordinal);
    }
}
