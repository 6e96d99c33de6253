namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>
/// At most <c>maxRequests</c> requests in any rolling <c>window</c>, and at least <c>interval</c> between two, on
/// the clock of <see cref="TimeProvider"/>. Retries go through it too: NVD counts every request.
/// </summary>
internal sealed class RequestRateLimiter(int maxRequests, TimeSpan window, TimeSpan interval, TimeProvider time)
{
    private readonly Queue<DateTimeOffset> _sent = new();
    private DateTimeOffset? _last;

    /// <summary>Waits until a request may be sent, then counts it; <paramref name="onWait"/> hears of every wait.</summary>
    public async Task WaitAsync(Action<TimeSpan>? onWait, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = time.GetUtcNow();
            var wait = WaitAt(now);
            if (wait <= TimeSpan.Zero)
            {
                _sent.Enqueue(now);
                _last = now;
                return;
            }

            onWait?.Invoke(wait);
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan WaitAt(DateTimeOffset now)
    {
        while (_sent.Count > 0 && now - _sent.Peek() >= window)
        {
            _sent.Dequeue();
        }

        var wait = _sent.Count >= Math.Max(1, maxRequests) ? _sent.Peek() + window - now : TimeSpan.Zero;
        if (_last is { } last && last + interval - now > wait)
        {
            wait = last + interval - now;
        }

        return wait;
    }
}
