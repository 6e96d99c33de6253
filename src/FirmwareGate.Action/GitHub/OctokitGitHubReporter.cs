namespace FirmwareGate.Action.GitHub;

/// <summary>
/// <see cref="IGitHubReporter"/> over Octokit against <c>GITHUB_API_URL</c> (github.com or GitHub Enterprise
/// Server). The only type that references Octokit.
/// </summary>
public sealed class OctokitGitHubReporter : IGitHubReporter
{
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
    }

    /// <inheritdoc/>
    public Task<long> CreateCheckRunAsync(CheckRunReport report, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task<long> UpsertPullRequestCommentAsync(int pullRequest, string marker, string markdown, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task<string?> GetFileAsync(string path, string gitRef, CancellationToken cancellationToken) => throw new NotImplementedException();
}
