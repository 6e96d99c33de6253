using System.Text.Json;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Elf;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Inventory.Banners;
using FirmwareGate.Core.Inventory.Elf;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Inventory.Banners;

/// <summary>The banner and ELF analysers over the corpus images, checked against each manifest.</summary>
public sealed class BannerCorpusTests
{
    public static TheoryData<string> Images() => ["router-mipsel.trx", "gateway-arm64.img", "camera-armel.bin", "update-amd64.tar.gz", "sysupgrade-armhf.zip"];

    [CorpusTheory]
    [MemberData(nameof(Images))]
    public void BannersGiveTheManifestVersions(string image)
    {
        using var result = Scan.Run(Path.Combine(TestPaths.Corpus, image));
        var walk = new AnalysisWalk([new BannerAnalyzer(ProductCatalog.Default)]);
        var found = walk.Run(result.Layers, CancellationToken.None).Items<ComponentObservation>();

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image[..image.IndexOf('.')] + ".manifest.json")));
        var expected = manifest.RootElement.GetProperty("components").EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() is "linux_kernel" or "u-boot")
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("version").GetString()!);

        // Every versioned sighting is the manifest's version; every manifest kernel and boot loader is seen with it.
        Assert.All(found.Where(o => o.Version is not null), o => Assert.Equal(expected[o.Name], o.Version));
        foreach (var (name, version) in expected)
        {
            Assert.Contains(found, o => o.Name == name && o.Version == version && o.Method == EvidenceMethod.Banner && o.Confidence == BannerAnalyzer.BannerConfidence);
        }

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), found.Select(o => o.Name).Distinct().Order(StringComparer.Ordinal));
    }

    [CorpusTheory]
    [MemberData(nameof(Images))]
    public void EveryElfOfTheCorpusReadsWithoutProblems(string image)
    {
        using var result = Scan.Run(Path.Combine(TestPaths.Corpus, image));
        int elfs = 0;
        foreach (var target in AnalysisWalk.Targets(result.Layers).Where(t => t.IsFile))
        {
            byte[] head = new byte[4];
            if (target.Content.Read(0, head) < 4 || !ElfFile.IsElf(head))
            {
                continue;
            }

            ElfFile elf;
            try
            {
                elf = ElfFile.Read(target.Content, ElfReadOptions.WithSymbols);
            }
            catch (ElfFormatException e)
            {
                // A file that only borrows the magic (the corpus plants one): EI_CLASS really is neither 1 nor 2.
                byte[] ident = new byte[5];
                target.Content.Read(0, ident);
                Assert.Equal((4L, false), (e.Offset, ident[4] is 1 or 2));
                continue;
            }

            Assert.True(elf.Problems.Count == 0, $"{target.Location}: {string.Join("; ", elf.Problems)}");
            elfs++;
        }

        Assert.True(elfs > 0 || image.StartsWith("sysupgrade", StringComparison.Ordinal), "no ELF file found");
    }

    [CorpusTheory]
    [MemberData(nameof(Images))]
    public void SonamesNameCatalogLibraries(string image)
    {
        using var result = Scan.Run(Path.Combine(TestPaths.Corpus, image));
        var results = new AnalysisWalk([new ElfLinkAnalyzer(ProductCatalog.Default)]).Run(result.Layers, CancellationToken.None);
        var links = results.Items<ElfLinkInfo>();
        var observations = results.Items<ComponentObservation>();

        // Only the planted fake ELF (magic, then zeros) may warn.
        Assert.True(results.Warnings.All(w => w.Contains("unknown class 0", StringComparison.Ordinal)), string.Join("\n", results.Warnings.Take(4)));
        if (links.Count == 0)
        {
            return;
        }

        // Every library named by a catalog SONAME is reported, and nothing else.
        var expected = links.Where(l => l.Soname is { } s && ProductCatalog.Default.BySoname(s) is not null).Select(l => l.Path).Order(StringComparer.Ordinal);
        Assert.Equal(expected, observations.Select(o => o.Path!).Order(StringComparer.Ordinal));
        Assert.All(observations, o => Assert.Null(o.Version));
        Assert.Contains(links, l => l.Needed.Contains("libc.so.6") || l.Needed.Contains("libc.so"));
    }
}
