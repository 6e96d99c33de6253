using System.Globalization;
using System.Text;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>
/// Brings the database up to date from the NVD CVE API 2.0: a full download the first time, then windows of at
/// most 120 days of <c>lastModStartDate</c>/<c>lastModEndDate</c> from the last successful update. Each page is
/// committed with the resume cursor, so an interrupted run resumes without losing or duplicating records.
/// </summary>
/// <remarks>
/// Records that change while a run pages through a window: the run's end is fixed at its start, so a record
/// modified meanwhile leaves the window (its new <c>lastModified</c> is later) and <c>totalResults</c> drops. The
/// records after it move up by one; to miss none, the next request steps back by the drop. The modified record's
/// new version is in the next run's first window, which starts at this run's start.
/// </remarks>
public sealed class NvdUpdater(HttpClient http, NvdApiOptions options, TimeProvider time)
{
    /// <summary>The source name the database records for this update.</summary>
    public const string SourceName = "nvd-api";

    /// <summary>State key of the resume cursor (JSON: run start, window, next <c>startIndex</c>); unset between runs.</summary>
    public const string CursorKey = "nvd.cursor";

    /// <summary>State key of the start time (ISO 8601 UTC) of the last run that completed; the next run's windows start there.</summary>
    public const string LastSuccessKey = "nvd.lastSuccess";

    private readonly NvdApiOptions _options = options;
    private readonly TimeProvider _time = time;
    private readonly HttpFetcher _fetcher = new(
        http,
        new HttpFetchPolicy(options.MaxRetries, options.RetryBaseDelay, options.MaxRetryDelay, options.RequestTimeout, options.MaxPageBytes),
        new RequestRateLimiter(options.RequestsPerWindow, options.RateWindow, options.EffectiveRequestInterval, time),
        time);

    /// <summary>The options in use.</summary>
    public NvdApiOptions Options => _options;

    private TimeSpan MaxWindow => _options.MaxWindow > NvdApiOptions.MaxApiWindow || _options.MaxWindow <= TimeSpan.Zero ? NvdApiOptions.MaxApiWindow : _options.MaxWindow;

    /// <summary>
    /// Runs the update: finishes an interrupted run first (same window, same <c>startIndex</c>), then fetches what
    /// changed since the last successful run. Returns what was read. Throws <see cref="VulnerabilityDownloadException"/>
    /// when the API cannot be reached or keeps answering errors or garbage; what earlier pages committed stays.
    /// </summary>
    public Task<ImportCounts> RunAsync(VulnerabilityDatabase database, IProgress<UpdateProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        return RunCoreAsync(database, progress, cancellationToken);
    }

    private async Task<ImportCounts> RunCoreAsync(VulnerabilityDatabase store, IProgress<UpdateProgress>? progress, CancellationToken cancellationToken)
    {
        var run = new RunProgress(progress);
        var (interrupted, lastSuccess) = ReadState(store);
        if (interrupted is not null)
        {
            run.Report($"resuming the update started {NvdCursor.FormatTime(interrupted.RunStart)} at {Describe(interrupted)}");
            await PageThroughAsync(store, interrupted, lastSuccess, run, cancellationToken).ConfigureAwait(false);
            lastSuccess = interrupted.RunStart;
        }

        var runStart = WholeMilliseconds(_time.GetUtcNow());
        var first = lastSuccess is not { } since ? NvdCursor.FullDownload(runStart)
            : since < runStart ? NvdCursor.Window(runStart, since, MaxWindow)
            : null;
        if (first is not null)
        {
            await PageThroughAsync(store, first, lastSuccess, run, cancellationToken).ConfigureAwait(false);
        }

        return run.Counts;
    }

    /// <summary>The request for the page <paramref name="cursor"/> points at.</summary>
    internal Uri PageUrl(NvdCursor cursor)
    {
        var url = new StringBuilder(_options.BaseUri.GetLeftPart(UriPartial.Path));
        url.Append(string.IsNullOrEmpty(_options.BaseUri.Query) ? "?" : _options.BaseUri.Query + "&");
        if (cursor is { WindowStart: { } start, WindowEnd: { } end })
        {
            url.Append("lastModStartDate=").Append(ApiTime(start)).Append("&lastModEndDate=").Append(ApiTime(end)).Append('&');
        }

        url.Append(CultureInfo.InvariantCulture, $"resultsPerPage={Math.Clamp(_options.ResultsPerPage, 1, 2000)}&startIndex={cursor.StartIndex}");
        return new Uri(url.ToString());
    }

    // The API wants extended ISO 8601 with an offset; '+' must be escaped or it reads as a space.
    private static string ApiTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture).Replace("+", "%2B", StringComparison.Ordinal);

    private static DateTimeOffset WholeMilliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static string Describe(NvdCursor cursor) =>
        cursor is { WindowStart: { } start, WindowEnd: { } end }
            ? FormattableString.Invariant($"the window {NvdCursor.FormatTime(start)}..{NvdCursor.FormatTime(end)}, record {cursor.StartIndex}")
            : FormattableString.Invariant($"the full download, record {cursor.StartIndex}");

    /// <summary>
    /// The resume cursor and the last success, read inside a transaction that is then rolled back: a database
    /// opened for a rebuild empties its tables in its first transaction, so it shows no state and the update starts
    /// with a full download rather than resuming or windowing into tables about to be emptied.
    /// </summary>
    private static (NvdCursor? Cursor, DateTimeOffset? LastSuccess) ReadState(VulnerabilityDatabase store)
    {
        using var probe = store.BeginUpdate(SourceName);
        return (NvdCursor.Parse(store.GetState(CursorKey)), NvdCursor.ParseTime(store.GetState(LastSuccessKey)));
    }

    private async Task PageThroughAsync(VulnerabilityDatabase store, NvdCursor first, DateTimeOffset? lastSuccess, RunProgress run, CancellationToken cancellationToken)
    {
        // Pages before the last one leave the source's update time where the last completed run put it.
        var previousSuccess = lastSuccess ?? first.RunStart;
        for (var cursor = (NvdCursor?)first; cursor is not null;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = cursor;
            var url = PageUrl(current);
            cursor = await _fetcher.GetAsync(url, _options.ApiKey, body => CommitPage(store, current, url, body.Span, previousSuccess, run), run.Report, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads one page and commits it with the cursor that follows it, in one transaction; returns that cursor (null when the run is done).</summary>
    private NvdCursor? CommitPage(VulnerabilityDatabase store, NvdCursor cursor, Uri url, ReadOnlySpan<byte> body, DateTimeOffset previousSuccess, RunProgress run)
    {
        var counts = new ImportCounts();
        using var update = store.BeginUpdate(SourceName);
        var page = NvdJsonReader.ReadPage(body, url.ToString(), update, counts);
        var next = Next(cursor, page, url);
        update.SetState(CursorKey, next?.Serialize());
        if (next is null)
        {
            update.SetState(LastSuccessKey, NvdCursor.FormatTime(cursor.RunStart));
        }

        update.Commit(next is null ? cursor.RunStart : previousSuccess, counts);
        run.Page(counts, page.TotalResults, cursor, next);
        return next;
    }

    private NvdCursor? Next(NvdCursor cursor, NvdPageInfo page, Uri url)
    {
        if (page.StartIndex != cursor.StartIndex || page.TotalResults < 0 || page.ResultsPerPage < 0)
        {
            throw new VulnerabilitySourceException(FormattableString.Invariant($"{url}: a page with startIndex {page.StartIndex}, resultsPerPage {page.ResultsPerPage}, totalResults {page.TotalResults} for startIndex {cursor.StartIndex}"));
        }

        if (page.ResultsPerPage == 0 && page.StartIndex < page.TotalResults)
        {
            throw new VulnerabilitySourceException(FormattableString.Invariant($"{url}: an empty page at {page.StartIndex} of {page.TotalResults}"));
        }

        var nextIndex = (long)page.StartIndex + page.ResultsPerPage;
        if (cursor.Total is { } previousTotal && page.TotalResults < previousTotal)
        {
            // Records left the window since the previous page: those after them moved up; step back so none is skipped.
            nextIndex = Math.Max(0, page.StartIndex - (long)(previousTotal - page.TotalResults));
        }

        return nextIndex < page.TotalResults
            ? cursor with { StartIndex = (int)nextIndex, Total = page.TotalResults }
            : cursor.NextWindow(MaxWindow);
    }

    /// <summary>Counts of the run and its progress line.</summary>
    private sealed class RunProgress(IProgress<UpdateProgress>? progress)
    {
        private long? _total;

        public ImportCounts Counts { get; } = new();

        public void Report(string message) => progress?.Report(new UpdateProgress(Counts.Records, _total, message));

        public void Page(ImportCounts page, int total, NvdCursor cursor, NvdCursor? next)
        {
            Counts.Add(page);
            _total = total;
            Report(next is null
                ? FormattableString.Invariant($"done: {Counts.Records} records")
                : FormattableString.Invariant($"{Describe(cursor)}: {page.Records} records of {total}"));
        }
    }
}
