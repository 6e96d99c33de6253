using System.Text.Json;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Reports.Gate;

/// <summary>The sample policy evaluated on the sample image by the real loader and evaluator, then every report written.</summary>
public sealed class EndToEndGateReportTests(SampleGate gate) : IClassFixture<SampleGate>
{
    private (TempDir Repo, string PolicyPath, GateReport Report) Evaluate()
    {
        var repo = new TempDir();
        string policyPath = repo.Combine("firmware", "firmware-policy.yml");
        Directory.CreateDirectory(Path.GetDirectoryName(policyPath)!);
        File.Copy(Path.Combine(TestPaths.RepoRoot, "samples", "firmware-policy.yml"), policyPath);
        var policy = PolicyLoader.Load(policyPath);
        var facts = ScanFacts.FromScan(gate.Scan);
        var outcome = PolicyEvaluator.Evaluate(policy, facts, new EvaluationOptions { Now = SampleGate.Now });
        var report = new GateReport { Scan = gate.Scan, Facts = facts, Policy = policy, Outcome = outcome, ToolVersion = SampleGate.ToolVersion, RepositoryRoot = repo.Path };
        return (repo, policyPath, report);
    }

    [Fact]
    public void Sarif_results_point_at_the_policy_lines_that_decided_them()
    {
        var (repo, policyPath, report) = Evaluate();
        using (repo)
        {
            string[] lines = File.ReadAllLines(policyPath);
            var results = JsonDocument.Parse(SarifReportWriter.ToJson(report)).RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(report.Outcome.Violations.Count + report.Outcome.Uncovered.Count, results.Count);
            var shadow = results.Single(r => r.GetProperty("ruleId").GetString() == "account.default-password").GetProperty("locations")[0].GetProperty("physicalLocation");
            Assert.Equal("firmware/firmware-policy.yml", shadow.GetProperty("artifactLocation").GetProperty("uri").GetString());
            int line = shadow.GetProperty("region").GetProperty("startLine").GetInt32();
            Assert.Contains("default-password", lines[line - 1], StringComparison.Ordinal);

            var cve = results.First(r => r.GetProperty("ruleId").GetString() == "CVE-2022-48174").GetProperty("locations")[0].GetProperty("physicalLocation");
            string decided = lines[cve.GetProperty("region").GetProperty("startLine").GetInt32() - 1];
            Assert.True(decided.Contains("critical", StringComparison.Ordinal) || decided.Contains("known-exploited", StringComparison.Ordinal), decided);
            Assert.Equal(report.Outcome.ExitCode, JsonDocument.Parse(SarifReportWriter.ToJson(report)).RootElement.GetProperty("runs")[0].GetProperty("invocations")[0].GetProperty("exitCode").GetInt32());
        }
    }

    [Fact]
    public void Every_report_is_written_and_agrees_on_the_verdict()
    {
        var (repo, _, report) = Evaluate();
        using (repo)
        {
            string word = GateSummary.VerdictWord(report.Outcome.Verdict);
            Assert.StartsWith($"**{word}**", MarkdownReportWriter.ToMarkdown(report), StringComparison.Ordinal);
            Assert.Contains($"<h1>{word}</h1>", HtmlReportWriter.ToHtml(report), StringComparison.Ordinal);
            var json = JsonDocument.Parse(JsonReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion, report.Outcome)).RootElement.GetProperty("policy");
            Assert.Equal(PolicyVerdictNames.Of(report.Outcome.Verdict), json.GetProperty("verdict").GetString());
            Assert.Equal(report.Outcome.Violations.Count, json.GetProperty("violations").GetArrayLength());
            Assert.Empty(CycloneDxReportWriter.Validate(CycloneDxReportWriter.ToJson(gate.Scan, SampleGate.ToolVersion, report.Outcome)));
        }
    }

    [SarifValidatorFact]
    public async Task The_sarif_of_a_real_evaluation_passes_githubs_rules()
    {
        var (repo, _, report) = Evaluate();
        using (repo)
        {
            string file = repo.Combine("firmwaregate.sarif");
            File.WriteAllText(file, SarifReportWriter.ToJson(report));
            string strict = repo.Combine("strict-default.sarif");
            File.WriteAllText(strict, SarifReportWriter.ToJson(report with
            {
                Policy = PolicyLoader.StrictDefault,
                Outcome = PolicyEvaluator.Evaluate(PolicyLoader.StrictDefault, report.Facts, new EvaluationOptions { Now = SampleGate.Now }),
            }));
            var (code, output) = await SharedValidator.RunAsync("validate-sarif", ["--gh-rules", file]);
            Assert.True(code == 0, output);
            (code, output) = await SharedValidator.RunAsync("validate-sarif", [strict]);
            Assert.True(code == 0, output);
        }
    }
}
