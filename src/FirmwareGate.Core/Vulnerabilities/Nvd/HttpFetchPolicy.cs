namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>Retry and size limits of one kind of download.</summary>
internal sealed record HttpFetchPolicy(int MaxRetries, TimeSpan RetryBaseDelay, TimeSpan MaxRetryDelay, TimeSpan RequestTimeout, long MaxBodyBytes)
{
    /// <summary>The back-off before retry <paramref name="attempt"/> (0 for the first): doubling from the base, capped; a <c>Retry-After</c> lengthens it, capped too.</summary>
    public TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var ticks = RetryBaseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 30));
        var delay = ticks >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
        if (retryAfter is { } after && after > delay)
        {
            delay = after < MaxRetryDelay ? after : MaxRetryDelay;
        }

        return delay;
    }
}
