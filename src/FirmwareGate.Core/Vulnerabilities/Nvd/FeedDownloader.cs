using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>
/// Imports the CISA KEV catalogue or the EPSS scores from a URL (downloaded with the update retry policy, bounded in
/// size) or a local file, through <see cref="OfflineSources"/>, in one database transaction: a download that fails
/// or holds something else leaves the database as it was.
/// </summary>
public sealed class FeedDownloader(HttpClient http, FeedOptions options, TimeProvider time)
{
    // No published limit for these files; two downloads a second at most is polite enough.
    private readonly HttpFetcher _fetcher = new(
        http,
        new HttpFetchPolicy(options.MaxRetries, options.RetryBaseDelay, options.MaxRetryDelay, options.RequestTimeout, options.MaxDownloadBytes),
        new RequestRateLimiter(2, TimeSpan.FromSeconds(1), TimeSpan.Zero, time),
        time);

    /// <summary>The source name the database records for <paramref name="kind"/>: <c>kev</c> or <c>epss</c>.</summary>
    public static string SourceName(FeedKind kind) => kind == FeedKind.Kev ? "kev" : "epss";

    /// <summary>The published location of <paramref name="kind"/>.</summary>
    public static Uri DefaultUrl(FeedKind kind) => kind == FeedKind.Kev ? FeedOptions.KevUrl : FeedOptions.EpssUrl;

    /// <summary>
    /// Imports <paramref name="kind"/> from <paramref name="location"/>: an <c>http(s)</c> URL or a local file.
    /// Throws <see cref="VulnerabilityDownloadException"/> when a download keeps failing, and
    /// <see cref="VulnerabilitySourceException"/> when a local file is not that feed.
    /// </summary>
    public Task<ImportCounts> ImportAsync(VulnerabilityDatabase database, FeedKind kind, string location, IProgress<UpdateProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(location);
        return ImportCoreAsync(database, kind, location, progress, cancellationToken);
    }

    private async Task<ImportCounts> ImportCoreAsync(VulnerabilityDatabase store, FeedKind kind, string location, IProgress<UpdateProgress>? progress, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return ImportFile(store, kind, location, cancellationToken);
        }

        var counts = await _fetcher.GetAsync(
            url,
            apiKey: null,
            body => ImportDownloaded(store, kind, url, body),
            message => progress?.Report(new UpdateProgress(0, null, message)),
            cancellationToken).ConfigureAwait(false);
        progress?.Report(new UpdateProgress(Count(kind, counts), Count(kind, counts), $"{SourceName(kind)}: imported from {url}"));
        return counts;
    }

    private static long Count(FeedKind kind, ImportCounts counts) => kind == FeedKind.Kev ? counts.Kev : counts.Epss;

    private static void CheckContent(FeedKind kind, ImportCounts counts, string shownAs)
    {
        var wanted = Count(kind, counts);
        if (wanted == 0 || counts.Records > 0 || counts.Kev + counts.Epss != wanted)
        {
            throw new VulnerabilitySourceException($"{shownAs}: {(kind == FeedKind.Kev ? "not a KEV catalogue" : "not an EPSS score file")} ({counts.Records} records, {counts.Kev} KEV entries, {counts.Epss} EPSS scores in it)");
        }
    }

    /// <summary>Imports a download (gzip or not) in one transaction; garbage throws <see cref="VulnerabilitySourceException"/> and leaves nothing.</summary>
    private ImportCounts ImportDownloaded(VulnerabilityDatabase store, FeedKind kind, Uri url, ReadOnlyMemory<byte> body)
    {
        var counts = new ImportCounts();
        using var update = store.BeginUpdate(SourceName(kind));
        var format = OfflineSources.ReadContent(body, url.ToString(), update, counts);
        if (format != (kind == FeedKind.Kev ? SourceFormat.Kev : SourceFormat.Epss))
        {
            throw new VulnerabilitySourceException($"{url}: {format} content, not {(kind == FeedKind.Kev ? "the KEV catalogue" : "EPSS scores")}");
        }

        CheckContent(kind, counts, url.ToString());
        update.Commit(time.GetUtcNow(), counts);
        return counts;
    }

    private ImportCounts ImportFile(VulnerabilityDatabase store, FeedKind kind, string path, CancellationToken cancellationToken)
    {
        using var update = store.BeginUpdate(SourceName(kind));
        var counts = OfflineSources.Read(path, update, cancellationToken);
        CheckContent(kind, counts, path);
        update.Commit(time.GetUtcNow(), counts);
        return counts;
    }
}
