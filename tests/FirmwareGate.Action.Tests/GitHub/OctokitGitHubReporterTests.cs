using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FirmwareGate.Action.GitHub;
using FirmwareGate.Action.Tests.Support;

namespace FirmwareGate.Action.Tests.GitHub;

public sealed class OctokitGitHubReporterTests
{
    private const string Token = "ghs_Secr3tT0kenValue0123456789abcdefABCD";
    private const string Marker = "<!-- firmwaregate:comment -->";
    private const string HeadSha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

    private static readonly string[] LevelNames = ["notice", "warning", "failure"];

    [Fact]
    public async Task A_check_run_with_120_annotations_is_created_with_50_then_updated_with_50_and_20()
    {
        await using var github = GitHubStandIn.Start();
        var reporter = Reporter(github);

        var id = await reporter.CreateCheckRunAsync(Report(120), CancellationToken.None);

        var requests = github.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal(("POST", "/repos/octo/repo/check-runs"), (requests[0].Method, requests[0].Path));
        Assert.All(requests.Skip(1), request =>
            Assert.Equal(("PATCH", $"/repos/octo/repo/check-runs/{id.ToString(CultureInfo.InvariantCulture)}"), (request.Method, request.Path)));
        var batches = requests.Select(AnnotationsSent).ToList();
        Assert.Equal([50, 50, 20], batches.Select(batch => batch.Count));
        var sent = batches.SelectMany(batch => batch).ToList();
        for (var i = 0; i < sent.Count; i++)
        {
            AssertAnnotation(i + 1, sent[i]);
        }

        var run = Assert.Single(github.CheckRuns);
        Assert.Equal(run.Id, id);
        Assert.Equal(120, run.Annotations.Count);
    }

    [Fact]
    public async Task The_create_request_is_a_completed_check_run_with_the_verdict_and_every_update_repeats_title_and_summary()
    {
        await using var github = GitHubStandIn.Start();

        await Reporter(github).CreateCheckRunAsync(Report(51), CancellationToken.None);

        var requests = github.Requests;
        using (var create = requests[0].Json())
        {
            var body = create.RootElement;
            Assert.Equal("FirmwareGate", body.GetProperty("name").GetString());
            Assert.Equal(HeadSha, body.GetProperty("head_sha").GetString());
            Assert.Equal("completed", body.GetProperty("status").GetString());
            Assert.Equal("failure", body.GetProperty("conclusion").GetString());
            Assert.Equal("Failed: 3 violations", body.GetProperty("output").GetProperty("title").GetString());
            Assert.Equal("## FirmwareGate\n\n| a | b |\n|---|---|\n", body.GetProperty("output").GetProperty("summary").GetString());
        }

        using var update = requests[1].Json();
        var output = update.RootElement.GetProperty("output");
        Assert.Equal("Failed: 3 violations", output.GetProperty("title").GetString());
        Assert.Equal("## FirmwareGate\n\n| a | b |\n|---|---|\n", output.GetProperty("summary").GetString());
        Assert.False(update.RootElement.TryGetProperty("head_sha", out _));
        var run = Assert.Single(github.CheckRuns);
        Assert.Equal(("completed", "failure"), (run.Status, run.Conclusion));
    }

    [Fact]
    public async Task A_check_run_without_annotations_is_one_request()
    {
        await using var github = GitHubStandIn.Start();

        await Reporter(github).CreateCheckRunAsync(Report(0) with { Conclusion = "success" }, CancellationToken.None);

        var request = Assert.Single(github.Requests);
        Assert.Empty(AnnotationsSent(request));
        Assert.Equal("success", Assert.Single(github.CheckRuns).Conclusion);
    }

    [Fact]
    public async Task Requests_carry_the_token_and_the_user_agent()
    {
        await using var github = GitHubStandIn.Start();

        await Reporter(github).CreateCheckRunAsync(Report(1), CancellationToken.None);

        var request = Assert.Single(github.Requests);
        var authorization = request.Header("Authorization");
        Assert.NotNull(authorization);
        Assert.Contains(authorization.Split(' ')[0].ToUpperInvariant(), new[] { "TOKEN", "BEARER" });
        Assert.Equal(Token, authorization.Split(' ')[1]);
        Assert.StartsWith("FirmwareGate", request.Header("User-Agent"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_comment_is_created_after_three_pages_then_found_on_page_three_and_updated()
    {
        await using var github = GitHubStandIn.Start();
        github.SeedComments(42, 250);
        var reporter = Reporter(github);

        var created = await reporter.UpsertPullRequestCommentAsync(42, Marker, $"{Marker}\nFirst verdict", CancellationToken.None);
        var firstRun = github.Requests;
        var updated = await reporter.UpsertPullRequestCommentAsync(42, Marker, $"{Marker}\nSecond verdict", CancellationToken.None);
        var secondRun = github.Requests.Skip(firstRun.Count).ToList();

        Assert.Equal(created, updated);
        var ours = Assert.Single(github.Comments(42), comment => comment.Body.Contains(Marker, StringComparison.Ordinal));
        Assert.Equal((created, $"{Marker}\nSecond verdict"), (ours.Id, ours.Body));
        Assert.Equal(251, github.Comments(42).Count);

        AssertListedThreePages(firstRun.Take(3).ToList());
        Assert.Equal(("POST", "/repos/octo/repo/issues/42/comments"), (firstRun[3].Method, firstRun[3].Path));
        Assert.Equal(4, firstRun.Count);
        AssertListedThreePages(secondRun.Take(3).ToList());
        Assert.Equal(("PATCH", $"/repos/octo/repo/issues/comments/{created.ToString(CultureInfo.InvariantCulture)}"), (secondRun[3].Method, secondRun[3].Path));
        Assert.Equal(4, secondRun.Count);
        using var patch = secondRun[3].Json();
        Assert.Equal($"{Marker}\nSecond verdict", patch.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task With_several_marked_comments_the_oldest_is_updated()
    {
        await using var github = GitHubStandIn.Start();
        var seeded = github.SeedComments(7, 150, i => i is 20 or 130 ? $"old {Marker}" : $"comment {i.ToString(CultureInfo.InvariantCulture)}");

        var id = await Reporter(github).UpsertPullRequestCommentAsync(7, Marker, $"{Marker} new", CancellationToken.None);

        Assert.Equal(seeded[20].Id, id);
        Assert.Equal($"{Marker} new", github.Comments(7)[20].Body);
        Assert.Equal($"old {Marker}", github.Comments(7)[130].Body);
    }

    [Fact]
    public async Task A_forbidden_check_run_is_a_forbidden_failure_with_GitHubs_message_and_no_retry()
    {
        await using var github = GitHubStandIn.Start();
        github.FailNext(GitHubStandIn.Route.CreateCheckRun, GitHubStandIn.Failure.Forbidden);

        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Reporter(github).CreateCheckRunAsync(Report(3), CancellationToken.None));

        Assert.Equal((GitHubFailure.Forbidden, 403, "Resource not accessible by integration"), (e.Failure, e.StatusCode, e.Message));
        Assert.Single(github.Requests);
        Assert.Empty(github.CheckRuns);
    }

    [Fact]
    public async Task A_forbidden_comment_update_is_a_forbidden_failure()
    {
        await using var github = GitHubStandIn.Start();
        github.SeedComments(3, 1, _ => Marker);
        github.FailNext(GitHubStandIn.Route.UpdateComment, GitHubStandIn.Failure.Forbidden);

        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Reporter(github).UpsertPullRequestCommentAsync(3, Marker, Marker, CancellationToken.None));

        Assert.Equal(GitHubFailure.Forbidden, e.Failure);
        Assert.Equal(2, github.Requests.Count);
    }

    [Fact]
    public async Task An_exhausted_rate_limit_is_rate_limited_until_the_reset_and_not_retried()
    {
        await using var github = GitHubStandIn.Start();
        github.FailNext(GitHubStandIn.Route.ListComments, GitHubStandIn.Failure.RateLimit);

        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Reporter(github).UpsertPullRequestCommentAsync(1, Marker, Marker, CancellationToken.None));

        Assert.Equal((GitHubFailure.RateLimited, 403), (e.Failure, e.StatusCode));
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero), e.RetryAt);
        Assert.StartsWith("API rate limit exceeded", e.Message, StringComparison.Ordinal);
        Assert.Single(github.Requests);
    }

    [Fact]
    public async Task A_429_is_rate_limited_until_retry_after()
    {
        await using var github = GitHubStandIn.Start();
        github.FailNext(GitHubStandIn.Route.CreateCheckRun, GitHubStandIn.Failure.TooManyRequests);

        var before = DateTimeOffset.UtcNow;
        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Reporter(github).CreateCheckRunAsync(Report(1), CancellationToken.None));
        var after = DateTimeOffset.UtcNow;

        Assert.Equal((GitHubFailure.RateLimited, 429), (e.Failure, e.StatusCode));
        Assert.InRange(e.RetryAt!.Value, before.AddSeconds(30).AddSeconds(-1), after.AddSeconds(30).AddSeconds(1));
        Assert.Single(github.Requests);
    }

    [Fact]
    public async Task A_secondary_rate_limit_403_is_rate_limited_until_retry_after()
    {
        await using var github = GitHubStandIn.Start();
        github.FailNext(GitHubStandIn.Route.CreateComment, GitHubStandIn.Failure.SecondaryRateLimit);

        var before = DateTimeOffset.UtcNow;
        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Reporter(github).UpsertPullRequestCommentAsync(1, Marker, Marker, CancellationToken.None));
        var after = DateTimeOffset.UtcNow;

        Assert.Equal((GitHubFailure.RateLimited, 403), (e.Failure, e.StatusCode));
        Assert.InRange(e.RetryAt!.Value, before.AddSeconds(59), after.AddSeconds(61));
    }

    [Fact]
    public async Task A_500_is_retried_once_and_the_second_answer_counts()
    {
        await using var github = GitHubStandIn.Start();
        github.FailNext(GitHubStandIn.Route.CreateCheckRun, GitHubStandIn.Failure.ServerError);

        var id = await Reporter(github).CreateCheckRunAsync(Report(2), CancellationToken.None);

        Assert.Equal(2, github.Requests.Count);
        Assert.Equal(Assert.Single(github.CheckRuns).Id, id);
    }

    [Fact]
    public async Task Two_5xx_answers_are_unavailable_after_one_retry()
    {
        await using var github = GitHubStandIn.Start();
        github.FailNext(GitHubStandIn.Route.GetContents, GitHubStandIn.Failure.ServerError);
        github.FailNext(GitHubStandIn.Route.GetContents, GitHubStandIn.Failure.BadGateway);

        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Reporter(github).GetFileAsync("a.yml", HeadSha, CancellationToken.None));

        Assert.Equal((GitHubFailure.Unavailable, 502), (e.Failure, e.StatusCode));
        Assert.Equal(2, github.Requests.Count);
    }

    [Fact]
    public async Task Bad_credentials_are_unauthorized()
    {
        await using var github = GitHubStandIn.Start();
        github.FailNext(GitHubStandIn.Route.CreateCheckRun, GitHubStandIn.Failure.Unauthorized);

        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Reporter(github).CreateCheckRunAsync(Report(1), CancellationToken.None));

        Assert.Equal((GitHubFailure.Unauthorized, 401, "Bad credentials"), (e.Failure, e.StatusCode, e.Message));
    }

    [Fact]
    public async Task A_validation_error_is_other()
    {
        await using var github = GitHubStandIn.Start();

        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Reporter(github).CreateCheckRunAsync(Report(1) with { Summary = new string('x', 65_536) }, CancellationToken.None));

        Assert.Equal((GitHubFailure.Other, 422, "Validation Failed"), (e.Failure, e.StatusCode, e.Message));
    }

    [Fact]
    public async Task A_conclusion_the_Checks_API_does_not_take_is_refused_before_any_request()
    {
        await using var github = GitHubStandIn.Start();

        await Assert.ThrowsAsync<ArgumentException>(() => Reporter(github).CreateCheckRunAsync(Report(1) with { Conclusion = "passed" }, CancellationToken.None));

        Assert.Empty(github.Requests);
    }

    [Fact]
    public async Task No_server_is_unavailable()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var reporter = new OctokitGitHubReporter(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), Token, "octo/repo");

        var e = await Assert.ThrowsAsync<GitHubApiException>(() => reporter.CreateCheckRunAsync(Report(1), CancellationToken.None));

        Assert.Equal((GitHubFailure.Unavailable, (int?)null), (e.Failure, e.StatusCode));
    }

    [Theory]
    [InlineData("/api/v3")]
    [InlineData("/api/v3/")]
    public async Task A_GitHub_Enterprise_Server_url_keeps_its_api_v3_prefix(string apiPath)
    {
        await using var github = GitHubStandIn.Start("/api/v3");
        github.PutFile("policy.yml", "rules: {}\n", HeadSha);
        var reporter = new OctokitGitHubReporter(new Uri($"http://127.0.0.1:{github.Port.ToString(CultureInfo.InvariantCulture)}{apiPath}"), Token, "octo/repo") { RetryDelay = TimeSpan.Zero };

        await reporter.CreateCheckRunAsync(Report(60), CancellationToken.None);
        await reporter.UpsertPullRequestCommentAsync(5, Marker, Marker, CancellationToken.None);
        var policy = await reporter.GetFileAsync("policy.yml", HeadSha, CancellationToken.None);

        Assert.Equal("rules: {}\n", policy);
        Assert.All(github.Requests, request => Assert.StartsWith("/api/v3/repos/octo/repo/", request.Path, StringComparison.Ordinal));
        Assert.Equal(5, github.Requests.Count);
    }

    [Theory]
    [InlineData("https://api.github.com", "https://api.github.com/repos/o/r/check-runs")]
    [InlineData("https://api.github.com/", "https://api.github.com/repos/o/r/check-runs")]
    [InlineData("https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/repos/o/r/check-runs")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/repos/o/r/check-runs")]
    public void Relative_api_paths_resolve_under_GITHUB_API_URL(string apiUrl, string expected)
    {
        var resolved = new Uri(ApiBaseAddress.From(new Uri(apiUrl)), "repos/o/r/check-runs");

        Assert.Equal(expected, resolved.AbsoluteUri);
    }

    [Fact]
    public async Task A_file_is_read_at_the_ref_and_its_wrapped_base64_decoded()
    {
        await using var github = GitHubStandIn.Start();
        var text = "# Policy für die Firmware\nrules:\n  - id: FG1001\n    severity: high\n" + new string('x', 300) + "\n";
        github.PutFile(".github/firmware-policy.yml", text, HeadSha);
        github.PutFile(".github/firmware-policy.yml", "other: ref\n", "0000000000000000000000000000000000000000");

        var read = await Reporter(github).GetFileAsync(".github/firmware-policy.yml", HeadSha, CancellationToken.None);

        Assert.Equal(text, read);
        var request = Assert.Single(github.Requests);
        Assert.Equal("/repos/octo/repo/contents/.github/firmware-policy.yml", request.Path);
        Assert.Equal(HeadSha, request.QueryParameters["ref"]);
    }

    [Fact]
    public async Task A_missing_file_is_null()
    {
        await using var github = GitHubStandIn.Start();

        Assert.Null(await Reporter(github).GetFileAsync(".github/firmware-policy.yml", HeadSha, CancellationToken.None));
        Assert.Single(github.Requests);
    }

    [Fact]
    public async Task The_token_is_in_no_exception()
    {
        await using var github = GitHubStandIn.Start();
        var failures = Enum.GetValues<GitHubStandIn.Failure>();
        var reporter = Reporter(github);
        var messages = new List<string>();
        foreach (var failure in failures)
        {
            github.FailNext(GitHubStandIn.Route.CreateCheckRun, failure, times: 2);
            var e = await Assert.ThrowsAsync<GitHubApiException>(() => reporter.CreateCheckRunAsync(Report(1), CancellationToken.None));
            messages.Add(e.ToString());
        }

        Assert.Equal(failures.Length, messages.Count);
        Assert.All(messages, message => Assert.DoesNotContain(Token, message, StringComparison.Ordinal));
        Assert.All(github.Requests, request => Assert.Contains(Token, request.Header("Authorization"), StringComparison.Ordinal));
    }

    private static OctokitGitHubReporter Reporter(GitHubStandIn github) =>
        new(github.BaseUrl, Token, "octo/repo") { RetryDelay = TimeSpan.Zero };

    private static CheckRunReport Report(int annotations) => new()
    {
        Name = "FirmwareGate",
        HeadSha = HeadSha,
        Conclusion = "failure",
        Title = "Failed: 3 violations",
        Summary = "## FirmwareGate\n\n| a | b |\n|---|---|\n",
        Annotations = Enumerable.Range(1, annotations).Select(Annotation).ToList(),
    };

    private static CheckAnnotation Annotation(int n) => new()
    {
        Path = n % 2 == 0 ? ".github/firmware-policy.yml" : "dist/router.bin",
        StartLine = n,
        EndLine = n + 2,
        Level = (CheckAnnotationLevel)(n % 3),
        Message = $"Violation {n.ToString(CultureInfo.InvariantCulture)}: \"quoted\" <b>&\n second line",
        Title = n % 5 == 0 ? null : $"FG{n.ToString(CultureInfo.InvariantCulture)} in router.bin",
    };

    private static void AssertAnnotation(int n, JsonElement sent)
    {
        Assert.Equal(n % 2 == 0 ? ".github/firmware-policy.yml" : "dist/router.bin", sent.GetProperty("path").GetString());
        Assert.Equal(n, sent.GetProperty("start_line").GetInt32());
        Assert.Equal(n + 2, sent.GetProperty("end_line").GetInt32());
        Assert.Equal(LevelNames[n % 3], sent.GetProperty("annotation_level").GetString());
        Assert.Equal($"Violation {n.ToString(CultureInfo.InvariantCulture)}: \"quoted\" <b>&\n second line", sent.GetProperty("message").GetString());
        if (n % 5 == 0)
        {
            Assert.True(!sent.TryGetProperty("title", out var title) || title.ValueKind == JsonValueKind.Null);
        }
        else
        {
            Assert.Equal($"FG{n.ToString(CultureInfo.InvariantCulture)} in router.bin", sent.GetProperty("title").GetString());
        }
    }

    private static List<JsonElement> AnnotationsSent(GitHubStandIn.Request request)
    {
        using var body = request.Json();
        return body.RootElement.GetProperty("output").TryGetProperty("annotations", out var annotations)
            ? annotations.EnumerateArray().Select(annotation => annotation.Clone()).ToList()
            : [];
    }

    private static void AssertListedThreePages(IReadOnlyList<GitHubStandIn.Request> lists)
    {
        Assert.All(lists, request => Assert.Equal("GET", request.Method));
        Assert.Equal("/repos/octo/repo/issues/42/comments", lists[0].Path);
        Assert.Equal("100", lists[0].QueryParameters["per_page"]);
        Assert.Equal("1", lists[0].QueryParameters.GetValueOrDefault("page", "1"));

        // Pages 2 and 3 are the URLs the Link header named, not ones the client made up.
        Assert.Equal($"/repositories/{GitHubStandIn.RepositoryId.ToString(CultureInfo.InvariantCulture)}/issues/42/comments", lists[1].Path);
        Assert.Equal(("100", "2"), (lists[1].QueryParameters["per_page"], lists[1].QueryParameters["page"]));
        Assert.Equal(lists[1].Path, lists[2].Path);
        Assert.Equal(("100", "3"), (lists[2].QueryParameters["per_page"], lists[2].QueryParameters["page"]));
    }
}
