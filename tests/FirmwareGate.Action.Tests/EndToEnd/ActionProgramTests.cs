using System.Text.Json;
using FirmwareGate.Action.Tests.Support;

namespace FirmwareGate.Action.Tests.EndToEnd;

/// <summary>
/// The program as a process, as the runner starts it: a real pull_request payload in GITHUB_EVENT_PATH, the REST
/// API on 127.0.0.1, the sample image under a name full of shell metacharacters.
/// </summary>
public sealed class ActionProgramTests
{
    private const string ImageName = "router image;$(id)&`x`.trx";

    private static RunnerWorkspace PullRequestWorkspace(GitHubStandIn github)
    {
        var ws = new RunnerWorkspace();
        ws.AddSample(ImageName);
        ws.PullRequestEvent();
        ws.Environment["INPUT_IMAGES"] = "dist/router image;*.trx";
        ws.Environment["INPUT_SBOM"] = "out/sbom {image}.cdx.json";
        ws.Environment["GITHUB_API_URL"] = github.BaseUrl.ToString().TrimEnd('/');
        return ws;
    }

    [Fact]
    public async Task A_pull_request_run_gates_annotates_checks_and_keeps_one_comment_across_runs()
    {
        await using var github = GitHubStandIn.Start();
        using var ws = PullRequestWorkspace(github);
        // 120 comments by others: the action's own is not on the first page the second time.
        github.SeedComments(2, 120);
        github.PutFile(".github/firmware-policy.yml", File.ReadAllText(ws.PolicyPath));

        var first = await ActionProcess.RunAsync(ws.Environment, ws.Workspace);
        var afterFirst = github.Comments(2).Count;
        var second = await ActionProcess.RunAsync(ws.Environment, ws.Workspace);

        Assert.True(first.Exit == 1, first.Stdout + first.Stderr);
        Assert.Equal(1, second.Exit);
        Assert.Equal(121, afterFirst);
        var comments = github.Comments(2);
        Assert.Equal(121, comments.Count);
        var ours = Assert.Single(comments, c => c.Body.Contains("<!-- firmwaregate-comment", StringComparison.Ordinal));
        Assert.Contains("## FirmwareGate: FAIL", ours.Body, StringComparison.Ordinal);
        Assert.Contains(github.Requests, r => r.Method == "PATCH" && r.Path.EndsWith($"/issues/comments/{ours.Id}", StringComparison.Ordinal));
        Assert.Contains(github.Requests, r => r.Method == "GET" && r.Path.EndsWith("/issues/2/comments", StringComparison.Ordinal) && r.QueryParameters.GetValueOrDefault("page") == "2");

        // Two check runs (one per run) on the pull request's head, not the merge commit, with every failing violation.
        Assert.Equal(2, github.CheckRuns.Count);
        var run = github.CheckRuns[^1];
        Assert.Equal("ec26c3e57ca3a959ca5aad62de7213c562f8c821", run.HeadSha);
        Assert.Equal("completed", run.Status);
        Assert.Equal("failure", run.Conclusion);
        var outputs = ws.Outputs();
        int failing = int.Parse(outputs["violations"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(failing > 0);
        Assert.Equal(failing, run.Annotations.Count(a => a.GetProperty("annotation_level").GetString() == "failure"));
        Assert.All(github.Requests, r => Assert.Matches("^(?i:token|bearer) ghs_fixturetoken0123456789$", r.Header("Authorization") ?? ""));

        Assert.Equal("fail", outputs["verdict"]);
        Assert.Equal("out/sbom " + ImageName + ".cdx.json", outputs["sbom"]);
        using var sbom = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ws.Workspace, outputs["sbom"])));
        Assert.Equal("1.6", sbom.RootElement.GetProperty("specVersion").GetString());
        Assert.StartsWith("## FirmwareGate: FAIL", ws.Summary(), StringComparison.Ordinal);
        Assert.DoesNotContain("ghs_fixturetoken", first.Stdout + first.Stderr + ws.Summary() + File.ReadAllText(ws.OutputFile), StringComparison.Ordinal);
        Assert.Contains("::error file=.github/firmware-policy.yml,line=", first.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ws.Workspace, "dist", "x")));
    }

    [Fact]
    public async Task A_read_only_token_gets_warnings_naming_the_permissions_and_the_gate_still_decides()
    {
        await using var github = GitHubStandIn.Start();
        using var ws = PullRequestWorkspace(github);
        github.FailNext(GitHubStandIn.Route.CreateCheckRun, GitHubStandIn.Failure.Forbidden);
        github.FailNext(GitHubStandIn.Route.ListComments, GitHubStandIn.Failure.Forbidden);

        var (exit, stdout, _) = await ActionProcess.RunAsync(ws.Environment, ws.Workspace);

        Assert.Equal(1, exit);
        Assert.Contains("`checks: write`", stdout, StringComparison.Ordinal);
        Assert.Contains("`pull-requests: write`", stdout, StringComparison.Ordinal);
        Assert.Empty(github.CheckRuns);
        Assert.Equal("fail", ws.Outputs()["verdict"]);
    }

    [Fact]
    public async Task A_rate_limited_api_is_a_warning_with_the_reset_time()
    {
        await using var github = GitHubStandIn.Start();
        using var ws = PullRequestWorkspace(github);
        github.FailNext(GitHubStandIn.Route.CreateCheckRun, GitHubStandIn.Failure.RateLimit);

        var (exit, stdout, _) = await ActionProcess.RunAsync(ws.Environment, ws.Workspace);

        Assert.Equal(1, exit);
        Assert.Contains("::warning::could not create the check run: GitHub's API rate limit is exhausted until 2024-06-01T12:00:00Z", stdout, StringComparison.Ordinal);
        // An exhausted limit fails every call until it resets: the comment is not attempted.
        Assert.Contains("the pull request comment skipped: an earlier GitHub call failed (RateLimited)", stdout, StringComparison.Ordinal);
        Assert.Empty(github.Comments(2));
    }

    [Fact]
    public async Task GitHub_Enterprise_Server_is_reached_under_api_v3()
    {
        await using var github = GitHubStandIn.Start("/api/v3");
        using var ws = PullRequestWorkspace(github);

        var (exit, _, _) = await ActionProcess.RunAsync(ws.Environment, ws.Workspace);

        Assert.Equal(1, exit);
        Assert.NotEmpty(github.Requests);
        Assert.All(github.Requests, r => Assert.StartsWith("/api/v3/repos/Codertocat/Hello-World/", r.Path, StringComparison.Ordinal));
        Assert.Single(github.CheckRuns);
    }
}
