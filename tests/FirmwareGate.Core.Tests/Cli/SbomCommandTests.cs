using System.Text.Json;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Security;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Cli;

/// <summary><c>firmwaregate sbom</c> and <c>scan --sbom</c> end to end.</summary>
public sealed class SbomCommandTests
{
    private const string Now = "2026-01-01T00:00:00Z";

    private static Task<(int Code, string Stdout, string Stderr)> Run(params string[] args) => DamagedInputTests.RunCli(args);

    [Fact]
    public async Task Sbom_writes_a_valid_cyclonedx_file_and_the_same_bytes_to_standard_output()
    {
        using var temp = new TempDir();
        string file = temp.Combine("bom.cdx.json");
        var (code, stdout, _) = await Run("sbom", TestPaths.Fixture("trx-v1.trx"), "-o", file, "--now", Now);
        Assert.Equal(0, code);
        Assert.Contains("CycloneDX 1.6 SBOM", stdout, StringComparison.Ordinal);
        string json = File.ReadAllText(file);
        Assert.Empty(CycloneDxReportWriter.Validate(json));

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(Now, doc.RootElement.GetProperty("metadata").GetProperty("timestamp").GetString());
        Assert.Equal("trx-v1.trx", doc.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("name").GetString());

        var (stdoutCode, toStdout, _) = await Run("sbom", TestPaths.Fixture("trx-v1.trx"), "--output", "-", "--now", Now);
        Assert.Equal(0, stdoutCode);
        Assert.Equal(json, toStdout);
    }

    [Fact]
    public async Task Scan_sbom_writes_the_same_sbom_next_to_the_json_report()
    {
        using var temp = new TempDir();
        string sbom = temp.Combine("a.cdx.json"), scanSbom = temp.Combine("b.cdx.json"), report = temp.Combine("r.json");
        await Run("sbom", TestPaths.Fixture("uimage-gzip.bin"), "-o", sbom, "--now", Now, "--quiet");
        var (code, _, _) = await Run("scan", TestPaths.Fixture("uimage-gzip.bin"), "--json", report, "--sbom", scanSbom, "--now", Now, "--quiet");
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllBytes(sbom), File.ReadAllBytes(scanSbom));

        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(doc.RootElement.GetProperty("image").GetProperty("sha256").GetString(), JsonDocument.Parse(File.ReadAllText(sbom)).RootElement.GetProperty("metadata").GetProperty("component").GetProperty("hashes")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Incomplete_analysis_exits_3_unless_allowed_and_the_sbom_says_so()
    {
        using var temp = new TempDir();
        string file = temp.Combine("bom.cdx.json");
        var (code, _, stderr) = await Run("sbom", TestPaths.Fixture("uimage-badcrc.bin"), "-o", file, "--now", Now, "--quiet");
        Assert.Equal(3, code);
        Assert.Contains("--allow-incomplete", stderr, StringComparison.Ordinal);

        var (allowed, _, _) = await Run("sbom", TestPaths.Fixture("uimage-badcrc.bin"), "-o", file, "--now", Now, "--quiet", "--allow-incomplete");
        Assert.Equal(0, allowed);
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var complete = doc.RootElement.GetProperty("metadata").GetProperty("properties").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "firmwaregate:analysis:complete");
        Assert.Equal("false", complete.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Usage_and_input_errors_exit_2_without_writing()
    {
        using var temp = new TempDir();
        string file = temp.Combine("bom.cdx.json");

        var (noOutput, _, missing) = await Run("sbom", TestPaths.Fixture("trx-v1.trx"));
        Assert.Equal(2, noOutput);
        Assert.Contains("--output", missing, StringComparison.Ordinal);

        var (unknown, _, _) = await Run("sbom", TestPaths.Fixture("zeros.bin"), "-o", file);
        Assert.Equal(2, unknown);
        Assert.False(File.Exists(file));

        var (badTime, _, timeError) = await Run("sbom", TestPaths.Fixture("trx-v1.trx"), "-o", file, "--now", "yesterday");
        Assert.Equal(2, badTime);
        Assert.Contains("--now", timeError, StringComparison.Ordinal);

        var (unwritable, _, writeError) = await Run("sbom", TestPaths.Fixture("trx-v1.trx"), "-o", temp.Combine("no", "such", "dir", "bom.json"), "--quiet");
        Assert.Equal(2, unwritable);
        Assert.Contains("cannot write", writeError, StringComparison.Ordinal);

        var (bothStdout, _, both) = await Run("scan", TestPaths.Fixture("trx-v1.trx"), "--json", "-", "--sbom", "-");
        Assert.Equal(2, bothStdout);
        Assert.Contains("standard output", both, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sbom_command_takes_the_scan_limits()
    {
        var (code, stdout, _) = await Run("sbom", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--max-ratio", stdout, StringComparison.Ordinal);
        Assert.Contains("--allow-incomplete", stdout, StringComparison.Ordinal);
        Assert.Contains("--now", stdout, StringComparison.Ordinal);
    }
}
