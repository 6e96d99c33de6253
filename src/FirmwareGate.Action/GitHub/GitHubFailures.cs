using System.Globalization;
using System.Net;
using System.Text.Json;
using Octokit;

namespace FirmwareGate.Action.GitHub;

/// <summary>Turns what Octokit and HttpClient throw into <see cref="GitHubApiException"/>.</summary>
internal static class GitHubFailures
{
    /// <summary>Runs <paramref name="call"/>; any failure of the call comes out as <see cref="GitHubApiException"/>.</summary>
    public static async Task<T> Translate<T>(Func<Task<T>> call, string token, CancellationToken cancellationToken)
    {
        try
        {
            return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            throw FromApi(e, token);
        }
        catch (HttpRequestException e)
        {
            throw new GitHubApiException(GitHubFailure.Unavailable, null, Scrub($"GitHub could not be reached: {e.Message}", token), e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Octokit's own request timeout cancels the request; the caller did not.
            throw new GitHubApiException(GitHubFailure.Unavailable, null, "GitHub did not answer in time.", e);
        }
    }

    /// <summary>The failure kind, status, GitHub's message and (for rate limits) when to try again.</summary>
    public static GitHubApiException FromApi(ApiException e, string token)
    {
        var status = (int)e.StatusCode;
        var headers = e.HttpResponse?.Headers ?? new Dictionary<string, string>();
        var message = Scrub(Message(e) ?? $"GitHub answered {status.ToString(CultureInfo.InvariantCulture)}.", token);
        if (IsRateLimit(e, status, headers))
        {
            return new GitHubApiException(GitHubFailure.RateLimited, status, message, e) { RetryAt = RetryAt(e, headers) };
        }

        var failure = e.StatusCode switch
        {
            HttpStatusCode.Unauthorized => GitHubFailure.Unauthorized,
            HttpStatusCode.Forbidden => GitHubFailure.Forbidden,
            HttpStatusCode.NotFound => GitHubFailure.NotFound,
            _ when status >= 500 => GitHubFailure.Unavailable,
            _ => GitHubFailure.Other,
        };
        return new GitHubApiException(failure, status, message, e);
    }

    private static string? Message(ApiException e)
    {
        var message = e.ApiError?.Message;

        // Octokit puts the whole body in the message when it cannot read the error, e.g. when "errors" holds strings
        // instead of objects (the Checks API does that); GitHub's own message is the body's "message".
        if (message is null || !message.StartsWith('{'))
        {
            return message;
        }

        try
        {
            using var body = JsonDocument.Parse(message);
            return body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("message", out var inner)
                && inner.ValueKind == JsonValueKind.String
                ? inner.GetString()
                : message;
        }
        catch (JsonException)
        {
            return message;
        }
    }

    private static bool IsRateLimit(ApiException e, int status, IReadOnlyDictionary<string, string> headers) =>
        e is RateLimitExceededException or SecondaryRateLimitExceededException or AbuseException
        || status == 429
        || (status == 403 && Header(headers, "x-ratelimit-remaining") == "0");

    private static DateTimeOffset? RetryAt(ApiException e, IReadOnlyDictionary<string, string> headers)
    {
        var received = DateTimeOffset.UtcNow;
        var retryAfter = Header(headers, "retry-after");
        if (retryAfter is not null)
        {
            if (int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return received.AddSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                return date;
            }
        }

        if (long.TryParse(Header(headers, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var epochSeconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(epochSeconds);
        }

        return e is RateLimitExceededException limit && limit.Reset > DateTimeOffset.UnixEpoch ? limit.Reset : null;
    }

    private static string? Header(IReadOnlyDictionary<string, string> headers, string name) =>
        headers.FirstOrDefault(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    // GitHub never echoes a token, but a message is shown in the log: make sure of it.
    private static string Scrub(string message, string token) =>
        message.Replace(token, "***", StringComparison.Ordinal);
}
