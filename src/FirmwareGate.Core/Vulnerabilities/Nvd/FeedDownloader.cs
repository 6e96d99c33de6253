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
        return ImportAsync(new DatabaseUpdateStore(database), kind, location, progress, cancellationToken);
    }

    /// <summary>The import against any store.</summary>
    internal async Task<ImportCounts> ImportAsync(IUpdateStore store, FeedKind kind, string location, IProgress<UpdateProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        if (!Uri.TryCreate(location, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return Import(store, kind, location, cancellationToken);
        }

        var fileName = Path.GetFileName(url.AbsolutePath) is { Length: > 0 } name ? name : kind == FeedKind.Kev ? "kev.json" : "epss.csv.gz";
        var counts = await _fetcher.GetAsync(
            url,
            apiKey: null,
            body => ImportDownloaded(store, kind, fileName, body.Span, cancellationToken),
            message => progress?.Report(new UpdateProgress(0, null, message)),
            cancellationToken).ConfigureAwait(false);
        progress?.Report(new UpdateProgress(Count(kind, counts), Count(kind, counts), $"{SourceName(kind)}: imported from {url}"));
        return counts;
    }

    private static long Count(FeedKind kind, ImportCounts counts) => kind == FeedKind.Kev ? counts.Kev : counts.Epss;

    private ImportCounts ImportDownloaded(IUpdateStore store, FeedKind kind, string fileName, ReadOnlySpan<byte> body, CancellationToken cancellationToken)
    {
        // The readers take files (their format detection looks at names and content): keep the download's name.
        var folder = Directory.CreateTempSubdirectory("firmwaregate-feed-");
        try
        {
            var path = Path.Combine(folder.FullName, fileName);
            File.WriteAllBytes(path, body);
            return Import(store, kind, path, cancellationToken);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private ImportCounts Import(IUpdateStore store, FeedKind kind, string path, CancellationToken cancellationToken)
    {
        using var update = store.BeginUpdate(SourceName(kind));
        var counts = OfflineSources.Read(path, update, cancellationToken);
        var wanted = Count(kind, counts);
        if (wanted == 0 || counts.Records > 0 || counts.Kev + counts.Epss != wanted)
        {
            throw new VulnerabilitySourceException($"{path}: not a {(kind == FeedKind.Kev ? "KEV catalogue" : "EPSS score file")} ({counts.Records} records, {counts.Kev} KEV entries, {counts.Epss} EPSS scores in it)");
        }

        update.Commit(time.GetUtcNow(), counts);
        return counts;
    }
}
