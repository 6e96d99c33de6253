using System.Globalization;
using System.Text;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Nvd;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Nvd;

/// <summary>
/// <see cref="NvdUpdater"/> end to end: a real HTTP server on 127.0.0.1 serving the 22 real records of
/// <c>api-page-1.json</c> through the API's paging, a real SQLite database file, and an accelerated clock so NVD's
/// rate limits and back-offs cost no real time while still showing on the clock.
/// </summary>
public sealed class NvdUpdaterTests
{
    private static readonly TimeSpan Window30S = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FirstRunDownloadsEveryRecordPageByPageWithoutDateFilter()
    {
        await using var world = new NvdUpdateFixture();

        var counts = await world.RunAsync(world.Options());

        Assert.Equal(22, counts.Records);
        Assert.Equal(world.FixtureIds(), world.StoredIds());
        var requests = world.Api.Requests;
        Assert.Equal(["0", "5", "10", "15", "20"], requests.Select(r => r.Query["startIndex"]));
        Assert.All(requests, r => Assert.Equal("5", r.Query["resultsPerPage"]));
        Assert.All(requests, r => Assert.False(r.Query.ContainsKey("lastModStartDate") || r.Query.ContainsKey("lastModEndDate")));
        Assert.All(requests, r => Assert.False(r.Headers.ContainsKey("apiKey")));
        Assert.Equal("2026-11-20T00:00:00.000Z", world.State(NvdUpdater.LastSuccessKey));
        Assert.Null(world.State(NvdUpdater.CursorKey));
        using var database = VulnerabilityDatabase.OpenRead(world.DatabasePath);
        var source = Assert.Single(database.Status(world.Clock.GetUtcNow()).Sources, s => s.Name == "nvd-api");
        Assert.Equal(NvdUpdateFixture.DefaultStart, source.LastUpdate);
        Assert.Equal(22, source.Records);
    }

    [Fact]
    public async Task WithoutAKeyRequestsAreSixSecondsApartAsNvdAdvises()
    {
        await using var world = new NvdUpdateFixture();

        await world.RunAsync(world.Options());

        var times = world.Api.Requests.Select(r => r.At).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(6), $"{pair.First:O} -> {pair.Second:O}"));
        Assert.Contains(world.Progress, p => p.Message.StartsWith("waiting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheApiKeyTravelsInTheHeaderOnlyAndAllowsFasterRequests()
    {
        await using var world = new NvdUpdateFixture();
        const string key = "0f3c-test-key";

        await world.RunAsync(world.Options(key));

        Assert.Equal(5, world.Api.Requests.Count);
        Assert.All(world.Api.Requests, r => Assert.Equal(key, r.Headers["apiKey"]));
        Assert.All(world.Api.Requests, r => Assert.DoesNotContain(r.Query.Values, v => v.Contains(key, StringComparison.Ordinal)));
        var times = world.Api.Requests.Select(r => r.At).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)));
        Assert.DoesNotContain(world.Progress, p => p.Message.Contains(key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, 5)]
    [InlineData("key", 50)]
    public async Task NoMoreRequestsThanTheLimitInAnyRolling30Seconds(string? key, int limit)
    {
        await using var world = new NvdUpdateFixture();
        var options = world.Options(key) with { ResultsPerPage = 2, RequestInterval = TimeSpan.Zero };

        await world.RunAsync(options);

        var times = world.Api.Requests.Select(r => r.At).ToList();
        Assert.Equal(11, times.Count);
        var busiest = times.Max(t => times.Count(u => u >= t && u < t + Window30S));
        Assert.Equal(Math.Min(limit, 11), busiest);
        Assert.Equal(world.FixtureIds(), world.StoredIds());
        if (key is null)
        {
            // 11 requests at 5 per 30 s: the 6th and 11th wait for the window.
            Assert.True(times[^1] - times[0] >= 2 * Window30S);
        }
        else
        {
            Assert.Equal(TimeSpan.Zero, world.Clock.TotalWaited);
        }
    }

    [Fact]
    public async Task ForbiddenUnavailableAndTooManyRequestsAreRetriedWithBackOffAndRetryAfter()
    {
        await using var world = new NvdUpdateFixture();
        world.Api.Fault = r => r.Number switch
        {
            2 => ServerReply.Text(403, "Forbidden"),
            3 => ServerReply.Text(503, "Service Unavailable"),
            5 => ServerReply.Text(429, "slow down", new KeyValuePair<string, string>("Retry-After", "45")),
            _ => null,
        };

        var counts = await world.RunAsync(world.Options());

        var requests = world.Api.Requests;
        Assert.Equal(["0", "5", "5", "5", "10", "10", "15", "20"], requests.Select(r => r.Query["startIndex"]));
        Assert.True(requests[2].At - requests[1].At >= TimeSpan.FromSeconds(6), "first back-off");
        Assert.True(requests[3].At - requests[2].At >= TimeSpan.FromSeconds(12), "second back-off doubles");
        Assert.True(requests[5].At - requests[4].At >= TimeSpan.FromSeconds(45), "Retry-After honoured");
        Assert.Equal(22, counts.Records);
        Assert.Equal(world.FixtureIds(), world.StoredIds());
        Assert.Contains(world.Progress, p => p.Message.Contains("HTTP 403", StringComparison.Ordinal) && p.Message.Contains("retry 1 of 6", StringComparison.Ordinal));
        Assert.Contains(world.Progress, p => p.Message.Contains("HTTP 503", StringComparison.Ordinal) && p.Message.Contains("retry 2 of 6", StringComparison.Ordinal));
        Assert.Contains(world.Progress, p => p.Message.Contains("HTTP 429", StringComparison.Ordinal) && p.Message.Contains("in 45 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADroppedConnectionAGarbageBodyAndATruncatedPageAreRetried()
    {
        await using var world = new NvdUpdateFixture();
        world.Api.Transform = (r, page) => r.Number switch
        {
            2 => page with { DropAfterBytes = page.Body.Length / 2 },
            3 => new ServerReply(200, Encoding.UTF8.GetBytes("<html><body>Scheduled maintenance</body></html>"), "text/html"),
            4 => new ServerReply(200, page.Body[..(page.Body.Length / 3)]),
            _ => page,
        };

        var counts = await world.RunAsync(world.Options());

        Assert.Equal(["0", "5", "5", "5", "5", "10", "15", "20"], world.Api.Requests.Select(r => r.Query["startIndex"]));
        Assert.Equal(22, counts.Records);
        Assert.Equal(world.FixtureIds(), world.StoredIds());
        Assert.Contains(world.Progress, p => p.Message.Contains("connection dropped", StringComparison.Ordinal));
        Assert.Contains(world.Progress, p => p.Message.Contains("not a valid answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAnswerThatNeverComesIsATimeoutAndRetried()
    {
        await using var world = new NvdUpdateFixture();
        world.Api.Fault = r => r.Number == 3 ? new ServerReply(200, []) { Stall = true } : null;

        await world.RunAsync(world.Options() with { RequestTimeout = TimeSpan.FromMilliseconds(500) });

        Assert.Equal(["0", "5", "10", "10", "15", "20"], world.Api.Requests.Select(r => r.Query["startIndex"]));
        Assert.Equal(world.FixtureIds(), world.StoredIds());
        Assert.Contains(world.Progress, p => p.Message.Contains("no complete answer within 0.5 s", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("wrong page")]
    public async Task GarbageThatPersistsFailsCleanlyKeepingEarlierPagesThenTheNextRunResumes(string garbage)
    {
        await using var world = new NvdUpdateFixture();
        var broken = true;
        world.Api.Transform = (r, page) => !broken || r.Query["startIndex"] != "10" ? page
            : garbage == "truncated" ? new ServerReply(200, Encoding.UTF8.GetBytes("""{"resultsPerPage":5,"startIndex":10,"totalResults":22,"vulnerabilities":"""))
            : page with { Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(page.Body).Replace("\"startIndex\":10", "\"startIndex\":0", StringComparison.Ordinal)) };

        var failure = await Assert.ThrowsAsync<VulnerabilityDownloadException>(() => world.RunAsync(world.Options() with { MaxRetries = 2 }));

        Assert.Contains($"{world.Api.Endpoint}?resultsPerPage=5&startIndex=10", failure.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", failure.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid answer", failure.Message, StringComparison.Ordinal);
        var servedOrder = world.Api.Records.Select(r => r.Id).ToList();
        Assert.Equal(servedOrder.Take(10).Order(StringComparer.Ordinal), world.StoredIds());
        Assert.Null(world.State(NvdUpdater.LastSuccessKey));
        Assert.Contains("\"startIndex\":10", world.State(NvdUpdater.CursorKey), StringComparison.Ordinal);

        broken = false;
        var before = world.Api.Requests.Count;
        await world.RunAsync(world.Options());

        var resumed = world.Api.Requests.Skip(before).ToList();
        Assert.Equal(["10", "15", "20"], resumed.Take(3).Select(r => r.Query["startIndex"]));
        Assert.All(resumed.Take(3), r => Assert.False(r.Query.ContainsKey("lastModStartDate")));
        Assert.Equal(world.FixtureIds(), world.StoredIds());
        Assert.Equal("2026-11-20T00:00:00.000Z", CatchUpStart(resumed));
        Assert.Null(world.State(NvdUpdater.CursorKey));
    }

    [Fact]
    public async Task ACancelledRunResumesAtTheSamePageWithoutLosingOrRepeatingRecords()
    {
        await using var world = new NvdUpdateFixture();
        using var cancel = new CancellationTokenSource();
        var pages = 0;
        var progress = new SyncProgress(p =>
        {
            world.Progress.Add(p);
            if (p.Message.Contains("records of", StringComparison.Ordinal) && ++pages == 2)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => world.RunAsync(world.Options(), cancel.Token, progress));

        Assert.Equal(2, world.Api.Requests.Count);
        Assert.Equal(10, world.StoredIds().Count);
        Assert.Contains("\"startIndex\":10", world.State(NvdUpdater.CursorKey), StringComparison.Ordinal);

        await world.RunAsync(world.Options());

        var all = world.Api.Requests.Select(r => r.Query["startIndex"]).ToList();
        Assert.Equal(["0", "5", "10", "15", "20"], all.Take(5));
        Assert.Equal(world.FixtureIds(), world.StoredIds());
        Assert.Equal(6, all.Count); // then one catch-up window since the interrupted run's start
        Assert.Equal("2026-11-20T00:00:00.000Z", CatchUpStart(world.Api.Requests));
    }

    [Fact]
    public async Task CancellingDuringAStalledRequestReturnsPromptlyAndKeepsTheCursor()
    {
        await using var world = new NvdUpdateFixture();
        world.Api.Fault = r => r.Number == 2 ? new ServerReply(200, []) { Stall = true } : null;
        using var cancel = new CancellationTokenSource();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var run = world.RunAsync(world.Options(), cancel.Token);
        while (world.Api.Requests.Count < 2 && watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
        }

        cancel.Cancel();
        var cancelledAt = watch.Elapsed;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.True(watch.Elapsed - cancelledAt < TimeSpan.FromSeconds(2), $"took {watch.Elapsed - cancelledAt}");
        Assert.Equal(5, world.StoredIds().Count);
        Assert.Contains("\"startIndex\":5", world.State(NvdUpdater.CursorKey), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatKeepsFailingEndsInAClearErrorNamingTheUrlAndStatus()
    {
        await using var world = new NvdUpdateFixture();
        world.Api.Fault = _ => ServerReply.Text(503, "down");

        var failure = await Assert.ThrowsAsync<VulnerabilityDownloadException>(() => world.RunAsync(world.Options() with { MaxRetries = 3 }));

        Assert.Equal(4, world.Api.Requests.Count);
        Assert.Equal(503, failure.LastStatus);
        Assert.Equal(new Uri($"{world.Api.Endpoint}?resultsPerPage=5&startIndex=0"), failure.Url);
        Assert.Contains("HTTP 503", failure.Message, StringComparison.Ordinal);
        Assert.Contains(failure.Url.ToString(), failure.Message, StringComparison.Ordinal);
        Assert.Empty(world.StoredIds());
        Assert.Null(world.State(NvdUpdater.LastSuccessKey));
    }

    [Fact]
    public async Task AnotherClientErrorFailsAtOnceWithNvdsMessageAndNoKey()
    {
        await using var world = new NvdUpdateFixture();
        const string key = "secret-key-value";
        world.Api.Fault = _ => ServerReply.Text(404, "", new KeyValuePair<string, string>("message", "Invalid apiKey"));

        var failure = await Assert.ThrowsAsync<VulnerabilityDownloadException>(() => world.RunAsync(world.Options(key)));

        Assert.Single(world.Api.Requests);
        Assert.Equal(404, failure.LastStatus);
        Assert.Contains("HTTP 404", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid apiKey", failure.Message, StringComparison.Ordinal);
        Assert.Contains("startIndex=0", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIncrementalRunAsksOnlyForConsecutiveWindowsOfAtMost120DaysSinceTheLastSuccess()
    {
        await using var world = new NvdUpdateFixture();
        var lastSuccess = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
        world.SetLastSuccess(lastSuccess);

        var counts = await world.RunAsync(world.Options());

        var requests = world.Api.Requests;
        Assert.All(requests, r => Assert.True(r.Query.ContainsKey("lastModStartDate") && r.Query.ContainsKey("lastModEndDate")));
        var windows = requests
            .Where(r => r.Query["startIndex"] == "0")
            .Select(r => (Start: Time(r.Query["lastModStartDate"]), End: Time(r.Query["lastModEndDate"])))
            .ToList();
        Assert.Equal(lastSuccess, windows[0].Start);
        Assert.Equal(NvdUpdateFixture.DefaultStart, windows[^1].End);
        Assert.All(windows, w => Assert.InRange(w.End - w.Start, TimeSpan.FromMinutes(1), TimeSpan.FromDays(120)));
        Assert.All(windows.Zip(windows.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
        Assert.Equal(5, windows.Count); // 538 days: four of 120 and the rest
        Assert.Equal(world.FixtureIds(since: lastSuccess), world.StoredIds());
        Assert.Equal(10, counts.Records);
        Assert.Equal("2026-11-20T00:00:00.000Z", world.State(NvdUpdater.LastSuccessKey));
    }

    [Fact]
    public async Task ASecondRunRightAfterTheFirstAsksOnlyForTheShortWindowSinceIt()
    {
        await using var world = new NvdUpdateFixture();
        await world.RunAsync(world.Options());
        var first = world.Api.Requests.Count;
        var secondStart = world.Clock.GetUtcNow();

        var counts = await world.RunAsync(world.Options());

        var request = Assert.Single(world.Api.Requests.Skip(first));
        Assert.Equal(NvdUpdateFixture.DefaultStart, Time(request.Query["lastModStartDate"]));
        Assert.True(Time(request.Query["lastModEndDate"]) >= secondStart);
        Assert.Equal(0, counts.Records);
        Assert.Equal(22, world.StoredIds().Count);
    }

    [Fact]
    public async Task RecordsModifiedWhileAWindowIsPagedAreNotLost()
    {
        // One window, 2025-04-15..2025-08-01, holding six records; after the first page NVD modifies one of them,
        // so it leaves the window and the others move up by one.
        var runStart = new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero);
        var lastSuccess = new DateTimeOffset(2025, 4, 15, 0, 0, 0, TimeSpan.Zero);
        await using var world = new NvdUpdateFixture(runStart);
        world.SetLastSuccess(lastSuccess);
        var inWindow = world.FixtureIds(since: lastSuccess, until: runStart);
        Assert.Equal(6, inWindow.Count);
        var modified = world.Api.Records.First(r => r.LastModified >= lastSuccess);
        world.Api.AfterPage = r =>
        {
            if (r.Number == 1)
            {
                modified.LastModified = world.Clock.GetUtcNow() + TimeSpan.FromSeconds(1);
            }
        };

        await world.RunAsync(world.Options() with { ResultsPerPage = 2 });

        Assert.Equal(inWindow, world.StoredIds());
        Assert.Equal("2025-08-01T00:00:00.000Z", world.State(NvdUpdater.LastSuccessKey));
    }

    [Fact]
    public async Task ARebuildDownloadsEverythingAgainIgnoringTheOldCursorAndLastSuccess()
    {
        await using var world = new NvdUpdateFixture();
        using (var cancel = new CancellationTokenSource())
        {
            var progress = new SyncProgress(p =>
            {
                if (p.Message.Contains("records of", StringComparison.Ordinal))
                {
                    cancel.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => world.RunAsync(world.Options(), cancel.Token, progress));
        }

        world.SetLastSuccess(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.NotNull(world.State(NvdUpdater.CursorKey));
        var before = world.Api.Requests.Count;

        await world.RunAsync(world.Options(), rebuild: true);

        var rebuilt = world.Api.Requests.Skip(before).ToList();
        Assert.Equal(["0", "5", "10", "15", "20"], rebuilt.Select(r => r.Query["startIndex"]));
        Assert.All(rebuilt, r => Assert.False(r.Query.ContainsKey("lastModStartDate")));
        Assert.Equal(world.FixtureIds(), world.StoredIds());
        Assert.Null(world.State(NvdUpdater.CursorKey));
    }

    private static DateTimeOffset Time(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static string CatchUpStart(IEnumerable<ServerRequest> requests)
    {
        var windowed = requests.Last(r => r.Query.ContainsKey("lastModStartDate"));
        return Time(windowed.Query["lastModStartDate"]).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}
