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
