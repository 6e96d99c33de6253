using System.Globalization;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Nvd;
using FirmwareGate.Core.Vulnerabilities.Sources;
using Microsoft.Data.Sqlite;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Nvd;

/// <summary>One test's world: an accelerated clock, the API stand-in on 127.0.0.1, a real SQLite database file.</summary>
internal sealed class NvdUpdateFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDir _dir = new();

    public NvdUpdateFixture(DateTimeOffset? start = null)
    {
        Clock = new AcceleratedTimeProvider(start ?? DefaultStart);
        Api = new NvdApiStandIn(Clock);
        DatabasePath = _dir.Combine("vulndb.sqlite");
        Http = new HttpClient();
    }

    public AcceleratedTimeProvider Clock { get; }

    public NvdApiStandIn Api { get; }

    public HttpClient Http { get; }

    public string DatabasePath { get; }

    public List<UpdateProgress> Progress { get; } = [];

    public NvdApiOptions Options(string? apiKey = null) => new()
    {
        BaseUri = Api.Endpoint,
        ApiKey = apiKey,
        ResultsPerPage = 5,
    };

    /// <summary>Runs one update on a freshly opened database, as <c>db update</c> would.</summary>
    public async Task<ImportCounts> RunAsync(NvdApiOptions options, CancellationToken cancellationToken = default, IProgress<UpdateProgress>? progress = null, bool rebuild = false)
    {
        using var database = VulnerabilityDatabase.OpenWrite(DatabasePath, rebuild);
        return await new NvdUpdater(Http, options, Clock).RunAsync(database, progress ?? new SyncProgress(Progress.Add), cancellationToken);
    }

    public string? State(string key)
    {
        using var database = VulnerabilityDatabase.OpenWrite(DatabasePath);
        return database.GetState(key);
    }

    public void SetLastSuccess(DateTimeOffset time)
    {
        using var database = VulnerabilityDatabase.OpenWrite(DatabasePath);
        using var update = database.BeginUpdate(NvdUpdater.SourceName);
        update.SetState(NvdUpdater.LastSuccessKey, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        update.Commit(time, new ImportCounts());
    }

    /// <summary>Every stored record id, one row each (duplicates would show twice), sorted.</summary>
    public List<string> StoredIds()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM records ORDER BY id;";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The fixture's ids (from the file itself), optionally only those modified at or after <paramref name="since"/>.</summary>
    public List<string> FixtureIds(DateTimeOffset? since = null, DateTimeOffset? until = null) =>
        [.. Api.Records.Where(r => (since is null || r.LastModified >= since) && (until is null || r.LastModified <= until)).Select(r => r.Id).Order(StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}

/// <summary>Progress reported synchronously (Progress&lt;T&gt; posts to the thread pool, which would race the asserts).</summary>
internal sealed class SyncProgress(Action<UpdateProgress> report) : IProgress<UpdateProgress>
{
    private readonly Lock _gate = new();

    public void Report(UpdateProgress value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
