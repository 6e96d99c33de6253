using System.Text.Json;
using FirmwareGate.Core.Tests.Security;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Cli;

/// <summary>What `scan` shows of the inventory, on the sample image (built by samples/make-sample.sh from Debian packages).</summary>
public sealed class InventorySummaryTests
{
    private static string Sample => Path.Combine(TestPaths.RepoRoot, "samples", "router-sample.trx");

    [Fact]
    public async Task Scan_summary_lists_components_by_method_and_the_json_report_carries_them_with_evidence()
    {
        using var dir = new TempDir();
        string json = Path.Combine(dir.Path, "report.json");

        var (code, stdout, _) = await DamagedInputTests.RunCli("scan", Sample, "--json", json);

        Assert.Equal(0, code);
        // The package versions samples/make-sample.sh downloads: busybox-static 1:1.35.0-4+deb12u1+b1,
        // dropbear-bin 2022.83-1+deb12u3, zlib1g 1:1.2.13.dfsg-1; OpenWrt 23.05.2 in /etc/openwrt_release.
        Assert.Matches(@"components 5 \(5 with a version; found by package-db 4, binary-signature 3", stdout);
        Assert.Matches(@"os\s+openwrt 23\.05\.2", stdout);
        Assert.Matches(@"busybox\s+1\.35\.0\s+binary-signature,package-db", stdout);
        Assert.Matches(@"dropbear\s+2022\.83\s", stdout);
        Assert.Matches(@"zlib\s+1\.2\.13\s", stdout);

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var zlib = report.RootElement.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "zlib");
        Assert.Equal("cpe:2.3:a:zlib:zlib:1.2.13:*:*:*:*:*:*:*", zlib.GetProperty("cpe").GetString());
        Assert.Equal("pkg:opkg/openwrt/zlib1g@1.2.13.dfsg-1?arch=x86_64", zlib.GetProperty("purl").GetString());
        var methods = zlib.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("method").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "package-db", "binary-signature", "filename", "elf-soname" }, methods);
        Assert.Contains(zlib.GetProperty("evidence").EnumerateArray(), e =>
            e.GetProperty("location").GetString() == "router-sample.trx@0x4158:trx/squashfs(xz):/lib/libz.so.1.2.13");
    }

    [Fact]
    public async Task Unpack_runs_no_analysers()
    {
        using var dir = new TempDir();
        var (code, stdout, _) = await DamagedInputTests.RunCli("unpack", Sample, "-o", Path.Combine(dir.Path, "out"));

        Assert.Equal(0, code);
        Assert.DoesNotContain("components", stdout, StringComparison.Ordinal);
    }
}
