using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Inventory.Banners;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Inventory.Banners;

/// <summary>Banners in real bytes (cut from the corpus kernels and Debian's u-boot-qemu by tests/fixtures/elf.sh) and release names.</summary>
public sealed class BannerAnalyzerTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, "elf", "banners", name));

    private static List<ComponentObservation> RunRaw(byte[] bytes, Layer? parent = null)
    {
        var leaf = new Layer { Format = LayerFormats.Unknown, Size = bytes.Length, Source = new MemoryByteSource(bytes), Location = "img@0x0:unknown" };
        Layer root = leaf;
        if (parent is not null)
        {
            parent.Children.Add(leaf);
            root = parent;
        }

        return [.. new AnalysisWalk([new BannerAnalyzer(ProductCatalog.Default)]).Run([root], CancellationToken.None).Items<ComponentObservation>()];
    }

    [Theory]
    [InlineData("router-mipsel.linux-banner.bin", "Linux version 6.1.0-50-4kc-malta (debian-kernel@lists.debian.org)")]
    [InlineData("gateway-arm64.linux-banner.bin", "Linux version 6.1.0-50-arm64 (debian-kernel@lists.debian.org)")]
    [InlineData("camera-armel.linux-banner.bin", "Linux version 6.1.0-50-marvell (debian-kernel@lists.debian.org)")]
    public void DebianKernelBannerGivesTheUpstreamVersionNotTheAbiName(string fixture, string start)
    {
        var o = Assert.Single(RunRaw(Fixture(fixture)));
        Assert.Equal(("linux_kernel", "6.1.176", EvidenceMethod.Banner, 0.9), (o.Name, o.Version, o.Method, o.Confidence));
        Assert.StartsWith(start, o.Detail, StringComparison.Ordinal);
        Assert.True(o.Detail!.Length <= 160);
        Assert.Equal("img@0x0:unknown", o.Location);
    }

    [Theory]
    [InlineData("camera-armel.u-boot-banner.bin")]
    [InlineData("u-boot-qemu-arm64.bin")]
    [InlineData("u-boot-qemu-riscv64.bin")]
    public void UBootBannerGivesYearAndMonth(string fixture)
    {
        var o = Assert.Single(RunRaw(Fixture(fixture)));
        Assert.Equal(("u-boot", "2023.01", EvidenceMethod.Banner), (o.Name, o.Version, o.Method));
        Assert.Equal("U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)", o.Detail);
    }

    [Theory]
    [InlineData("Linux version 6.1.0-50-arm64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP Debian 6.1.176-1 (2026-07-02)", "6.1.176")]
    [InlineData("Linux version 6.1.0-50-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-07-02)", "6.1.176")]
    [InlineData("Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 (Ubuntu 5.15.0-91.101-generic 5.15.131)", "5.15.131")]
    [InlineData("Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0) #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023", null)]
    [InlineData("Linux version 5.10.176 (builder@buildhost) (mipsel-openwrt-linux-musl-gcc (OpenWrt GCC 12.3.0 r23497-6637af95aa) 12.3.0, GNU ld 2.40) #0 SMP Mon Apr 17 2023", "5.10.176")]
    [InlineData("Linux version 4.4.60-rt73 (root@x) (gcc version 5.4.0 (GCC) ) #2 PREEMPT Mon Jan 1 00:00:00 UTC 2018", "4.4.60")]
    [InlineData("Linux version 6.1.0-50-arm64 (someone@host) (gcc 12) #1 SMP", null)]
    [InlineData("Linux version %s (%s)", null)]
    public void KernelVersionRules(string banner, string? version) => Assert.Equal(version, KernelRelease.FromLinuxBanner(banner));

    [Theory]
    [InlineData("U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)", "2023.01")]
    [InlineData("U-Boot SPL 2016.09.01 (Oct  4 2017 - 10:00:00)", "2016.09.01")]
    [InlineData("U-Boot 2020.04-rc3-g1234abc (Mar  1 2020 - 12:00:00 +0100)", "2020.04-rc3")]
    [InlineData("U-Boot 1.1.4 (Jan 24 2010 - 11:12:13)", "1.1.4")]
    [InlineData("U-Boot 2023.01 is required", null)]
    [InlineData("U-Boot %s", null)]
    public void UBootVersionRules(string banner, string? version) => Assert.Equal(version, KernelRelease.FromUBootBanner(banner));

    [Theory]
    [InlineData("Linux-6.1.0-50-marvell", null)]
    [InlineData("MIPS OpenWrt Linux-5.10.176", "5.10.176")]
    public void UImageNameIsReportedOncePerUImage(string name, string? version)
    {
        var uImage = new Layer { Format = "uimage", Location = "img@0x40:uimage" };
        uImage.Details["name"] = name;
        var found = RunRaw([1, 2, 3, 4], uImage);

        var o = Assert.Single(found);
        Assert.Equal((version, 0.5, "img@0x40:uimage", "uImage name " + name), (o.Version, o.Confidence, o.Location, o.Detail));
    }

    [Fact]
    public void ModuleFolderIsReportedOncePerRelease()
    {
        FsEntry File(string path) => new() { Path = path, Type = EntryType.File, Content = new MemoryByteSource(new byte[] { 1 }) };
        var fs = new FileSystemTree(
        [
            File("/lib/modules/6.1.0-50-arm64/modules.dep"),
            File("/lib/modules/6.1.0-50-arm64/kernel/fs/ext4.ko"),
            File("/lib/modules/5.10.176/kernel/net/tun.ko"),
            File("/lib/modules/5.10.176/modules.alias"),
            File("/usr/lib/modules.txt"),
        ]);
        var layer = new Layer { Format = "squashfs", FileSystem = fs, Location = "img@0x0:squashfs" };
        var found = new AnalysisWalk([new BannerAnalyzer(ProductCatalog.Default)]).Run([layer], CancellationToken.None).Items<ComponentObservation>();

        Assert.Equal(
            [("/lib/modules/5.10.176/kernel/net/tun.ko", "5.10.176"), ("/lib/modules/6.1.0-50-arm64/kernel/fs/ext4.ko", null)],
            found.Select(o => (o.Path!, o.Version)).Order());
        Assert.All(found, o => Assert.Equal((EvidenceMethod.Banner, 0.5), (o.Method, o.Confidence)));
    }

    [Fact]
    public void BannerSplitAcrossChunksIsFoundOnce()
    {
        // A 70 MiB region (over the in-memory cap) with the banner straddling the 16 MiB chunk boundary.
        byte[] banner = Fixture("gateway-arm64.linux-banner.bin");
        var bytes = new byte[70 << 20];
        banner.CopyTo(bytes, (16 << 20) - 1100);
        var found = RunRaw(bytes);
        Assert.Equal("6.1.176", Assert.Single(found).Version);
    }
}
