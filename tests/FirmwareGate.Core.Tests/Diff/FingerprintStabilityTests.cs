using System.IO.Compression;
using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Diff;

/// <summary>
/// New and gone are decided by fingerprints that leave out the image name and offsets: the same root filesystem
/// carved from two flash images at different offsets gives the same findings, so the diff shows none new or gone.
/// </summary>
public sealed class FingerprintStabilityTests
{
    [Fact]
    public void Same_filesystem_at_another_offset_keeps_its_finding_fingerprints()
    {
        using var temp = new TempDir();
        byte[] squashfs = RootFileSystemOfV2();
        string first = temp.Combine("flash-a.bin");
        string second = temp.Combine("flash-b.bin");
        File.WriteAllBytes(first, squashfs);
        File.WriteAllBytes(second, [.. Enumerable.Repeat((byte)0xFF, 0x40000), .. squashfs]);

        var before = FactsOf(first);
        var after = FactsOf(second);
        var keyBefore = Assert.Single(before.Findings, f => f.Path == "/etc/ssl/private/server.key");
        var keyAfter = Assert.Single(after.Findings, f => f.Path == "/etc/ssl/private/server.key");
        Assert.NotEqual(keyBefore.Location, keyAfter.Location);
        Assert.Contains("@0x40000:", keyAfter.Location, StringComparison.Ordinal);
        Assert.Equal(keyBefore.Fingerprint, keyAfter.Fingerprint);

        var diff = ScanDiffer.Compare(before, after);
        Assert.Empty(diff.NewFindings);
        Assert.Empty(diff.GoneFindings);
        Assert.True(diff.IsEmpty);
        Assert.Equal(before.Findings.Count, after.Findings.Count);
    }

    [Fact]
    public void Same_filesystem_in_another_container_keeps_its_finding_fingerprints()
    {
        // The v2 upgrade ZIP holds the root SquashFS (zip/squashfs(lz4)); the same SquashFS shipped bare is
        // squashfs(lz4) alone. Every finding of the root filesystem keeps its fingerprint.
        using var temp = new TempDir();
        string bare = temp.Combine("root.squashfs");
        File.WriteAllBytes(bare, RootFileSystemOfV2());

        var zipped = FactsOf(TestPaths.Fixture(Path.Combine("Diff", "sysupgrade-armhf-v2.zip")));
        var alone = FactsOf(bare);
        var rootFindings = zipped.Findings.Where(f => f.Location.Contains("squashfs", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rootFindings);
        Assert.All(rootFindings, f => Assert.Contains("zip", f.Location, StringComparison.Ordinal));
        Assert.All(alone.Findings, f => Assert.DoesNotContain("zip", f.Location, StringComparison.Ordinal));
        Assert.Equal(
            rootFindings.Select(f => (f.RuleId, f.Path, f.Fingerprint)).Order(),
            alone.Findings.Select(f => (f.RuleId, f.Path, f.Fingerprint)).Order());
    }

    private static byte[] RootFileSystemOfV2()
    {
        using var zip = ZipFile.OpenRead(TestPaths.Fixture(Path.Combine("Diff", "sysupgrade-armhf-v2.zip")));
        using var entry = zip.GetEntry("sysupgrade/root.squashfs")!.Open();
        using var ms = new MemoryStream();
        entry.CopyTo(ms);
        return ms.ToArray();
    }

    private static ScanFacts FactsOf(string image)
    {
        using var result = new ScanPipeline().RunAsync(new ScanOptions { ImagePath = image, Now = DiffPair.Now, Vulnerabilities = false }, CancellationToken.None).GetAwaiter().GetResult();
        return ScanFacts.FromScan(result);
    }
}
