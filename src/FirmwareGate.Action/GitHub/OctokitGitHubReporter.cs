using System.Text;
using Octokit;
using Octokit.Internal;

namespace FirmwareGate.Action.GitHub;

/// <summary>
/// <see cref="IGitHubReporter"/> over Octokit against <c>GITHUB_API_URL</c> (github.com or GitHub Enterprise
/// Server). The only type that references Octokit.
/// </summary>
public sealed class OctokitGitHubReporter : IGitHubReporter
{
    /// <summary>The Checks API takes at most this many annotations per request.</summary>
    internal const int AnnotationsPerRequest = 50;

    /// <summary>The most comments one list request returns.</summary>
    internal const int CommentsPerPage = 100;

    /// <summary>How long one request may take before it counts as <see cref="GitHubFailure.Unavailable"/>.</summary>
    internal static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly GitHubClient _client;
    private readonly string _token;
    private readonly string _owner;
    private readonly string _name;

    /// <summary>
    /// A client for <paramref name="repository"/> (<c>owner/name</c>) at <paramref name="apiUrl"/> (the REST API's
    /// root as GITHUB_API_URL gives it: <c>https://api.github.com</c>, <c>https://HOST/api/v3</c>, or a stand-in's
    /// <c>http://127.0.0.1:PORT</c>; requests go to <c>{apiUrl}/repos/...</c>).
    /// </summary>
    public OctokitGitHubReporter(Uri apiUrl, string token, string repository)
    {
        ArgumentNullException.ThrowIfNull(apiUrl);
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(repository);
        (_owner, _name) = SplitRepository(repository);
        _token = token;
        OctokitReflectionRoots.Keep();
        _client = new GitHubClient(CreateConnection(apiUrl, token));
    }

    /// <summary>The wait before the one retry of a 5xx answer.</summary>
    internal TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    public async Task<long> CreateCheckRunAsync(CheckRunReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var batches = report.Annotations.Chunk(AnnotationsPerRequest).ToList();
        var create = NewCheckRun(report, batches.FirstOrDefault() ?? []);
        var created = await CallAsync(() => _client.Check.Run.Create(_owner, _name, create), cancellationToken).ConfigureAwait(false);
        foreach (var batch in batches.Skip(1))
        {
            var update = new CheckRunUpdate { Output = Output(report, batch) };
            await CallAsync(() => _client.Check.Run.Update(_owner, _name, created.Id, update), cancellationToken).ConfigureAwait(false);
        }

        return created.Id;
    }

    /// <inheritdoc/>
    public Task<long> UpsertPullRequestCommentAsync(int pullRequest, string marker, string markdown, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(marker);
        ArgumentNullException.ThrowIfNull(markdown);

        // The whole find-then-write is the unit retried: a create that failed with a 5xx may have landed, and
        // listing again finds it instead of adding a second comment.
        return CallAsync(() => UpsertOnceAsync(pullRequest, marker, markdown), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<string?> GetFileAsync(string path, string gitRef, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(gitRef);
        try
        {
            var contents = await CallAsync(
                () => _client.Repository.Content.GetAllContentsByRef(_owner, _name, path, gitRef),
                cancellationToken).ConfigureAwait(false);
            return contents is [{ Type.StringValue: "file" } file] ? Decode(file) : null;
        }
        catch (GitHubApiException e) when (e.Failure == GitHubFailure.NotFound)
        {
            return null;
        }
    }

    private static (string Owner, string Name) SplitRepository(string repository)
    {
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == repository.Length - 1 || repository.IndexOf('/', slash + 1) >= 0)
        {
            throw new ArgumentException($"The repository '{repository}' is not owner/name.", nameof(repository));
        }

        return (repository[..slash], repository[(slash + 1)..]);
    }

    private static Connection CreateConnection(Uri apiUrl, string token)
    {
        // Connection takes the base address as given; GitHubClient's own constructors would append api/v3/ to
        // any host but github.com, which breaks a GITHUB_API_URL that already ends in it and a stand-in without it.
        var connection = new Connection(
            new ProductHeaderValue("FirmwareGate"),
            ApiBaseAddress.From(apiUrl),
            new InMemoryCredentialStore(new Credentials(token)),
            new HttpClientAdapter(HttpMessageHandlerFactory.CreateDefault),
            new SimpleJsonSerializer());
        connection.SetRequestTimeout(RequestTimeout);
        return connection;
    }

    private static NewCheckRun NewCheckRun(CheckRunReport report, IReadOnlyList<CheckAnnotation> firstBatch) =>
        new(report.Name, report.HeadSha)
        {
            Status = CheckStatus.Completed,
            Conclusion = Conclusion(report.Conclusion),
            Output = Output(report, firstBatch),
        };

    private static CheckConclusion Conclusion(string conclusion) => conclusion switch
    {
        "success" => CheckConclusion.Success,
        "failure" => CheckConclusion.Failure,
        "neutral" => CheckConclusion.Neutral,
        _ => throw new ArgumentException($"The conclusion '{conclusion}' is not success, failure or neutral.", nameof(conclusion)),
    };

    private static NewCheckRunOutput Output(CheckRunReport report, IReadOnlyList<CheckAnnotation> annotations) =>
        new(report.Title, report.Summary) { Annotations = annotations.Select(ToOctokit).ToList() };

    private static NewCheckRunAnnotation ToOctokit(CheckAnnotation annotation) =>
        new(annotation.Path, annotation.StartLine, annotation.EndLine, ToOctokit(annotation.Level), annotation.Message)
        {
            Title = annotation.Title,
        };

    private static Octokit.CheckAnnotationLevel ToOctokit(CheckAnnotationLevel level) => level switch
    {
        CheckAnnotationLevel.Notice => Octokit.CheckAnnotationLevel.Notice,
        CheckAnnotationLevel.Warning => Octokit.CheckAnnotationLevel.Warning,
        CheckAnnotationLevel.Failure => Octokit.CheckAnnotationLevel.Failure,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Not an annotation level."),
    };

    private async Task<long> UpsertOnceAsync(int pullRequest, string marker, string markdown)
    {
        var comments = await _client.Issue.Comment
            .GetAllForIssue(_owner, _name, pullRequest, new ApiOptions { PageSize = CommentsPerPage })
            .ConfigureAwait(false);
        var existing = comments
            .Where(comment => comment.Body is not null && comment.Body.Contains(marker, StringComparison.Ordinal))
            .OrderBy(comment => comment.CreatedAt)
            .ThenBy(comment => comment.Id)
            .FirstOrDefault();
        var written = existing is null
            ? await _client.Issue.Comment.Create(_owner, _name, pullRequest, markdown).ConfigureAwait(false)
            : await _client.Issue.Comment.Update(_owner, _name, existing.Id, markdown).ConfigureAwait(false);
        return written.Id;
    }

    private static string? Decode(RepositoryContent file)
    {
        // Files over 1 MB come without content (encoding "none"); a policy file that size is not one.
        if (file.EncodedContent is null || !string.Equals(file.Encoding, "base64", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // GitHub wraps the base64 at 60 characters with \n, which FromBase64String skips as white space.
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false)
            .GetString(Convert.FromBase64String(file.EncodedContent));
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await GitHubFailures.Translate(call, _token, cancellationToken).ConfigureAwait(false);
        }
        catch (GitHubApiException e) when (e.Failure == GitHubFailure.Unavailable && e.StatusCode >= 500)
        {
            await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            return await GitHubFailures.Translate(call, _token, cancellationToken).ConfigureAwait(false);
        }
    }
}
