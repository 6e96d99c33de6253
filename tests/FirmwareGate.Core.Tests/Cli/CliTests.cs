using System.Text.Json;
using FirmwareGate.Cli;
using FirmwareGate.Core.Tests.Security;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Cli;

/// <summary>The firmwaregate command line end to end, on real fixture files.</summary>
public sealed class CliTests
{
    private static Task<(int Code, string Stdout, string Stderr)> Run(params string[] args) => DamagedInputTests.RunCli(args);

    [Fact]
    public async Task Help_lists_commands_and_each_command_has_its_own_help()
    {
        var (code, stdout, _) = await Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("scan", stdout, StringComparison.Ordinal);
        Assert.Contains("unpack", stdout, StringComparison.Ordinal);

        var (unpackCode, unpackHelp, _) = await Run("unpack", "--help");
        Assert.Equal(0, unpackCode);
        Assert.Contains("--output", unpackHelp, StringComparison.Ordinal);
        Assert.Contains("--max-ratio", unpackHelp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_tool_version()
    {
        // Run the real tool: --version reports the entry assembly, which under the test host is not ours.
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "firmwaregate.dll"), "--version"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!; // Start returns a process for a real executable.
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(FirmwareGateCommand.Version, stdout.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+$", stdout.Trim());
    }

    [Fact]
    public async Task Usage_errors_exit_2()
    {
        var (code, _, stderr) = await Run("unpack", TestPaths.Fixture("trx-v1.trx"));
        Assert.Equal(2, code);
        Assert.Contains("--output", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_json_has_the_contract_keys_and_is_byte_identical_across_runs()
    {
        using var temp = new TempDir();
        string a = temp.Combine("a.json"), b = temp.Combine("b.json");
        var (code, _, _) = await Run("scan", TestPaths.Fixture("trx-v1.trx"), "--json", a, "--now", "2026-01-01T00:00:00Z", "--quiet");
        await Run("scan", TestPaths.Fixture("trx-v1.trx"), "--json", b, "--now", "2026-01-01T00:00:00Z", "--quiet");
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));

        using var doc = JsonDocument.Parse(File.ReadAllText(a));
        var root = doc.RootElement;
        Assert.Equal(
            ["schemaVersion", "tool", "scannedAt", "image", "coverage", "layers", "files", "components", "binaries", "certificates", "privateKeys", "accounts", "findings", "vulnerabilities", "policy", "analysis", "database"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-01-01T00:00:00Z", root.GetProperty("scannedAt").GetString());
        Assert.Equal(["trx", "uimage", "kernel", "gzip", "squashfs-xz"], root.GetProperty("image").GetProperty("formatChain").EnumerateArray().Select(e => e.GetString()));
        var trx = root.GetProperty("layers")[0];
        Assert.Equal("trx", trx.GetProperty("format").GetString());
        Assert.Equal(28, trx.GetProperty("children")[0].GetProperty("offset").GetInt64());
        var files = root.GetProperty("files");
        Assert.Equal(ManifestRow.Load(TestPaths.Fixture("tree.files.tsv")).Count, files.GetProperty("total").GetInt32());
        Assert.True(root.GetProperty("analysis").GetProperty("complete").GetBoolean());
        var cov = root.GetProperty("coverage");
        Assert.Equal(cov.GetProperty("bytes").GetInt64(), cov.GetProperty("recognised").GetInt64() + cov.GetProperty("padding").GetInt64() + cov.GetProperty("unknown").GetInt64());
    }

    [Fact]
    public async Task Unpack_writes_one_folder_per_layer_with_trees_and_entry_lists()
    {
        using var temp = new TempDir();
        string output = temp.Combine("out");
        var (code, stdout, _) = await Run("unpack", TestPaths.Fixture("trx-v1.trx"), "-o", output);
        Assert.Equal(0, code);
        Assert.Contains("extracted", stdout, StringComparison.Ordinal);

        // The squashfs partition follows the 4184-byte uImage after the 28-byte TRX v1 header.
        string squash = Path.Combine(output, "0x0-trx", "0x1074-squashfs");
        Assert.True(Directory.Exists(Path.Combine(output, "0x0-trx", "0x1c-uimage", "0x40-kernel", "0x0-gzip")));
        string busybox = Path.Combine(squash, "root", "bin", "busybox");
        Assert.Equal(
            ManifestRow.Load(TestPaths.Fixture("tree.files.tsv")).Single(r => r.Path == "/bin/busybox").Sha256,
            TreeComparer.Sha256(new Core.Sources.MemoryByteSource(File.ReadAllBytes(busybox))));
        Assert.Equal("busybox", new FileInfo(Path.Combine(squash, "root", "bin", "sh")).LinkTarget);

        // Devices are listed, never created; setuid is listed, never applied.
        Assert.False(Path.Exists(Path.Combine(squash, "root", "dev", "console")));
        string entries = File.ReadAllText(Path.Combine(squash, "entries.tsv"));
        Assert.Contains("/dev/console\tchardev\t0644\t0\t0\t0\t\t5\t1", entries, StringComparison.Ordinal);
        Assert.Contains("/usr/sbin/suid-tool\tfile\t4755", entries, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(Path.Combine(squash, "root", "usr", "sbin", "suid-tool")) & UnixFileMode.SetUser);
        Assert.Equal(File.ReadAllBytes(Path.Combine(squash, "root", "data", "original.bin")), File.ReadAllBytes(Path.Combine(squash, "root", "data", "hardlink.bin")));
    }

    [Fact]
    public async Task Unpack_refuses_a_non_empty_output_folder()
    {
        using var temp = new TempDir();
        File.WriteAllText(temp.Combine("keep.txt"), "mine");
        var (code, _, stderr) = await Run("unpack", TestPaths.Fixture("trx-v1.trx"), "-o", temp.Path);
        Assert.Equal(2, code);
        Assert.Contains("not empty", stderr, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(temp.Combine("keep.txt")));
    }

    [Fact]
    public async Task Incomplete_analysis_exits_3_unless_allowed()
    {
        var (code, _, stderr) = await Run("scan", TestPaths.Fixture("truncated-squashfs.bin"), "--quiet");
        Assert.Equal(3, code);
        Assert.Contains("analysis incomplete", stderr, StringComparison.Ordinal);
        var (allowed, _, _) = await Run("scan", TestPaths.Fixture("truncated-squashfs.bin"), "--quiet", "--allow-incomplete");
        Assert.Equal(0, allowed);
    }
}
