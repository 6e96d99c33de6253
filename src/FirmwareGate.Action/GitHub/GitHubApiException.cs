namespace FirmwareGate.Action.GitHub;

/// <summary>A GitHub API call failed; <see cref="Exception.Message"/> is GitHub's own message (never the token).</summary>
public sealed class GitHubApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GitHubApiException(GitHubFailure failure, int? statusCode, string message, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        StatusCode = statusCode;
    }

    /// <summary>What kind of failure.</summary>
    public GitHubFailure Failure { get; }

    /// <summary>The HTTP status, when there was an answer.</summary>
    public int? StatusCode { get; }

    /// <summary>For <see cref="GitHubFailure.RateLimited"/>: when the limit resets (from <c>x-ratelimit-reset</c> or <c>retry-after</c>), if known.</summary>
    public DateTimeOffset? RetryAt { get; init; }
}
