using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Reports;

/// <summary>SBOMs of the sample and of fixture images pass CycloneDX's validators: CycloneDX.Core's and the shared strict one.</summary>
public sealed class CycloneDxValidationTests
{
    private static readonly string[] FixtureImages = ["trx-v1.trx", "uimage-gzip.bin", "uimage-badcrc.bin", "fit.itb", "flash.bin", "squashfs-xz.sqfs", "tree.zip", "truncated.tar.gz"];

    private static IEnumerable<string> Images() =>
        [Path.Combine(TestPaths.RepoRoot, "samples", "router-sample.trx"), .. FixtureImages.Select(TestPaths.Fixture)];

    private static string WriteSbom(string image, string folder, bool withInventory)
    {
        using var result = Scan.Run(image);
        if (withInventory)
        {
            result.Inventory = CycloneDxReportWriterTests.SampleInventory();
        }

        string path = Path.Combine(folder, Path.GetFileName(image) + (withInventory ? ".inventory" : "") + ".cdx.json");
        using (var file = File.Create(path))
        {
            CycloneDxReportWriter.Write(result, file, "1.2.3");
        }

        return path;
    }

    [Fact]
    public void Fixture_sboms_pass_cyclonedx_cores_validator()
    {
        using var temp = new TempDir();
        foreach (var image in Images())
        {
            foreach (bool inventory in new[] { false, true })
            {
                string sbom = WriteSbom(image, temp.Path, inventory);
                Assert.True(CycloneDxReportWriter.Validate(File.ReadAllText(sbom)) is { Count: 0 }, $"{sbom}: {string.Join("; ", CycloneDxReportWriter.Validate(File.ReadAllText(sbom)))}");
            }
        }
    }

    [CycloneDxValidatorFact]
    public async Task Fixture_sboms_pass_the_shared_strict_validator()
    {
        using var temp = new TempDir();
        var files = Images().SelectMany(image => new[] { WriteSbom(image, temp.Path, false), WriteSbom(image, temp.Path, true) }).ToList();
        var (code, output) = await CycloneDxValidator.RunAsync(files);
        Assert.True(code == 0, output);
        Assert.Equal(files.Count, output.Split('\n').Count(l => l.Contains(": valid CycloneDX 1.6", StringComparison.Ordinal)));
    }

    [CycloneDxValidatorFact]
    public async Task The_shared_validator_rejects_a_dangling_dependency()
    {
        using var temp = new TempDir();
        string sbom = WriteSbom(TestPaths.Fixture("trx-v1.trx"), temp.Path, true);
        string broken = temp.Combine("broken.cdx.json");
        File.WriteAllText(broken, File.ReadAllText(sbom).Replace("\"ref\": \"lib:ld.so\"", "\"ref\": \"lib:nowhere\"", StringComparison.Ordinal));
        var (code, _) = await CycloneDxValidator.RunAsync([broken]);
        Assert.Equal(1, code);
    }

    [CorpusTheory]
    [InlineData("router-mipsel.trx")]
    [InlineData("gateway-arm64.img")]
    [InlineData("camera-armel.bin")]
    [InlineData("sysupgrade-armhf.zip")]
    [InlineData("update-amd64.tar.gz")]
    public void Corpus_sboms_pass_cyclonedx_cores_validator_and_are_deterministic(string name)
    {
        string image = Path.Combine(TestPaths.Corpus, name);
        using var a = Scan.Run(image);
        using var b = Scan.Run(image);
        string json = CycloneDxReportWriter.ToJson(a, "1.2.3");
        Assert.Equal(json, CycloneDxReportWriter.ToJson(b, "1.2.3"));
        Assert.Empty(CycloneDxReportWriter.Validate(json));
    }
}
