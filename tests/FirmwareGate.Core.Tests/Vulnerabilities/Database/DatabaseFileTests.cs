using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Sources;
using Microsoft.Data.Sqlite;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Database;

/// <summary>Real SQLite files: opening bad ones, updates that commit or roll back, readers during a write, status.</summary>
public sealed class DatabaseFileTests : IDisposable
{
    private const string RebuildHint = "firmwaregate db update --rebuild";
    private static readonly DateTimeOffset Day1 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = new(2026, 11, 2, 6, 30, 0, TimeSpan.Zero);
    private readonly TempDir _temp = new();

    [Fact]
    public void AMissingFileAsksForAnUpdate()
    {
        var path = _temp.Combine("none", "vulndb.sqlite");

        var e = Assert.Throws<VulnerabilityDatabaseException>(() => VulnerabilityDatabase.OpenRead(path));

        Assert.Equal("firmwaregate db update", e.Hint);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("`firmwaregate db update`", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyFileIsRefusedWithTheRebuildHint() => AssertRefused(File.Create(_temp.Combine("empty.sqlite")).Name, "empty");

    [Fact]
    public void RandomBytesAreRefused()
    {
        var path = _temp.Combine("random.sqlite");
        var bytes = new byte[64 * 1024];
        new Random(17).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        AssertRefused(path, "not an SQLite database");
    }

    [Fact]
    public void ATruncatedDatabaseIsRefused()
    {
        var path = WrittenDatabase();
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        AssertRefused(path, "truncated");
    }

    [Fact]
    public void AForeignSqliteFileIsRecognisedAsForeign()
    {
        var path = _temp.Combine("foreign.sqlite");
        RawSql(path, "CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos(name) VALUES('a');");

        AssertRefused(path, "another application (tables photos)");
        var e = Assert.Throws<VulnerabilityDatabaseException>(() => VulnerabilityDatabase.OpenWrite(path));
        Assert.Equal(RebuildHint, e.Hint);
    }

    [Fact]
    public void ANewerSchemaIsRefused()
    {
        var path = WrittenDatabase();
        RawSql(path, "PRAGMA user_version = 99;");

        AssertRefused(path, $"schema version 99, newer than the {DatabaseSchema.Version}");
    }

    [Fact]
    public void DamagedPagesSurfaceAsTheTypedErrorNeverAsSqliteException()
    {
        var path = WrittenDatabase();
        var bytes = File.ReadAllBytes(path);
        var random = new Random(5);
        for (var i = 4096; i < bytes.Length; i++)
        {
            bytes[i] = (byte)random.Next(256);
        }

        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<VulnerabilityDatabaseException>(() =>
        {
            using var database = VulnerabilityDatabase.OpenRead(path);
            foreach (var row in DatabaseFixtures.ExpectedMatches())
            {
                database.Candidates(DatabaseFixtures.Subject(row[1], row[2]));
            }

            database.Status(Day2);
        });
        Assert.Equal(RebuildHint, e.Hint);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReImportingTheSameRecordsAddsNoDuplicates()
    {
        var path = _temp.Combine("vulndb.sqlite");
        using var database = VulnerabilityDatabase.OpenWrite(path);
        DatabaseFixtures.Import(database, "offline:nvd", Day1);
        var first = database.Status(Day1);

        DatabaseFixtures.Import(database, "offline:nvd", Day2);
        var second = database.Status(Day2);

        Assert.Equal(22, first.Records);
        Assert.Equal(first.Records, second.Records);
        Assert.Equal(first.CpeEntries, second.CpeEntries);
        Assert.Equal(first.Kev, second.Kev);
        Assert.Equal(["CVE-2022-28391", "CVE-2022-48174"], database.Candidates(DatabaseFixtures.Subject("busybox:busybox", "1.35.0")).Select(r => r.Id));
    }

    [Fact]
    public void AnOlderCopyNeverOverwritesANewerOne()
    {
        using var database = VulnerabilityDatabase.OpenInMemory();
        var zlib = DatabaseFixtures.NvdRecords().Single(r => r.Id == "CVE-2023-45853");
        var older = zlib with { LastModified = zlib.LastModified!.Value.AddDays(-30), Description = "older copy", Configurations = [] };
        var undated = zlib with { LastModified = null, Description = "undated copy" };

        Write(database, zlib, older, undated);

        var stored = Assert.Single(database.Candidates(DatabaseFixtures.Subject("zlib:zlib", "1.2.13")));
        Assert.Equal(zlib.Description, stored.Description);
        Assert.Equal(1, database.Status(Day1).Records);
    }

    [Fact]
    public void ANewerCopyReplacesTheRecordAndItsIndexEntries()
    {
        using var database = VulnerabilityDatabase.OpenInMemory();
        var zlib = DatabaseFixtures.NvdRecords().Single(r => r.Id == "CVE-2023-45853");
        var renamed = zlib with
        {
            LastModified = zlib.LastModified!.Value.AddDays(1),
            Configurations = [new CpeConfiguration(CpeOperator.Or, false, [new CpeNode(CpeOperator.Or, false, [new CpeMatch { Vulnerable = true, Criteria = "cpe:2.3:a:madler:zlib:*:*:*:*:*:*:*:*", VersionEndIncluding = "1.3" }])])],
        };
        Write(database, zlib);
        var entriesBefore = database.Status(Day1).CpeEntries;

        Write(database, renamed);

        Assert.Empty(database.Candidates(DatabaseFixtures.Subject("zlib:zlib", "1.2.13")));
        Assert.Equal(zlib.Id, Assert.Single(database.Candidates(DatabaseFixtures.Subject("madler:zlib", "1.2.13"))).Id);
        Assert.Equal(1, database.Status(Day1).Records);
        Assert.Equal(1, database.Status(Day1).CpeEntries);
        Assert.True(entriesBefore >= 1);
    }

    [Fact]
    public void AnUpdateThatFailsHalfWayLeavesThePreviousContent()
    {
        var path = WrittenDatabase();
        using (var database = VulnerabilityDatabase.OpenWrite(path))
        {
            Assert.Throws<InvalidDataException>(FailHalfWay);

            void FailHalfWay()
            {
                using var update = database.BeginUpdate("nvd-api");
                update.Add(new VulnerabilityRecord { Id = "CVE-2099-0001", Source = "nvd", LastModified = Day2, Description = "zlib overflow" });
                update.AddKev(new KevEntry { CveId = "CVE-2099-0001" });
                update.SetState("nvd.cursor", "4000");
                throw new InvalidDataException("the API answered garbage");
            }

            Assert.Null(database.GetState("nvd.cursor"));
        }

        using var reader = VulnerabilityDatabase.OpenRead(path);
        var status = reader.Status(Day2);
        Assert.Equal(22, status.Records);
        Assert.Null(reader.Kev("CVE-2099-0001"));
        Assert.Equal(["offline:nvd"], status.Sources.Select(s => s.Name));
    }

    [Fact]
    public void ARebuildReplacesEverythingOnlyWhenItCommits()
    {
        var path = WrittenDatabase();
        using (var database = VulnerabilityDatabase.OpenWrite(path, rebuild: true))
        {
            using (var failed = database.BeginUpdate("nvd-api"))
            {
                failed.Add(new VulnerabilityRecord { Id = "CVE-2099-0002", Source = "nvd", LastModified = Day2 });
            }

            Assert.Equal(22, database.Status(Day2).Records);

            using var update = database.BeginUpdate("nvd-api");
            update.Add(new VulnerabilityRecord { Id = "CVE-2099-0003", Source = "nvd", LastModified = Day2 });
            update.Commit(Day2, new ImportCounts { Records = 1 });
        }

        using var reader = VulnerabilityDatabase.OpenRead(path);
        var status = reader.Status(Day2);
        Assert.Equal(1, status.Records);
        Assert.Equal(0, status.Kev);
        Assert.Equal([new SourceStatus("nvd-api", 1, Day2)], status.Sources);
    }

    [Fact]
    public void ARebuildReplacesAForeignFile()
    {
        var path = _temp.Combine("foreign.sqlite");
        RawSql(path, "CREATE TABLE photos(id INTEGER PRIMARY KEY);");

        using (var database = VulnerabilityDatabase.OpenWrite(path, rebuild: true))
        {
            DatabaseFixtures.Import(database, "offline:nvd", Day1, withKev: false);
        }

        using var reader = VulnerabilityDatabase.OpenRead(path);
        Assert.Equal(22, reader.Status(Day1).Records);
    }

    [Fact]
    public void AReaderKeepsWorkingWhileAWriterUpdates()
    {
        var path = WrittenDatabase();
        using var writer = VulnerabilityDatabase.OpenWrite(path);
        using var reader = VulnerabilityDatabase.OpenRead(path);
        var zlib = DatabaseFixtures.Subject("zlib:zlib", "1.2.13");

        using (var update = writer.BeginUpdate("nvd-api"))
        {
            update.Add(new VulnerabilityRecord
            {
                Id = "CVE-2099-0004",
                Source = "nvd",
                LastModified = Day2,
                Configurations = [new CpeConfiguration(CpeOperator.Or, false, [new CpeNode(CpeOperator.Or, false, [new CpeMatch { Vulnerable = true, Criteria = "cpe:2.3:a:zlib:zlib:1.2.13:*:*:*:*:*:*:*" }])])],
            });

            Assert.Equal(["CVE-2023-45853"], reader.Candidates(zlib).Select(r => r.Id));
            Assert.Equal(22, reader.Status(Day2).Records);
            update.Commit(Day2, new ImportCounts { Records = 1 });
        }

        Assert.Equal(["CVE-2023-45853", "CVE-2099-0004"], reader.Candidates(zlib).Select(r => r.Id));
        Assert.Equal(23, reader.Status(Day2).Records);
    }

    [Fact]
    public void StatusCountsSourcesAndAge()
    {
        var path = WrittenDatabase();
        using (var database = VulnerabilityDatabase.OpenWrite(path))
        using (var update = database.BeginUpdate("epss"))
        {
            update.AddEpss(new EpssScore("CVE-2023-45853", 0.00123, 0.456, "2026-11-02"));
            update.AddEpss(new EpssScore("CVE-2024-1086", 0.8, 0.99, "2026-11-02"));
            update.Commit(Day2, new ImportCounts { Epss = 2 });
        }

        using var reader = VulnerabilityDatabase.OpenRead(path);
        var now = Day2.AddHours(30);
        var status = reader.Status(now);

        var kevInCatalogue = DatabaseFixtures.KevEntries().Select(k => k.CveId).Distinct().Count();
        var cpeEntries = DatabaseFixtures.NvdRecords().SelectMany(r => r.Configurations).SelectMany(c => c.Nodes).Sum(n => n.Matches.Count);
        Assert.Equal(path, status.Path);
        Assert.Equal(22, status.Records);
        Assert.Equal(cpeEntries, status.CpeEntries);
        Assert.Equal(kevInCatalogue, status.Kev);
        Assert.Equal(2, status.Epss);
        Assert.Equal([new SourceStatus("epss", 2, Day2), new SourceStatus("offline:nvd", 22 + kevInCatalogue, Day1)], status.Sources);
        Assert.Equal(Day2, status.LastUpdate);
        Assert.Equal(TimeSpan.FromHours(30), status.Age);
        Assert.Equal(new EpssScore("CVE-2023-45853", 0.00123, 0.456, "2026-11-02"), reader.Epss("CVE-2023-45853"));
        Assert.Null(reader.Epss("CVE-2023-4911"));
    }

    [Fact]
    public void AnEmptyDatabaseHasNoAge()
    {
        using var database = VulnerabilityDatabase.OpenWrite(_temp.Combine("a", "b", "vulndb.sqlite"));

        var status = database.Status(Day1);

        Assert.Equal((0L, 0L, null, null), (status.Records, status.CpeEntries, status.LastUpdate, status.Age));
        Assert.Empty(status.Sources);
    }

    [Fact]
    public void StateIsKeptRemovedAndRolledBack()
    {
        using var database = VulnerabilityDatabase.OpenInMemory();
        using (var update = database.BeginUpdate("nvd-api"))
        {
            update.SetState("nvd.cursor", "2026-11-01T00:00:00Z|2000");
            update.Commit(Day1, new ImportCounts());
        }

        Assert.Equal("2026-11-01T00:00:00Z|2000", database.GetState("nvd.cursor"));
        using (var update = database.BeginUpdate("nvd-api"))
        {
            update.SetState("nvd.cursor", null);
        }

        Assert.Equal("2026-11-01T00:00:00Z|2000", database.GetState("nvd.cursor"));
        using (var update = database.BeginUpdate("nvd-api"))
        {
            update.SetState("nvd.cursor", null);
            update.Commit(Day2, new ImportCounts());
        }

        Assert.Null(database.GetState("nvd.cursor"));
    }

    [Fact]
    public void TheKevFieldsOfAnNvdRecordAnswerWhenTheCatalogueHasNoEntry()
    {
        using var database = VulnerabilityDatabase.OpenInMemory();
        var record = new VulnerabilityRecord
        {
            Id = "CVE-2024-1086",
            Source = "nvd",
            LastModified = Day1,
            Kev = new KevEntry { CveId = "CVE-2024-1086", DateAdded = "2024-05-30", DueDate = "2024-06-20", RequiredAction = "Apply mitigations" },
        };
        Write(database, record);

        Assert.Equal(record.Kev, database.Kev("CVE-2024-1086"));
    }

    [Fact]
    public void AReadOnlyDatabaseRefusesUpdates()
    {
        using var reader = VulnerabilityDatabase.OpenRead(WrittenDatabase());

        Assert.Throws<InvalidOperationException>(() => reader.BeginUpdate("nvd-api"));
    }

    [Fact]
    public void AFinishedWriterLeavesOneSelfContainedFile()
    {
        var path = WrittenDatabase();
        var copy = _temp.Combine("copy", "vulndb.sqlite");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);

        File.Copy(path, copy);

        Assert.False(File.Exists(path + "-wal"));
        using var reader = VulnerabilityDatabase.OpenRead(copy);
        Assert.Equal(22, reader.Status(Day1).Records);
    }

    [Theory]
    [InlineData("/srv/db/v.sqlite", "/xdg", "/home/u", "/srv/db/v.sqlite")]
    [InlineData(null, "/xdg", "/home/u", "/xdg/firmwaregate/vulndb.sqlite")]
    [InlineData(null, null, "/home/u", "/home/u/.cache/firmwaregate/vulndb.sqlite")]
    [InlineData(null, "relative/cache", "/home/u", "/home/u/.cache/firmwaregate/vulndb.sqlite")]
    public void TheDefaultPathFollowsTheEnvironment(string? db, string? xdg, string home, string expected)
    {
        var environment = new Dictionary<string, string?> { ["FIRMWAREGATE_DB"] = db, ["XDG_CACHE_HOME"] = xdg, ["HOME"] = home };

        Assert.Equal(expected, VulnerabilityDatabase.DefaultPath(name => environment.GetValueOrDefault(name)));
    }

    public void Dispose() => _temp.Dispose();

    private static void Write(VulnerabilityDatabase database, params VulnerabilityRecord[] records)
    {
        using var update = database.BeginUpdate("test");
        foreach (var record in records)
        {
            update.Add(record);
        }

        update.Commit(Day1, new ImportCounts { Records = records.Length });
    }

    private static void RawSql(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private string WrittenDatabase()
    {
        var path = _temp.Combine("vulndb.sqlite");
        using var database = VulnerabilityDatabase.OpenWrite(path);
        DatabaseFixtures.Import(database, "offline:nvd", Day1);
        return path;
    }

    private static void AssertRefused(string path, string problem)
    {
        var e = Assert.Throws<VulnerabilityDatabaseException>(() => VulnerabilityDatabase.OpenRead(path));

        Assert.Equal(RebuildHint, e.Hint);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Contains($"`{RebuildHint}`", e.Message, StringComparison.Ordinal);
    }
}
