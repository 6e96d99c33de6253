using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Nvd;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Nvd;

/// <summary>
/// KEV and EPSS imports from a loopback server and from files, into a real SQLite database. The KEV catalogue is the
/// real one (fixtures); the EPSS file is written here in FIRST's published layout (https://www.first.org/epss/data_stats:
/// a gzip CSV, first line <c>#model_version:...,score_date:...</c>, then <c>cve,epss,percentile</c>).
/// </summary>
public sealed class FeedDownloaderTests : IDisposable
{
    private const string KevPath = "/sites/default/files/feeds/known_exploited_vulnerabilities.json";
    private const string EpssPath = "/epss_scores-current.csv.gz";

    private static readonly string EpssCsv = """
        #model_version:v2025.03.14,score_date:2025-08-25T12:55:00+0000
        cve,epss,percentile
        CVE-2025-48384,0.01911,0.82456
        CVE-2023-45853,0.00337,0.55812
        CVE-2022-28805,0.00516,0.66007

        """;

    private readonly TempDir _dir = new();
    private readonly AcceleratedTimeProvider _clock = new(new DateTimeOffset(2025, 8, 26, 0, 0, 0, TimeSpan.Zero));
    private readonly byte[] _kev = File.ReadAllBytes(TestPaths.Fixture("Vulnerabilities/kev/known_exploited_vulnerabilities.json"));
    private readonly byte[] _epss = Gzip(EpssCsv);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task TheKevCatalogueIsDownloadedAfterAnUnavailableServerAndAllEntriesStored()
    {
        await using var server = new LoopbackHttpServer(r => r.Number == 1 ? ServerReply.Text(503, "busy") : Serve(r), _clock);
        using var database = VulnerabilityDatabase.OpenWrite(_dir.Combine("db.sqlite"));

        var counts = await Downloader().ImportAsync(database, FeedKind.Kev, new Uri(server.BaseUri, KevPath).ToString(), null, CancellationToken.None);

        Assert.Equal(2, server.Requests.Count);
        var expected = KevCatalogue();
        Assert.Equal(expected.Count, counts.Kev);
        var status = database.Status(_clock.GetUtcNow());
        Assert.Equal(expected.Count, status.Kev);
        Assert.Equal(expected.Count, Assert.Single(status.Sources, s => s.Name == "kev").Records);
        var first = expected[0];
        var stored = database.Kev(first.GetProperty("cveID").GetString()!);
        Assert.NotNull(stored);
        Assert.Equal(first.GetProperty("dateAdded").GetString(), stored.DateAdded);
        Assert.Equal(first.GetProperty("dueDate").GetString(), stored.DueDate);
        Assert.Equal(first.GetProperty("product").GetString(), stored.Product);
    }

    [Fact]
    public async Task EpssScoresAreDownloadedGzippedWithRetryAfterAndStored()
    {
        await using var server = new LoopbackHttpServer(
            r => r.Number == 1 ? ServerReply.Text(429, "later", new KeyValuePair<string, string>("Retry-After", "30")) : Serve(r),
            _clock);
        using var database = VulnerabilityDatabase.OpenWrite(_dir.Combine("db.sqlite"));

        var counts = await Downloader().ImportAsync(database, FeedKind.Epss, new Uri(server.BaseUri, EpssPath).ToString(), null, CancellationToken.None);

        Assert.Equal(3, counts.Epss);
        Assert.True(server.Requests[1].At - server.Requests[0].At >= TimeSpan.FromSeconds(30));
        var score = database.Epss("CVE-2023-45853");
        Assert.NotNull(score);
        Assert.Equal(0.00337, score.Score, 6);
        Assert.Equal(0.55812, score.Percentile, 6);
        Assert.Equal("2025-08-25", score.Date);
    }

    [Fact]
    public async Task LocalFilesAreImportedWithoutTheNetwork()
    {
        var kevFile = _dir.Combine("kev.json");
        var epssFile = _dir.Combine("epss.csv.gz");
        File.WriteAllBytes(kevFile, _kev);
        File.WriteAllBytes(epssFile, _epss);
        using var database = VulnerabilityDatabase.OpenWrite(_dir.Combine("db.sqlite"));

        var kev = await Downloader().ImportAsync(database, FeedKind.Kev, kevFile, null, CancellationToken.None);
        var epss = await Downloader().ImportAsync(database, FeedKind.Epss, epssFile, null, CancellationToken.None);

        Assert.Equal(KevCatalogue().Count, kev.Kev);
        Assert.Equal(3, epss.Epss);
        Assert.Equal(0.01911, database.Epss("CVE-2025-48384")!.Score, 6);
    }

    [Fact]
    public async Task GarbageOrTheWrongFeedFailsAfterRetriesAndLeavesThePreviousImport()
    {
        var answers = 0;
        await using var server = new LoopbackHttpServer(
            r => Interlocked.Increment(ref answers) == 1 ? Serve(r)
                : r.Number == 2 ? new ServerReply(200, Encoding.UTF8.GetBytes("<html>Access Denied</html>"), "text/html")
                : new ServerReply(200, _epss),
            _clock);
        using var database = VulnerabilityDatabase.OpenWrite(_dir.Combine("db.sqlite"));
        var url = new Uri(server.BaseUri, KevPath).ToString();
        await Downloader().ImportAsync(database, FeedKind.Kev, url, null, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<VulnerabilityDownloadException>(
            () => Downloader(maxRetries: 1).ImportAsync(database, FeedKind.Kev, url, null, CancellationToken.None));

        Assert.Contains(url, failure.Message, StringComparison.Ordinal);
        Assert.Contains("not the KEV catalogue", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(KevCatalogue().Count, database.Status(_clock.GetUtcNow()).Kev);
        Assert.Equal(0, database.Status(_clock.GetUtcNow()).Epss);
    }

    [Fact]
    public async Task ADownloadOverTheSizeLimitIsRefusedAtOnce()
    {
        await using var server = new LoopbackHttpServer(Serve, _clock);
        using var database = VulnerabilityDatabase.OpenWrite(_dir.Combine("db.sqlite"));
        var downloader = new FeedDownloader(new HttpClient(), new FeedOptions { MaxDownloadBytes = 64 * 1024 }, _clock);

        var failure = await Assert.ThrowsAsync<VulnerabilityDownloadException>(
            () => downloader.ImportAsync(database, FeedKind.Kev, new Uri(server.BaseUri, KevPath).ToString(), null, CancellationToken.None));

        Assert.Single(server.Requests);
        Assert.Contains("over the limit of 65536", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, database.Status(_clock.GetUtcNow()).Kev);
    }

    [Fact]
    public async Task ALocalFileThatIsNotTheFeedIsAClearError()
    {
        using var database = VulnerabilityDatabase.OpenWrite(_dir.Combine("db.sqlite"));
        var page = TestPaths.Fixture("Vulnerabilities/api-page-1.json");

        var failure = await Assert.ThrowsAsync<VulnerabilitySourceException>(
            () => Downloader().ImportAsync(database, FeedKind.Epss, page, null, CancellationToken.None));

        Assert.Contains(page, failure.Message, StringComparison.Ordinal);
        Assert.Contains("not an EPSS score file", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, database.Status(_clock.GetUtcNow()).Records);
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private List<JsonElement> KevCatalogue()
    {
        using var doc = JsonDocument.Parse(_kev);
        return [.. doc.RootElement.GetProperty("vulnerabilities").EnumerateArray().Select(e => e.Clone())];
    }

    private FeedDownloader Downloader(int maxRetries = 3) => new(new HttpClient(), new FeedOptions { MaxRetries = maxRetries }, _clock);

    private ServerReply Serve(ServerRequest request) => request.Path switch
    {
        KevPath => new ServerReply(200, _kev),
        EpssPath => new ServerReply(200, _epss, "application/gzip"),
        _ => ServerReply.Text(404, "not found"),
    };
}
