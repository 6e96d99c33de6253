using System.Buffers;
using System.Globalization;
using System.Net;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>
/// GET with the update retry policy: rate limited, a bounded body, and retries with exponential back-off (longer when
/// the server sends <c>Retry-After</c>) on 403, 408, 429, 5xx, timeouts, refused or dropped connections, truncated
/// bodies and bodies the caller rejects as garbage (<see cref="VulnerabilitySourceException"/>). Any other status is
/// an immediate <see cref="VulnerabilityDownloadException"/>.
/// </summary>
internal sealed class HttpFetcher(HttpClient http, HttpFetchPolicy policy, RequestRateLimiter limiter, TimeProvider time)
{
    private const int MaxServerMessage = 200;
    private const int ChunkBytes = 81920;

    /// <summary>
    /// Fetches <paramref name="url"/> and hands the body to <paramref name="accept"/>; a
    /// <see cref="VulnerabilitySourceException"/> from it counts as a transient failure (the caller must leave
    /// nothing behind when it throws).
    /// </summary>
    public async Task<T> GetAsync<T>(Uri url, string? apiKey, Func<ReadOnlyMemory<byte>, T> accept, Action<string>? report, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await limiter.WaitAsync(wait => report?.Invoke(FormattableString.Invariant($"waiting {wait.TotalSeconds:0.#} s for the rate limit")), cancellationToken).ConfigureAwait(false);
            var failure = await TryOnceAsync(url, apiKey, accept, cancellationToken).ConfigureAwait(false);
            if (failure is { Success: true, Value: var value })
            {
                return value!; // a successful attempt always carries accept's result
            }

            if (attempt >= policy.MaxRetries)
            {
                throw new VulnerabilityDownloadException(
                    FormattableString.Invariant($"GET {url} failed after {attempt + 1} attempts; last: {failure.What}"),
                    url,
                    failure.Status);
            }

            var delay = policy.Backoff(attempt, failure.RetryAfter);
            report?.Invoke(FormattableString.Invariant($"{failure.What} from {url}; retry {attempt + 1} of {policy.MaxRetries} in {delay.TotalSeconds:0.#} s"));
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.Forbidden or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private async Task<Attempt<T>> TryOnceAsync<T>(Uri url, string? apiKey, Func<ReadOnlyMemory<byte>, T> accept, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policy.RequestTimeout);
        int? status = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (apiKey is not null)
            {
                request.Headers.TryAddWithoutValidation("apiKey", apiKey);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                var what = Describe(response);
                return IsTransient(response.StatusCode)
                    ? Attempt<T>.Failed(what, status, RetryAfter(response))
                    : throw new VulnerabilityDownloadException($"GET {url} refused: {what}", url, status);
            }

            var body = await ReadBoundedAsync(response, url, timeout.Token).ConfigureAwait(false);
            return Attempt<T>.Succeeded(accept(body));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Attempt<T>.Failed(FormattableString.Invariant($"no complete answer within {policy.RequestTimeout.TotalSeconds:0.#} s"), status, null);
        }
        catch (HttpRequestException e)
        {
            return Attempt<T>.Failed($"connection failed ({e.Message})", status, null);
        }
        catch (IOException e)
        {
            return Attempt<T>.Failed($"connection dropped mid-answer ({e.Message})", status, null);
        }
        catch (VulnerabilitySourceException e)
        {
            return Attempt<T>.Failed($"not a valid answer ({e.Message})", status, null);
        }
    }

    private static string Describe(HttpResponseMessage response)
    {
        var what = FormattableString.Invariant($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");

        // NVD explains a refused request in a "message" header (e.g. an invalid parameter or key).
        if (response.Headers.TryGetValues("message", out var messages) && messages.FirstOrDefault() is { Length: > 0 } message)
        {
            what += $" ({Printable(message)})";
        }

        return what;
    }

    private static string Printable(string text)
    {
        var shortened = text.Length > MaxServerMessage ? text[..MaxServerMessage] + "..." : text;
        return string.Concat(shortened.Select(c => char.IsControl(c) ? '?' : c));
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - time.GetUtcNow() : null;
    }

    private async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        var declared = response.Content.Headers.ContentLength;
        var limit = Math.Min(policy.MaxBodyBytes, Array.MaxLength);
        if (declared > limit)
        {
            throw TooLarge(url, declared.Value);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var body = new MemoryStream((int)Math.Min(declared ?? ChunkBytes, ChunkBytes * 16));
            var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk.AsMemory(0, ChunkBytes), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > limit)
                    {
                        throw TooLarge(url, body.Length + read);
                    }

                    body.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            if (declared is { } length && body.Length != length)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{body.Length} of {length} bytes received"));
            }

            return body.GetBuffer().AsMemory(0, (int)body.Length);
        }
    }

    private VulnerabilityDownloadException TooLarge(Uri url, long bytes) =>
        new(string.Create(CultureInfo.InvariantCulture, $"GET {url}: the answer has {bytes} bytes or more, over the limit of {policy.MaxBodyBytes}"), url, 200);

    private readonly record struct Attempt<T>(bool Success, T? Value, string What, int? Status, TimeSpan? RetryAfter)
    {
        public static Attempt<T> Succeeded(T value) => new(true, value, "", null, null);

        public static Attempt<T> Failed(string what, int? status, TimeSpan? retryAfter) => new(false, default, what, status, retryAfter);
    }
}
