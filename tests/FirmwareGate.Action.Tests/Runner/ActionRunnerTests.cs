using System.Text.Json;
using System.Text.RegularExpressions;
using FirmwareGate.Action.GitHub;
using FirmwareGate.Action.Tests.Support;

namespace FirmwareGate.Action.Tests.Runner;

/// <summary>The program in process: the runner's environment as a dictionary, GitHub recorded, real images and files.</summary>
public sealed partial class ActionRunnerTests
{
    private static async Task<(int Exit, string Log)> RunAsync(RunnerWorkspace ws, IGitHubReporter? reporter)
    {
        using var log = new StringWriter();
        int exit = await ActionRunner.RunAsync(ActionEnvironment.From(ws.Environment), log, _ => reporter, CancellationToken.None);
        return (exit, log.ToString());
    }

    private static List<JsonElement> FailingViolations(string reportPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(reportPath));
        return doc.RootElement.GetProperty("policy").GetProperty("violations").EnumerateArray()
            .Where(v => v.GetProperty("fails").GetBoolean()).Select(v => v.Clone()).ToList();
    }

    [Fact]
    public async Task A_push_gates_the_image_and_writes_outputs_summary_reports_and_a_check_run()
    {
        using var ws = new RunnerWorkspace();
        ws.AddSample("router.trx");
        ws.Environment["INPUT_IMAGES"] = "dist/*.trx";
        var github = new RecordingGitHubReporter();

        var (exit, log) = await RunAsync(ws, github);

        // samples/make-sample.sh plants weaknesses the shipped starter policy rejects.
        Assert.Equal(1, exit);
        var outputs = ws.Outputs();
        Assert.Equal("fail", outputs["verdict"]);
        Assert.Equal("firmwaregate/sbom.cdx.json", outputs["sbom"]);
        Assert.Equal("firmwaregate/results.sarif", outputs["sarif"]);
        Assert.Equal("firmwaregate/report.json", outputs["report"]);
        var failing = FailingViolations(Path.Combine(ws.Workspace, "firmwaregate", "report.json"));
        Assert.NotEmpty(failing);
        Assert.Equal(failing.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), outputs["violations"]);
        Assert.True(File.Exists(Path.Combine(ws.Workspace, "firmwaregate", "sbom.cdx.json")));
        using (var sarif = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ws.Workspace, "firmwaregate", "results.sarif"))))
        {
            Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        }

        Assert.StartsWith("## FirmwareGate: FAIL", ws.Summary(), StringComparison.Ordinal);
        Assert.Contains(".github/firmware-policy.yml", ws.Summary(), StringComparison.Ordinal);
        Assert.DoesNotContain(ws.Workspace, ws.Summary(), StringComparison.Ordinal);

        var run = Assert.Single(github.CheckRuns);
        Assert.Equal(ws.Environment["GITHUB_SHA"], run.HeadSha);
        Assert.Equal("failure", run.Conclusion);
        Assert.Equal(ws.Summary().TrimEnd(), run.Summary.TrimEnd());
        Assert.Equal(failing.Count, run.Annotations.Count(a => a.Level == CheckAnnotationLevel.Failure));
        Assert.Empty(github.Comments); // a push has no pull request

        // Each failing violation is annotated on the policy line that decided it.
        string[] policyLines = File.ReadAllLines(ws.PolicyPath);
        foreach (var annotation in run.Annotations.Where(a => a.Level == CheckAnnotationLevel.Failure))
        {
            Assert.Equal(".github/firmware-policy.yml", annotation.Path);
            Assert.InRange(annotation.StartLine, 1, policyLines.Length);
            Assert.False(string.IsNullOrWhiteSpace(policyLines[annotation.StartLine - 1]));
        }

        Assert.Equal(failing.Count, ErrorCommand().Matches(log).Count);
        Assert.DoesNotContain("ghs_fixturetoken", log, StringComparison.Ordinal);
        Assert.DoesNotContain("$1$", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_request_checks_its_head_and_comments_once_with_a_stable_marker()
    {
        using var ws = RunnerWorkspace.WithSample();
        ws.PullRequestEvent();
        var github = new RecordingGitHubReporter();
        github.BaseFiles[".github/firmware-policy.yml"] = File.ReadAllText(ws.PolicyPath);

        var (exit, _) = await RunAsync(ws, github);
        var (exitAgain, _) = await RunAsync(ws, github);

        Assert.Equal(1, exit);
        Assert.Equal(1, exitAgain);
        Assert.All(github.CheckRuns, r => Assert.Equal("ec26c3e57ca3a959ca5aad62de7213c562f8c821", r.HeadSha));
        Assert.Equal(2, github.Comments.Count);
        Assert.All(github.Comments, c => Assert.Equal(2, c.PullRequest));
        Assert.Equal(github.Comments[0].Marker, github.Comments[1].Marker);
        Assert.StartsWith("<!--", github.Comments[0].Marker, StringComparison.Ordinal);
        Assert.StartsWith(github.Comments[0].Marker, github.Comments[0].Body, StringComparison.Ordinal);
        Assert.Contains((".github/firmware-policy.yml", "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"), github.FileReads);
        // The policy is the same at the base: no policy diff.
        Assert.DoesNotContain("Policy change", github.Comments[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_request_that_changes_the_policy_shows_the_policy_diff_on_this_scan()
    {
        using var ws = RunnerWorkspace.WithSample();
        ws.PullRequestEvent();
        string head = File.ReadAllText(ws.PolicyPath);
        // At the base, known-default passwords were only a warning: the pull request makes them fail.
        string headRule = Regex.Match(head, @"^\s*default-password:\s*error\s*$", RegexOptions.Multiline).Value;
        Assert.NotEmpty(headRule);
        var github = new RecordingGitHubReporter();
        github.BaseFiles[".github/firmware-policy.yml"] = head.Replace(headRule, headRule.Replace("error", "warning", StringComparison.Ordinal), StringComparison.Ordinal);

        var (exit, _) = await RunAsync(ws, github);

        Assert.Equal(1, exit);
        string body = Assert.Single(github.Comments).Body;
        int diff = body.IndexOf("Policy change in this pull request", StringComparison.Ordinal);
        Assert.True(diff > 0, body);
        Assert.Contains("account.default-password", body[diff..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_permissions_are_warnings_that_name_them_and_the_gate_still_decides()
    {
        using var ws = RunnerWorkspace.WithSample();
        ws.PullRequestEvent();
        var github = new RecordingGitHubReporter
        {
            CheckRunFailure = new GitHubApiException(GitHubFailure.Forbidden, 403, "Resource not accessible by integration"),
            CommentFailure = new GitHubApiException(GitHubFailure.Forbidden, 403, "Resource not accessible by integration"),
        };

        var (exit, log) = await RunAsync(ws, github);

        Assert.Equal(1, exit);
        Assert.Matches(@"::warning::could not create the check run: Resource not accessible by integration \(HTTP 403\)\. The token needs `checks: write`", log);
        Assert.Matches(@"::warning::could not comment on pull request #2: .*`pull-requests: write`", log);
        Assert.Equal("fail", ws.Outputs()["verdict"]);
    }

    [Fact]
    public async Task Without_a_token_nothing_is_sent_and_the_gate_decides()
    {
        using var ws = RunnerWorkspace.WithSample();
        ws.Environment["INPUT_GITHUB-TOKEN"] = "";
        using var log = new StringWriter();

        int exit = await ActionRunner.RunAsync(ActionEnvironment.From(ws.Environment), log, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("::notice::no github-token", log.ToString(), StringComparison.Ordinal);
        Assert.Equal("fail", ws.Outputs()["verdict"]);
    }

    [Fact]
    public async Task Comment_and_annotations_off_send_only_the_check_run_summary()
    {
        using var ws = RunnerWorkspace.WithSample();
        ws.Environment["INPUT_COMMENT"] = "off";
        ws.Environment["INPUT_ANNOTATIONS"] = "false";
        ws.PullRequestEvent();
        var github = new RecordingGitHubReporter();

        var (exit, log) = await RunAsync(ws, github);

        Assert.Equal(1, exit);
        Assert.Empty(github.Comments);
        Assert.Empty(Assert.Single(github.CheckRuns).Annotations);
        Assert.DoesNotContain("::error", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_with_spaces_and_shell_metacharacters_are_only_characters()
    {
        using var ws = new RunnerWorkspace();
        const string name = "router fw;$(touch pwned)&`id`|'x'.trx";
        ws.AddSample(name);
        ws.AddSample("second image.bin");
        ws.Environment["INPUT_IMAGES"] = "dist/router fw;$(touch pwned)&`id`|'x'.trx\n  dist/second *.bin  \n";
        ws.Environment["INPUT_SBOM"] = "out dir/$(whoami)/{image}.cdx.json";
        ws.Environment["INPUT_SARIF"] = "out dir/results.sarif";
        ws.Environment["INPUT_REPORT"] = "";
        var github = new RecordingGitHubReporter();

        var (exit, _) = await RunAsync(ws, github);

        Assert.Equal(1, exit);
        Assert.False(File.Exists(Path.Combine(ws.Workspace, "pwned")));
        var outputs = ws.Outputs();
        Assert.Equal(["out dir/$(whoami)/" + name + ".cdx.json", "out dir/$(whoami)/second image.bin.cdx.json"], outputs["sbom"].Split('\n'));
        Assert.Equal(["out dir/results." + name + ".sarif", "out dir/results.second image.bin.sarif"], outputs["sarif"].Split('\n'));
        Assert.Equal("", outputs["report"]);
        foreach (string sbom in outputs["sbom"].Split('\n'))
        {
            Assert.True(File.Exists(Path.Combine(ws.Workspace, sbom)), sbom);
        }

        // Each image's SARIF run carries its own code-scanning category.
        var categories = outputs["sarif"].Split('\n').Select(p =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ws.Workspace, p)));
            return doc.RootElement.GetProperty("runs")[0].GetProperty("automationDetails").GetProperty("id").GetString();
        }).ToList();
        Assert.Equal(["firmwaregate/" + name + "/", "firmwaregate/second image.bin/"], categories);
        Assert.Equal("FirmwareGate: 2 images", Assert.Single(github.CheckRuns).Name);
        Assert.Contains("| Image | Verdict |", ws.Summary(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INPUT_COMMENT", "sometimes", "input 'comment' is 'sometimes'")]
    [InlineData("INPUT_IMAGES", "dist/missing-*.bin", "input 'images': 'dist/missing-*.bin' matches no file")]
    [InlineData("INPUT_IMAGES", "", "input 'images' is empty")]
    [InlineData("INPUT_BASELINE", "no-such-report.json", "input 'baseline'")]
    public async Task Bad_inputs_exit_2_with_an_error_that_names_the_input(string variable, string value, string expected)
    {
        using var ws = RunnerWorkspace.WithSample();
        ws.Environment[variable] = value;
        var github = new RecordingGitHubReporter();

        var (exit, log) = await RunAsync(ws, github);

        Assert.Equal(2, exit);
        Assert.Contains("::error::" + expected, log, StringComparison.Ordinal);
        Assert.Equal("error", ws.Outputs()["verdict"]);
        Assert.Empty(github.CheckRuns);
    }

    [Fact]
    public async Task A_broken_policy_exits_2_naming_file_line_and_column()
    {
        using var ws = RunnerWorkspace.WithSample();
        File.WriteAllText(ws.PolicyPath, "version: 1\nvulnerabilities:\n  severity:\n    critical: eror\n");

        var (exit, log) = await RunAsync(ws, new RecordingGitHubReporter());

        Assert.Equal(2, exit);
        Assert.Matches(@"::error::.*firmware-policy\.yml\(4,\d+\): error: ", log);
    }

    [Fact]
    public async Task Fail_on_incomplete_overrides_the_policy_either_way()
    {
        using var ws = new RunnerWorkspace();
        byte[] sample = File.ReadAllBytes(TestPaths.Sample);
        // Cut inside the SquashFS: the outer layers read, the filesystem is truncated.
        ws.AddImage("cut.trx", sample[..(sample.Length * 2 / 3)]);
        ws.Environment["INPUT_IMAGES"] = "dist/cut.trx";

        ws.Environment["INPUT_FAIL-ON-INCOMPLETE"] = "true";
        var (strict, _) = await RunAsync(ws, null);
        ws.Environment["INPUT_FAIL-ON-INCOMPLETE"] = "false";
        var (lenient, _) = await RunAsync(ws, null);

        Assert.Equal(3, strict);
        Assert.NotEqual(3, lenient);
        Assert.Contains("\nincomplete\n", File.ReadAllText(ws.OutputFile), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^::error file=", RegexOptions.Multiline)]
    private static partial Regex ErrorCommand();
}
