using System.Text.Json;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Reports.Gate;

/// <summary>The gate's SARIF log over the sample's real findings and vulnerabilities.</summary>
public sealed class SarifReportWriterTests(SampleGate gate) : IClassFixture<SampleGate>
{
    private static JsonElement Run(string sarif) => JsonDocument.Parse(sarif).RootElement.GetProperty("runs")[0];

    private static IEnumerable<JsonElement> Results(string sarif) => Run(sarif).GetProperty("results").EnumerateArray();

    /// <summary>A repository with the policy file in it, and the report with that file.</summary>
    private (TempDir Repo, GateReport Report) InRepository()
    {
        var repo = new TempDir();
        string policy = repo.Combine("policies", "firmware gate.yml");
        return (repo, gate.Report(gate.Outcome(policy), repo.Path));
    }

    [Fact]
    public void One_result_per_violation_and_uncovered_finding_and_one_rule_per_rule_id()
    {
        var outcome = gate.Outcome();
        string sarif = SarifReportWriter.ToJson(gate.Report(outcome));
        var root = JsonDocument.Parse(sarif).RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Contains("sarif-schema-2.1.0.json", root.GetProperty("$schema").GetString(), StringComparison.Ordinal);
        var results = Results(sarif).ToList();
        Assert.Equal(9 + 4, results.Count);
        Assert.Equal(4, outcome.Uncovered.Count);

        var rules = Run(sarif).GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        var expectedIds = outcome.Violations.Select(v => v.RuleId)
            .Concat(gate.Facts.Findings.Where(f => outcome.Uncovered.Contains(f.Fingerprint)).Select(f => f.RuleId))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedIds, rules.Select(r => r.GetProperty("id").GetString()));
        foreach (var result in results)
        {
            int index = result.GetProperty("ruleIndex").GetInt32();
            Assert.Equal(result.GetProperty("ruleId").GetString(), rules[index].GetProperty("id").GetString());
        }

        var driver = Run(sarif).GetProperty("tool").GetProperty("driver");
        Assert.Equal("FirmwareGate", driver.GetProperty("name").GetString());
        Assert.Equal(SampleGate.ToolVersion, driver.GetProperty("version").GetString());
        var invocation = Run(sarif).GetProperty("invocations")[0];
        Assert.Equal(1, invocation.GetProperty("exitCode").GetInt32());
        Assert.True(invocation.GetProperty("executionSuccessful").GetBoolean());
    }

    [Fact]
    public void Levels_fingerprints_and_logical_locations_follow_the_violations()
    {
        var outcome = gate.Outcome();
        var results = Results(SarifReportWriter.ToJson(gate.Report(outcome))).ToList();
        foreach (var (v, r) in outcome.Violations.Zip(results))
        {
            Assert.Equal(PolicyLevelNames.Of(v.Level), r.GetProperty("level").GetString());
            Assert.Equal(v.Fingerprint, r.GetProperty("partialFingerprints").GetProperty(SarifReportWriter.FingerprintKey).GetString());
            var logical = r.GetProperty("locations")[0].GetProperty("logicalLocations")[0];
            Assert.Equal(v.Location, logical.GetProperty("fullyQualifiedName").GetString());
            Assert.Equal("router-sample.trx", logical.GetProperty("properties").GetProperty("image").GetString());
        }

        var shadow = results.Single(r => r.GetProperty("ruleId").GetString() == "account.default-password");
        Assert.Equal("trx/squashfs(xz)", shadow.GetProperty("locations")[0].GetProperty("logicalLocations")[0].GetProperty("properties").GetProperty("layers").GetString());
        Assert.All(results.Skip(outcome.Violations.Count), r => Assert.Equal("note", r.GetProperty("level").GetString()));
        Assert.All(results.Skip(outcome.Violations.Count), r => Assert.True(r.GetProperty("properties").GetProperty("uncovered").GetBoolean()));
    }

    [Fact]
    public void Waived_violations_carry_an_accepted_external_suppression_with_the_reason()
    {
        var results = Results(SarifReportWriter.ToJson(gate.Report())).ToList();
        var suppressed = results.Where(r => r.TryGetProperty("suppressions", out _)).ToList();
        Assert.Equal(["CVE-2023-45853", "config.telnetd_enabled"], suppressed.Select(r => r.GetProperty("ruleId").GetString()).Order(StringComparer.Ordinal));
        var telnet = suppressed.Single(r => r.GetProperty("ruleId").GetString() == "config.telnetd_enabled").GetProperty("suppressions")[0];
        Assert.Equal("external", telnet.GetProperty("kind").GetString());
        Assert.Equal("accepted", telnet.GetProperty("status").GetString());
        Assert.Equal(SampleGate.TelnetWaiver.Reason, telnet.GetProperty("justification").GetString());
        Assert.Equal("2027-01-31", telnet.GetProperty("properties").GetProperty("expires").GetString());
    }

    [Fact]
    public void Physical_location_points_at_the_deciding_policy_line_only_inside_the_repository()
    {
        var (repo, report) = InRepository();
        using (repo)
        {
            var results = Results(SarifReportWriter.ToJson(report)).ToList();
            var cve = results.First(r => r.GetProperty("ruleId").GetString() == "CVE-2022-48174").GetProperty("locations")[0].GetProperty("physicalLocation");
            Assert.Equal("policies/firmware%20gate.yml", cve.GetProperty("artifactLocation").GetProperty("uri").GetString());
            Assert.Equal("%SRCROOT%", cve.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString());
            Assert.Equal(5, cve.GetProperty("region").GetProperty("startLine").GetInt32());
            Assert.Equal(15, cve.GetProperty("region").GetProperty("startColumn").GetInt32());

            // A built-in rule points at the file's first line.
            var database = results.Single(r => r.GetProperty("ruleId").GetString() == "database.age").GetProperty("locations")[0].GetProperty("physicalLocation");
            Assert.Equal(1, database.GetProperty("region").GetProperty("startLine").GetInt32());
        }

        using var elsewhere = new TempDir();
        using var otherRepo = new TempDir();
        var outside = gate.Report(gate.Outcome(elsewhere.Combine("policy.yml")), otherRepo.Path);
        Assert.All(Results(SarifReportWriter.ToJson(outside)), r => Assert.False(r.GetProperty("locations")[0].TryGetProperty("physicalLocation", out _)));
        Assert.All(Results(SarifReportWriter.ToJson(gate.Report())), r => Assert.False(r.GetProperty("locations")[0].TryGetProperty("physicalLocation", out _)));
        Assert.All(Results(SarifReportWriter.ToJson(gate.Report(gate.Outcome(policyFile: null), otherRepo.Path))), r => Assert.False(r.GetProperty("locations")[0].TryGetProperty("physicalLocation", out _)));
    }

    [Fact]
    public void Rules_link_into_docs_and_vulnerabilities_carry_their_cvss_as_security_severity()
    {
        var rules = Run(SarifReportWriter.ToJson(gate.Report())).GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!, StringComparer.Ordinal);
        var shadow = rules["account.default-password"];
        Assert.Equal("https://github.com/firmwaregate/firmwaregate/blob/main/docs/accounts.md", shadow.GetProperty("helpUri").GetString());
        Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, "docs", "accounts.md")));
        Assert.Equal("Account password matches a common default password", shadow.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Contains("docs/accounts.md", shadow.GetProperty("help").GetProperty("markdown").GetString(), StringComparison.Ordinal);
        Assert.Equal("https://github.com/firmwaregate/firmwaregate/blob/main/docs/policy.md#hardening", rules["hardening.pie"].GetProperty("helpUri").GetString());

        var zlib = rules["CVE-2023-45853"];
        var record = gate.Scan.Vulnerabilities.Items.Single(v => v.Id == "CVE-2023-45853");
        Assert.Equal(record.Record.Description, zlib.GetProperty("fullDescription").GetProperty("text").GetString());
        Assert.Equal(record.Rating!.Score.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), zlib.GetProperty("properties").GetProperty("security-severity").GetString());
        Assert.Equal("critical", zlib.GetProperty("properties").GetProperty("severity").GetString());
        Assert.Equal("https://nvd.nist.gov/vuln/detail/CVE-2023-45853", zlib.GetProperty("helpUri").GetString());
    }

    [Fact]
    public void Baseline_state_says_new_or_unchanged()
    {
        var results = Results(SarifReportWriter.ToJson(gate.Report(gate.Outcome(baseline: true)))).ToList();
        Assert.Equal("unchanged", results.Single(r => r.GetProperty("ruleId").GetString() == "key.private-unencrypted").GetProperty("baselineState").GetString());
        Assert.Equal("new", results.Single(r => r.GetProperty("ruleId").GetString() == "CVE-2022-48174").GetProperty("baselineState").GetString());
        Assert.DoesNotContain(Results(SarifReportWriter.ToJson(gate.Report())), r => r.TryGetProperty("baselineState", out _));
    }

    [Fact]
    public void The_same_report_gives_the_same_bytes()
    {
        var (repo, report) = InRepository();
        using (repo)
        {
            Assert.Equal(SarifReportWriter.ToJson(report), SarifReportWriter.ToJson(report with { Outcome = report.Outcome with { } }));
            Assert.DoesNotContain("\r", SarifReportWriter.ToJson(report), StringComparison.Ordinal);
        }
    }

    [SarifValidatorFact]
    public async Task Logs_pass_the_shared_validator_and_githubs_rules_when_the_policy_is_in_the_repository()
    {
        var (repo, report) = InRepository();
        using (repo)
        {
            using var temp = new TempDir();
            string inRepo = temp.Combine("in-repo.sarif");
            string logical = temp.Combine("logical-only.sarif");
            string hostile = temp.Combine("hostile.sarif");
            File.WriteAllText(inRepo, SarifReportWriter.ToJson(report));
            File.WriteAllText(logical, SarifReportWriter.ToJson(gate.Report()));
            File.WriteAllText(hostile, SarifReportWriter.ToJson(gate.Report(gate.Outcome(extra: [Hostile.Violation]))));
            var (code, output) = await SharedValidator.RunAsync("validate-sarif", [inRepo, logical, hostile]);
            Assert.True(code == 0, output);
            Assert.Equal(3, output.Split('\n').Count(l => l.EndsWith(": valid SARIF 2.1.0", StringComparison.Ordinal)));

            var (ghCode, ghOutput) = await SharedValidator.RunAsync("validate-sarif", ["--gh-rules", inRepo]);
            Assert.True(ghCode == 0, ghOutput);
        }
    }

    [SarifValidatorFact]
    public async Task The_shared_validator_rejects_a_result_whose_rule_is_missing()
    {
        using var temp = new TempDir();
        string broken = temp.Combine("broken.sarif");
        File.WriteAllText(broken, SarifReportWriter.ToJson(gate.Report()).Replace("\"ruleId\": \"hardening.pie\"", "\"ruleId\": \"hardening.nowhere\"", StringComparison.Ordinal));
        var (code, _) = await SharedValidator.RunAsync("validate-sarif", [broken]);
        Assert.Equal(1, code);
    }
}
