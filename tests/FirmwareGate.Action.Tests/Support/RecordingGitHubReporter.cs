using FirmwareGate.Action.GitHub;

namespace FirmwareGate.Action.Tests.Support;

/// <summary>Records what the action asks of GitHub; files at the base and failures are set by the test.</summary>
internal sealed class RecordingGitHubReporter : IGitHubReporter
{
    public List<CheckRunReport> CheckRuns { get; } = [];

    public List<(int PullRequest, string Marker, string Body)> Comments { get; } = [];

    public List<(string Path, string Ref)> FileReads { get; } = [];

    /// <summary>Files at the base commit by path; a path not here does not exist there.</summary>
    public Dictionary<string, string> BaseFiles { get; } = new(StringComparer.Ordinal);

    public GitHubApiException? CheckRunFailure { get; set; }

    public GitHubApiException? CommentFailure { get; set; }

    public Task<long> CreateCheckRunAsync(CheckRunReport report, CancellationToken cancellationToken)
    {
        if (CheckRunFailure is { } failure)
        {
            throw failure;
        }

        CheckRuns.Add(report);
        return Task.FromResult((long)CheckRuns.Count);
    }

    public Task<long> UpsertPullRequestCommentAsync(int pullRequest, string marker, string markdown, CancellationToken cancellationToken)
    {
        if (CommentFailure is { } failure)
        {
            throw failure;
        }

        Comments.Add((pullRequest, marker, markdown));
        return Task.FromResult(1L);
    }

    public Task<string?> GetFileAsync(string path, string gitRef, CancellationToken cancellationToken)
    {
        FileReads.Add((path, gitRef));
        return Task.FromResult(BaseFiles.TryGetValue(path, out string? text) ? text : null);
    }
}
