namespace FirmwareGate.Action.GitHub;

/// <summary>
/// What the action asks of GitHub's REST API. Only <see cref="OctokitGitHubReporter"/> talks HTTP; everything
/// above it is tested with a recording implementation. Failures are <see cref="GitHubApiException"/>.
/// </summary>
public interface IGitHubReporter
{
    /// <summary>
    /// Creates a completed check run on <see cref="CheckRunReport.HeadSha"/> with the first 50 annotations, then
    /// adds the rest 50 per update request (the Checks API's limit per request). Returns the check run's id.
    /// </summary>
    Task<long> CreateCheckRunAsync(CheckRunReport report, CancellationToken cancellationToken);

    /// <summary>
    /// Finds the pull request's issue comment whose body contains <paramref name="marker"/> (every page of the
    /// list) and replaces its body with <paramref name="markdown"/>, or creates the comment when there is none.
    /// The body written is <paramref name="markdown"/> as given (the caller puts the marker in it).
    /// Returns the comment's id.
    /// </summary>
    Task<long> UpsertPullRequestCommentAsync(int pullRequest, string marker, string markdown, CancellationToken cancellationToken);

    /// <summary>The text of a repository file at <paramref name="gitRef"/> (a commit sha), or null when it does not exist there.</summary>
    Task<string?> GetFileAsync(string path, string gitRef, CancellationToken cancellationToken);
}
