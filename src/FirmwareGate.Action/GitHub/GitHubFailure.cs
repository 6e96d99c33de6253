namespace FirmwareGate.Action.GitHub;

/// <summary>Why a GitHub API call failed, as far as the caller needs to tell a user what to do.</summary>
public enum GitHubFailure
{
    /// <summary>401: the token is missing, expired or revoked.</summary>
    Unauthorized,

    /// <summary>403 (not a rate limit): the token lacks a permission, e.g. a pull request from a fork.</summary>
    Forbidden,

    /// <summary>404: no such resource, or (for private repositories) no permission to see it.</summary>
    NotFound,

    /// <summary>403 or 429 with the rate limit exhausted, or a secondary rate limit.</summary>
    RateLimited,

    /// <summary>A 5xx answer, a timeout or no connection.</summary>
    Unavailable,

    /// <summary>Anything else (422 validation errors included).</summary>
    Other,
}
