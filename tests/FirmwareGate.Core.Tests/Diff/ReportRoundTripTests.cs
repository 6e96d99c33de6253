using System.Text;
using System.Text.Json;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Diff;

/// <summary>
/// The contract between a scan and its report: the facts of a scan (<see cref="ScanFacts.FromScan"/>) equal, field
/// by field, the facts read back from its JSON report (<see cref="ReportReader"/>), so the gate and policy diff
/// decide the same on a report as on the image. An SBOM gives the same components and vulnerabilities.
/// </summary>
public sealed class ReportRoundTripTests
{
    [Fact]
    public void Sample_report_reads_back_as_the_scan_facts()
    {
        using var result = DiffPair.ScanWithDatabase(Path.Combine(TestPaths.RepoRoot, "samples", "router-sample.trx"));
        var facts = ScanFacts.FromScan(result);
        Assert.NotEmpty(facts.Findings);
        Assert.NotEmpty(facts.Vulnerabilities);
        Assert.NotEmpty(facts.Binaries);

        FactsText.Equal(facts, ReadReport(result));
    }

    [Fact]
    public void Pair_v2_report_reads_back_as_the_scan_facts()
    {
        using var result = DiffPair.ScanWithDatabase(TestPaths.Fixture(Path.Combine("Diff", "sysupgrade-armhf-v2.zip")));
        FactsText.Equal(ScanFacts.FromScan(result), ReadReport(result));
    }

    [CorpusTheory]
    [MemberData(nameof(CorpusTests.Images), MemberType = typeof(CorpusTests))]
    public void Corpus_report_reads_back_as_the_scan_facts(string image)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image + ".manifest.json")));
        using var result = DiffPair.ScanWithDatabase(Path.Combine(TestPaths.Corpus, doc.RootElement.GetProperty("image").GetProperty("file").GetString()!));
        FactsText.Equal(ScanFacts.FromScan(result), ReadReport(result));
    }

    [Fact]
    public void Sample_sbom_gives_the_scan_components_and_vulnerabilities()
    {
        using var result = DiffPair.ScanWithDatabase(Path.Combine(TestPaths.RepoRoot, "samples", "router-sample.trx"));
        var facts = ScanFacts.FromScan(result);
        var sbom = ReportReader.Parse(Encoding.UTF8.GetBytes(CycloneDxReportWriter.ToJson(result, "0.0.0-test")), "router-sample.cdx.json");

        Assert.Equal(facts.ImageName, sbom.ImageName);
        Assert.Equal(facts.ImageSha256, sbom.ImageSha256);
        Assert.Equal(FactsText.Components(facts), FactsText.Components(sbom));
        // CycloneDX has no field for a record's aliases; everything else of a vulnerability comes back.
        Assert.Equal(FactsText.Vulnerabilities(facts, aliases: false), FactsText.Vulnerabilities(sbom, aliases: false));
        Assert.Empty(sbom.Findings);
        Assert.Empty(sbom.Binaries);
        Assert.Null(sbom.Coverage);
        Assert.Null(sbom.Database);
    }

    private static ScanFacts ReadReport(Pipeline.ScanResult result) =>
        ReportReader.Parse(Encoding.UTF8.GetBytes(JsonReportWriter.ToJson(result, "0.0.0-test")), result.Image.Name + ".json");
}
