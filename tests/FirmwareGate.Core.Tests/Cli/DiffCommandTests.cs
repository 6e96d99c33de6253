using System.Text.Json;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Gate;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Cli;

/// <summary><c>firmwaregate diff A B</c>: images, JSON reports and CycloneDX SBOMs on either side.</summary>
public sealed class DiffCommandTests
{
    [Fact]
    public async Task A_report_an_sbom_and_the_image_of_the_same_scan_show_no_change_in_components()
    {
        using var temp = new TempDir();
        string report = temp.Combine("report.json"), sbom = temp.Combine("sbom.cdx.json"), json = temp.Combine("diff.json");
        var (scan, _, _) = await GateKit.Run("scan", GateKit.Sample, "--db", GateKit.VulnDb, "--now", GateKit.Now, "--json", report, "--sbom", sbom, "-q");
        Assert.Equal(0, scan);

        var (code, stdout, stderr) = await GateKit.Run("diff", report, GateKit.Sample, "--db", GateKit.VulnDb, "--now", GateKit.Now, "--json", json, "-q");
        Assert.True(code == 0, stderr);
        Assert.NotEqual("", stdout);
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            string text = doc.RootElement.GetRawText();
            Assert.DoesNotContain("busybox", text, StringComparison.Ordinal);
        }

        var (sbomCode, _, sbomErr) = await GateKit.Run("diff", sbom, report, "--json", json);
        Assert.True(sbomCode == 0, sbomErr);
        using var sbomDoc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.DoesNotContain("\"busybox\"", sbomDoc.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_exits_2_naming_the_file()
    {
        using var temp = new TempDir();
        string garbage = temp.Combine("garbage.json");
        File.WriteAllText(garbage, "  {\"bomFormat\": 42, ");
        var (code, _, stderr) = await GateKit.Run("diff", garbage, GateKit.Sample, "--no-vulns");
        Assert.Equal(2, code);
        Assert.Contains("garbage.json", stderr, StringComparison.Ordinal);

        var (missing, _, missingErr) = await GateKit.Run("diff", "/nonexistent/a.json", GateKit.Sample);
        Assert.Equal(2, missing);
        Assert.Contains("/nonexistent/a.json", missingErr, StringComparison.Ordinal);

        var (unknown, _, unknownErr) = await GateKit.Run("diff", TestPaths.Fixture("zeros.bin"), GateKit.Sample, "--no-vulns");
        Assert.Equal(2, unknown);
        Assert.Contains("no known signature found", unknownErr, StringComparison.Ordinal);
    }

    [CorpusTheory]
    [InlineData("sysupgrade-armhf")]
    public async Task The_real_pair_shows_the_upgrade_the_removal_and_the_new_key(string name)
    {
        Assert.Equal("sysupgrade-armhf", name);
        using var temp = new TempDir();
        string json = temp.Combine("diff.json"), markdown = temp.Combine("diff.md");
        var (code, stdout, stderr) = await GateKit.Run("diff", GateKit.PairBefore, GateKit.PairAfter, "--db", GateKit.VulnDb, "--now", GateKit.Now, "--json", json, "--markdown", markdown, "-q");
        Assert.True(code == 0, stderr);
        foreach (var text in new[] { stdout, File.ReadAllText(json), File.ReadAllText(markdown) })
        {
            Assert.Contains("busybox", text, StringComparison.Ordinal);
            Assert.Contains("1.37.0", text, StringComparison.Ordinal);
            Assert.Contains("dropbear", text, StringComparison.Ordinal);
            Assert.Contains("/etc/ssl/private/server.key", text, StringComparison.Ordinal);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
    }

    [Fact]
    public void Json_is_told_from_an_image_by_its_first_byte()
    {
        using var temp = new TempDir();
        string bom = temp.Combine("bom.json");
        File.WriteAllBytes(bom, [0xEF, 0xBB, 0xBF, (byte)'\n', (byte)' ', (byte)'{', (byte)'}']);
        Assert.True(FirmwareGate.Cli.DiffCommand.IsJson(new FileInfo(bom)));
        Assert.False(FirmwareGate.Cli.DiffCommand.IsJson(new FileInfo(GateKit.Sample)));
        string empty = temp.Combine("empty");
        File.WriteAllBytes(empty, []);
        Assert.False(FirmwareGate.Cli.DiffCommand.IsJson(new FileInfo(empty)));
    }
}
