namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>Settings of the KEV and EPSS downloads.</summary>
public sealed record FeedOptions
{
    /// <summary>The CISA Known Exploited Vulnerabilities catalogue (JSON).</summary>
    public static readonly Uri KevUrl = new("https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json");

    /// <summary>FIRST's daily EPSS scores (gzip CSV).</summary>
    public static readonly Uri EpssUrl = new("https://epss.cyentia.com/epss_scores-current.csv.gz");

    /// <summary>Retries of a download on 403/429/5xx, timeouts and dropped connections before giving up.</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>The first retry's back-off; each further retry doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest back-off, and the most a <c>Retry-After</c> header is honoured for.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one download may take before it counts as a timeout and is retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest file accepted (the KEV catalogue is about 1.5 MB, the EPSS file about 2 MB compressed).</summary>
    public long MaxDownloadBytes { get; init; } = 128L * 1024 * 1024;
}
