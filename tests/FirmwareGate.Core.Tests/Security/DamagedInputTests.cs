using FirmwareGate.Cli;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>Truncated and corrupt layers warn with format and offset; unknown images exit 2 with an entropy profile.</summary>
public sealed class DamagedInputTests
{
    [Fact]
    public void Truncated_squashfs_is_reported_and_the_scan_is_incomplete()
    {
        using var result = Scan.Run(TestPaths.Fixture("truncated-squashfs.bin"));
        var layer = result.Single("squashfs");
        Assert.Contains(layer.Warnings, w => w.Contains("squashfs at 0x", StringComparison.Ordinal));
        Assert.False(result.Complete);
        Assert.Equal(3, result.ExitCode(allowIncomplete: false));
    }

    [Fact]
    public void Truncated_gzip_keeps_what_decoded_and_still_reads_the_tar_inside()
    {
        using var result = Scan.Run(TestPaths.Fixture("truncated.tar.gz"));
        var gzip = result.Single("gzip");
        Assert.Contains(gzip.Warnings, w => w.Contains("gzip", StringComparison.Ordinal) && w.Contains("truncated", StringComparison.Ordinal));
        var tar = result.Single("tar");
        Assert.Contains(tar.FileSystem!.Entries, e => e.Path == "/etc/hostname");
        Assert.Contains(tar.Warnings, w => w.StartsWith("tar at 0x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Encrypted_looking_image_exits_2_naming_the_file_and_its_entropy()
    {
        var (code, stdout, stderr) = await RunCli("scan", TestPaths.Fixture("encrypted.bin"));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("encrypted.bin", stderr, StringComparison.Ordinal);
        Assert.Contains("no known signature found", stderr, StringComparison.Ordinal);
        Assert.Contains("entropy by region", stderr, StringComparison.Ordinal);
        Assert.Contains("looks encrypted or compressed with an unknown codec", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Low_entropy_unknown_image_exits_2_without_the_encryption_verdict()
    {
        var (code, _, stderr) = await RunCli("scan", TestPaths.Fixture("zeros.bin"));
        Assert.Equal(2, code);
        Assert.Contains("no known signature found", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("looks encrypted", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_image_exits_2_with_a_message_not_a_stack_trace()
    {
        var (code, _, stderr) = await RunCli("scan", "/nonexistent/firmware.bin");
        Assert.Equal(2, code);
        Assert.Contains("cannot read '/nonexistent/firmware.bin'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    internal static async Task<(int Code, string Stdout, string Stderr)> RunCli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await FirmwareGateCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
