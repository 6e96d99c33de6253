using System.Text.Json;
using FirmwareGate.Core.Tests.Security;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Cli;

/// <summary><c>firmwaregate db update | status | match</c> and <c>scan --db</c> end to end, on a real database file built from the sample NVD records.</summary>
public sealed class DbCommandTests
{
    private static readonly string SampleRecords = Path.Combine(TestPaths.RepoRoot, "samples", "vulndb");

    private static Task<(int Code, string Stdout, string Stderr)> Run(params string[] args) => DamagedInputTests.RunCli(args);

    [Fact]
    public async Task Update_from_offline_files_then_status_and_match_answer_from_the_database()
    {
        using var temp = new TempDir();
        string db = temp.Combine("cache", "vulndb.sqlite");
        int records = Directory.GetFiles(Path.Combine(SampleRecords, "nvd"), "*.json").Length;

        var (code, stdout, stderr) = await Run("db", "update", "--from", SampleRecords, "--db", db, "--quiet");
        Assert.True(code == 0, stderr);
        Assert.Contains($"{records} record(s)", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(db));

        // Importing the same files again neither duplicates nor loses anything.
        (code, _, stderr) = await Run("db", "update", "--from", SampleRecords, "--db", db, "--quiet");
        Assert.True(code == 0, stderr);

        (code, stdout, stderr) = await Run("db", "status", "--db", db, "--json");
        Assert.True(code == 0, stderr);
        using (var status = JsonDocument.Parse(stdout))
        {
            Assert.Equal(records, status.RootElement.GetProperty("records").GetInt64());
            Assert.Contains(status.RootElement.GetProperty("sources").EnumerateArray(), s => s.GetProperty("name").GetString()!.StartsWith("offline:", StringComparison.Ordinal));
            Assert.Equal(JsonValueKind.String, status.RootElement.GetProperty("lastUpdate").ValueKind);
        }

        // busybox 1.35.0: the oracle's verdicts, by name@version, by CPE and by purl alike.
        var expected = OracleFor("busybox:busybox", "1.35.0");
        foreach (string query in new[] { "busybox@1.35.0", "cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*", "pkg:generic/busybox@1.35.0" })
        {
            (code, stdout, stderr) = await Run("db", "match", query, "--db", db, "--json");
            Assert.True(code == 0, stderr);
            using var match = JsonDocument.Parse(stdout);
            var affected = match.RootElement.GetProperty("matches").EnumerateArray()
                .Where(m => m.GetProperty("verdict").GetString() == "affected")
                .Select(m => m.GetProperty("id").GetString()!)
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected.Where(e => e.Verdict == "affected").Select(e => e.Cve).Order(StringComparer.Ordinal), affected);
        }

        // --all explains the records that do not apply: CVE-2021-42386's range ends before 1.35.0.
        (code, stdout, _) = await Run("db", "match", "busybox@1.35.0", "--db", db, "--all");
        Assert.Equal(0, code);
        Assert.Contains("CVE-2021-42386  not affected", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_with_a_database_lists_the_cves_in_its_summary()
    {
        using var temp = new TempDir();
        string db = temp.Combine("vulndb.sqlite");
        var (code, _, stderr) = await Run("db", "update", "--from", SampleRecords, "--db", db, "--quiet");
        Assert.True(code == 0, stderr);

        (code, var stdout, stderr) = await Run("scan", Path.Combine(TestPaths.RepoRoot, "samples", "router-sample.trx"), "--db", db);
        Assert.True(code == 0, stderr);
        foreach (var (cve, _, _, verdict, _) in SampleVulnerabilityScanRows())
        {
            if (verdict == "affected")
            {
                Assert.Contains(cve, stdout, StringComparison.Ordinal);
            }
        }

        Assert.Matches(@"cves +\d+ affecting", stdout);
    }

    [Fact]
    public async Task Kev_and_epss_files_mark_the_cves_of_a_match()
    {
        using var temp = new TempDir();
        string db = temp.Combine("vulndb.sqlite");
        // EPSS's published CSV layout (first.org/epss/data_stats): a model line, the header, one score per CVE.
        string epss = temp.Combine("epss.csv");
        File.WriteAllText(epss, "#model_version:v2025.03.14,score_date:2026-11-01T00:00:00+0000\ncve,epss,percentile\nCVE-2022-48174,0.01234,0.78900\n");
        var (code, stdout, stderr) = await Run("db", "update", "--from", SampleRecords, "--kev", TestPaths.Fixture("Vulnerabilities/kev/known_exploited_vulnerabilities.json"), "--epss", epss, "--db", db, "--quiet");
        Assert.True(code == 0, stderr);
        Assert.Contains("KEV 1404", stdout, StringComparison.Ordinal);

        (code, stdout, stderr) = await Run("db", "match", "busybox@1.35.0", "--db", db, "--json");
        Assert.True(code == 0, stderr);
        using var match = JsonDocument.Parse(stdout);
        Assert.Contains(match.RootElement.GetProperty("matches").EnumerateArray(), m => m.GetProperty("id").GetString() == "CVE-2022-48174");

        using var scan = Vulnerabilities.Scan.SampleVulnerabilityScanTests.ScanSample(db);
        var busybox = Assert.Single(scan.Vulnerabilities.Items, v => v.Id == "CVE-2022-48174");
        Assert.Equal(0.01234, busybox.Epss!.Score, 5);
        Assert.Equal(0.789, busybox.Epss.Percentile, 5);
        // The KEV catalogue lists CVE-2023-4911 (glibc), which is not in the sample; nothing in the sample is known exploited.
        Assert.DoesNotContain(scan.Vulnerabilities.Items, v => v.KnownExploited);
    }

    [Fact]
    public async Task Bad_queries_and_databases_exit_2_with_a_message()
    {
        using var temp = new TempDir();
        var (code, _, stderr) = await Run("db", "match", "not a component", "--db", temp.Combine("x.sqlite"));
        Assert.Equal(2, code);
        Assert.Contains("name@version", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await Run("db", "status", "--db", temp.Combine("missing.sqlite"));
        Assert.Equal(2, code);
        Assert.Contains("missing.sqlite", stderr, StringComparison.Ordinal);
        Assert.Contains("db update", stderr, StringComparison.Ordinal);

        string garbage = temp.Combine("garbage.sqlite");
        File.WriteAllBytes(garbage, [.. "SQLite format 3\0"u8.ToArray(), .. Enumerable.Range(0, 8192).Select(i => (byte)(i * 31))]);
        (code, _, stderr) = await Run("db", "status", "--db", garbage);
        Assert.Equal(2, code);
        Assert.Contains("--rebuild", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await Run("db", "update", "--from", temp.Combine("nothing-here"), "--db", temp.Combine("new.sqlite"));
        Assert.Equal(2, code);
        Assert.Contains("nothing-here", stderr, StringComparison.Ordinal);
    }

    private static List<(string Cve, string Verdict)> OracleFor(string vendorProduct, string version) =>
        [.. SampleVulnerabilityScanRows().Where(r => r.VendorProduct == vendorProduct && r.Version == version).Select(r => (r.Cve, r.Verdict))];

    private static IEnumerable<(string Cve, string VendorProduct, string Version, string Verdict, string Why)> SampleVulnerabilityScanRows() =>
        Vulnerabilities.Scan.SampleVulnerabilityScanTests.OracleRows()
            .Where(r => (r.VendorProduct, r.Version) is ("busybox:busybox", "1.35.0") or ("zlib:zlib", "1.2.13") or ("linux:linux_kernel", "6.1.176"));
}
