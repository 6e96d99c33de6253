namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>Settings of the NVD CVE API 2.0 client.</summary>
public sealed record NvdApiOptions
{
    /// <summary>The longest <c>lastModStartDate</c>..<c>lastModEndDate</c> range the API accepts: 120 consecutive days.</summary>
    public static readonly TimeSpan MaxApiWindow = TimeSpan.FromDays(120);

    /// <summary>The API endpoint.</summary>
    public Uri BaseUri { get; init; } = new("https://services.nvd.nist.gov/rest/json/cves/2.0");

    /// <summary>The API key (sent as the <c>apiKey</c> header), from <c>NVD_API_KEY</c>; null for none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Results per page (the API's maximum is 2000).</summary>
    public int ResultsPerPage { get; init; } = 2000;

    /// <summary>Requests allowed per rolling 30 s: 5 without a key, 50 with one (NVD's published limits).</summary>
    public int RequestsPerWindow => ApiKey is null ? 5 : 50;

    /// <summary>The rolling window <see cref="RequestsPerWindow"/> counts in: 30 s.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The pause between two requests; null for NVD's advice: 6 s without a key (the limit spread evenly), 2 s with
    /// one (NVD asks clients to sleep "several seconds" between requests even below the limit).
    /// </summary>
    public TimeSpan? RequestInterval { get; init; }

    /// <summary>The pause in use: <see cref="RequestInterval"/>, else NVD's advice.</summary>
    public TimeSpan EffectiveRequestInterval => RequestInterval ?? TimeSpan.FromSeconds(ApiKey is null ? 6 : 2);

    /// <summary>The longest incremental window; at most <see cref="MaxApiWindow"/> (longer values are cut to it).</summary>
    public TimeSpan MaxWindow { get; init; } = MaxApiWindow;

    /// <summary>Retries of one request on 403/429/5xx and dropped connections before giving up.</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>The first retry's back-off; each further retry doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>The longest back-off, and the most a <c>Retry-After</c> header is honoured for.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one request (headers and body) may take before it counts as a timeout and is retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The largest page body accepted (a full page of 2000 CVEs is some tens of MB).</summary>
    public long MaxPageBytes { get; init; } = 256L * 1024 * 1024;
}
