using System.Text.Json;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Reports.Gate;

/// <summary>The JSON report's <c>policy</c> section and the SBOM's VEX for waived vulnerabilities; no secret in any output.</summary>
public sealed class PolicyJsonAndVexTests(SampleGate gate) : IClassFixture<SampleGate>
{
    [Fact]
    public void Policy_section_has_the_verdict_violations_and_waivers()
    {
        var outcome = gate.Outcome();
        var root = JsonDocument.Parse(JsonReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion, outcome)).RootElement;
        var policy = root.GetProperty("policy");
        Assert.Equal(["file", "verdict", "violations", "waivers", "uncovered"], policy.EnumerateObject().Select(p => p.Name));
        Assert.Equal("policies/firmwaregate.yml", policy.GetProperty("file").GetString());
        Assert.Equal("fail", policy.GetProperty("verdict").GetString());
        Assert.Equal(4, policy.GetProperty("uncovered").GetInt32());

        var violations = policy.GetProperty("violations").EnumerateArray().ToList();
        Assert.Equal(outcome.Violations.Count, violations.Count);
        Assert.Equal(
            ["kind", "ruleId", "ref", "fingerprint", "message", "location", "path", "severity", "level", "policyRule", "policyLine", "policyColumn", "waived", "inBaseline", "fails"],
            violations[0].EnumerateObject().Select(p => p.Name));
        var telnet = violations.Single(v => v.GetProperty("ruleId").GetString() == "config.telnetd_enabled");
        Assert.Equal("finding", telnet.GetProperty("kind").GetString());
        Assert.Equal("waivers[0]", telnet.GetProperty("waived").GetString());
        Assert.False(telnet.GetProperty("fails").GetBoolean());
        Assert.Equal(20, telnet.GetProperty("policyLine").GetInt32());
        Assert.Equal("high", telnet.GetProperty("severity").GetString());
        var database = violations.Single(v => v.GetProperty("ruleId").GetString() == "database.age");
        Assert.Equal(JsonValueKind.Null, database.GetProperty("policyLine").ValueKind);
        Assert.Equal(JsonValueKind.Null, database.GetProperty("waived").ValueKind);
        Assert.Equal("note", database.GetProperty("level").GetString());
        var cve = violations.Single(v => v.GetProperty("ruleId").GetString() == "CVE-2022-48174");
        Assert.Equal("vulnerability", cve.GetProperty("kind").GetString());
        Assert.Equal("CVE-2022-48174@busybox@1.35.0", cve.GetProperty("ref").GetString());
        Assert.True(cve.GetProperty("fails").GetBoolean());

        var waivers = policy.GetProperty("waivers");
        var applied = waivers.GetProperty("applied").EnumerateArray().ToList();
        Assert.Equal(["waivers[0]", "waivers[1]"], applied.Select(a => a.GetProperty("id").GetString()));
        Assert.Equal("platform-team", applied[0].GetProperty("owner").GetString());
        Assert.Equal("2027-01-31", applied[0].GetProperty("expires").GetString());
        Assert.Equal(1, applied[0].GetProperty("count").GetInt32());
        Assert.Equal("waivers[2]", Assert.Single(waivers.GetProperty("expired").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("waivers[3]", Assert.Single(waivers.GetProperty("stale").EnumerateArray()).GetProperty("id").GetString());

        var waived = root.GetProperty("vulnerabilities").EnumerateArray()
            .Where(v => v.GetProperty("waived").GetBoolean())
            .Select(v => v.GetProperty("id").GetString() + "@" + v.GetProperty("componentRef").GetString());
        Assert.Equal(["CVE-2023-45853@zlib@1.2.13"], waived);
    }

    [Fact]
    public void Policy_is_null_without_an_outcome_and_the_rest_of_the_report_is_unchanged()
    {
        string without = JsonReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion);
        var root = JsonDocument.Parse(without).RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("policy").ValueKind);
        Assert.All(root.GetProperty("vulnerabilities").EnumerateArray(), v => Assert.False(v.GetProperty("waived").GetBoolean()));
        string with = JsonReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion, gate.Outcome());
        Assert.Equal(root.GetProperty("findings").GetRawText(), JsonDocument.Parse(with).RootElement.GetProperty("findings").GetRawText());
        Assert.Equal(with, JsonReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion, gate.Outcome()));
    }

    [Fact]
    public void Waived_vulnerabilities_carry_their_vex_analysis_and_the_sbom_stays_valid()
    {
        string sbom = CycloneDxReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion, gate.Outcome());
        Assert.Empty(CycloneDxReportWriter.Validate(sbom));
        var vulnerabilities = JsonDocument.Parse(sbom).RootElement.GetProperty("vulnerabilities").EnumerateArray().ToList();

        var zlib = vulnerabilities.Single(v => v.GetProperty("id").GetString() == "CVE-2023-45853").GetProperty("analysis");
        Assert.Equal("not_affected", zlib.GetProperty("state").GetString());
        Assert.Equal("code_not_present", zlib.GetProperty("justification").GetString());
        Assert.Equal(["will_not_fix"], zlib.GetProperty("response").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("minizip is not built (waiver waivers[1], owner security@example.com, expires 2027-03-01)", zlib.GetProperty("detail").GetString());

        // Not waived: no analysis (an affected match), or the matcher's in_triage (an unconfirmed one).
        Assert.False(vulnerabilities.Single(v => v.GetProperty("id").GetString() == "CVE-2022-48174").TryGetProperty("analysis", out _));
        Assert.Equal("in_triage", vulnerabilities.Single(v => v.GetProperty("id").GetString() == "CVE-2025-47203").GetProperty("analysis").GetProperty("state").GetString());
    }

    [Fact]
    public void A_waiver_without_analysis_is_an_accepted_risk_that_wont_be_fixed()
    {
        var outcome = gate.Outcome();
        var busybox = outcome.Violations.Single(v => v.RuleId == "CVE-2022-48174") with { WaivedBy = SampleGate.TelnetWaiver with { Cve = "CVE-2022-48174", Rule = null }, Fails = false };
        outcome = outcome with { Violations = [.. outcome.Violations.Select(v => v.RuleId == "CVE-2022-48174" ? busybox : v)] };
        string sbom = CycloneDxReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion, outcome);
        Assert.Empty(CycloneDxReportWriter.Validate(sbom));
        var analysis = JsonDocument.Parse(sbom).RootElement.GetProperty("vulnerabilities").EnumerateArray()
            .Single(v => v.GetProperty("id").GetString() == "CVE-2022-48174").GetProperty("analysis");
        Assert.Equal("exploitable", analysis.GetProperty("state").GetString());
        Assert.False(analysis.TryGetProperty("justification", out _));
        Assert.Equal(["will_not_fix"], analysis.GetProperty("response").EnumerateArray().Select(r => r.GetString()));
        Assert.StartsWith(SampleGate.TelnetWaiver.Reason, analysis.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [CycloneDxValidatorFact]
    public async Task The_sbom_with_vex_passes_the_shared_strict_validator()
    {
        using var temp = new TempDir();
        string file = temp.Combine("vex.cdx.json");
        File.WriteAllText(file, CycloneDxReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion, gate.Outcome()));
        var (code, output) = await CycloneDxValidator.RunAsync([file]);
        Assert.True(code == 0, output);
    }

    [Fact]
    public void No_output_carries_the_sample_password_salt_or_key_material()
    {
        using var repo = new TempDir();
        var report = gate.Report(gate.Outcome(repo.Combine("firmwaregate.yml")), repo.Path);
        var outputs = new Dictionary<string, string>
        {
            ["sarif"] = SarifReportWriter.ToJson(report),
            ["markdown"] = MarkdownReportWriter.ToMarkdown(report),
            ["html"] = HtmlReportWriter.ToHtml(report),
            ["json"] = JsonReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion, report.Outcome),
            ["sbom"] = CycloneDxReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion, report.Outcome),
        };

        // The sample's root hash is md5crypt with salt Fg7sampl (samples/make-sample.sh); its key is a PEM block.
        Assert.Contains("Fg7sampl", File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "samples", "make-sample.sh")), StringComparison.Ordinal);
        foreach (var (name, text) in outputs)
        {
            Assert.True(text.Length > 1_000, name);
            Assert.DoesNotContain("Fg7sampl", text, StringComparison.Ordinal);
            Assert.DoesNotContain("BEGIN", text, StringComparison.Ordinal);
            Assert.DoesNotContain("$1$", text, StringComparison.Ordinal);
        }
    }
}
