using System.Text.Json;
using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Diff;

/// <summary>
/// <c>diff</c> on the real pair: v1 is the corpus image (busybox and dropbear as its manifest lists them), v2 the
/// same image with busybox-static 1:1.37.0-6+b9 from Debian, dropbear removed and an unencrypted RSA key added at
/// /etc/ssl/private/server.key (Fixtures/Diff/README.md). The same diff from scans, from JSON reports and from SBOMs.
/// </summary>
[Collection(DiffPairCollection.Name)]
public sealed class ScanDiffPairTests(DiffPair pair)
{
    private const string KeyPath = "/etc/ssl/private/server.key";

    // The upstream version of the Debian package make-pair.sh put in (1:1.37.0-6+b9).
    private const string NewBusybox = "1.37.0";

    [CorpusTheory]
    [InlineData("scan")]
    [InlineData("report")]
    public void Busybox_upgraded_dropbear_removed_key_new_dropbear_cves_fixed(string source)
    {
        var (before, after) = Facts(source);
        var manifest = Manifest();
        var diff = ScanDiffer.Compare(before, after);

        var upgrade = Assert.Single(diff.Upgraded);
        Assert.Equal("busybox", upgrade.After.Name);
        Assert.Equal(manifest["busybox"], upgrade.Before.Version);
        Assert.Equal(NewBusybox, upgrade.After.Version);
        var removed = Assert.Single(diff.Removed);
        Assert.Equal("dropbear", removed.Name);
        Assert.Equal(manifest["dropbear"], removed.Version);
        Assert.Empty(diff.Added);
        Assert.Empty(diff.Downgraded);
        Assert.Empty(diff.Changed);

        var key = Assert.Single(diff.NewFindings, f => f.Path == KeyPath);
        Assert.Equal("key.private-unencrypted", key.RuleId);
        Assert.DoesNotContain(diff.GoneFindings, f => f.Path == KeyPath);

        // Every CVE v1 has on dropbear is fixed in v2; the sample records do match dropbear 2022.83.
        var dropbearCves = before.Vulnerabilities.Where(v => v.ComponentName == "dropbear").Select(v => v.Id).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(dropbearCves);
        Assert.Equal(dropbearCves, diff.Fixed.Where(v => v.ComponentName == "dropbear").Select(v => v.Id).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(diff.Introduced, v => v.ComponentName == "dropbear");

        // busybox CVEs v2 still has are neither fixed nor introduced: they pair by id and the component's key.
        foreach (var still in after.Vulnerabilities.Where(v => v.ComponentName == "busybox"))
        {
            Assert.DoesNotContain(diff.Fixed, v => v.Id == still.Id && v.ComponentName == "busybox");
        }
    }

    [CorpusTheory]
    [InlineData("report")]
    [InlineData("sbom")]
    public void Reports_and_sboms_give_the_components_and_vulnerabilities_diff_of_the_scans(string source)
    {
        var fromScans = ScanDiffer.Compare(pair.Before.Facts, pair.After.Facts);
        var (before, after) = Facts(source);
        var diff = ScanDiffer.Compare(before, after);

        Assert.Equal(Components(fromScans), Components(diff));
        Assert.Equal(Vulnerabilities(fromScans), Vulnerabilities(diff));
        if (source == "report")
        {
            Assert.Equal(fromScans.NewFindings.Select(FactsText.Finding), diff.NewFindings.Select(FactsText.Finding));
            Assert.Equal(fromScans.GoneFindings.Select(FactsText.Finding), diff.GoneFindings.Select(FactsText.Finding));
            Assert.Equal(DiffJsonWriter.ToJson(fromScans), DiffJsonWriter.ToJson(diff));
        }
        else
        {
            // An SBOM has no findings: none are new or gone.
            Assert.Empty(diff.NewFindings);
            Assert.Empty(diff.GoneFindings);
        }
    }

    [PairFact]
    public void Renderings_say_what_changed()
    {
        var diff = ScanDiffer.Compare(pair.Before.Facts, pair.After.Facts);
        string json = DiffJsonWriter.ToJson(diff);
        Assert.Equal(json, DiffJsonWriter.ToJson(ScanDiffer.Compare(pair.Before.Facts, pair.After.Facts)));
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
        using (var doc = JsonDocument.Parse(json))
        {
            var root = doc.RootElement;
            Assert.Equal("scan-diff", root.GetProperty("kind").GetString());
            Assert.Equal("sysupgrade-armhf.zip", root.GetProperty("before").GetString());
            Assert.Equal("sysupgrade-armhf-v2.zip", root.GetProperty("after").GetString());
            Assert.Equal(1, root.GetProperty("summary").GetProperty("upgraded").GetInt32());
            Assert.Equal(1, root.GetProperty("summary").GetProperty("removed").GetInt32());
            var upgraded = Assert.Single(root.GetProperty("components").GetProperty("upgraded").EnumerateArray().ToList());
            Assert.Equal("busybox", upgraded.GetProperty("name").GetString());
            Assert.Equal("1.35.0", upgraded.GetProperty("from").GetString());
            Assert.Equal(NewBusybox, upgraded.GetProperty("to").GetString());
            Assert.Contains(root.GetProperty("findings").GetProperty("new").EnumerateArray(), f => f.GetProperty("path").GetString() == KeyPath);
        }

        string markdown = DiffMarkdownWriter.ToMarkdown(diff);
        Assert.StartsWith("**FirmwareGate diff** `sysupgrade-armhf.zip` → `sysupgrade-armhf-v2.zip`: components: 1 upgraded, 1 removed;", markdown, StringComparison.Ordinal);
        Assert.Contains("| upgraded | busybox | 1.35.0 | 1.37.0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| removed | dropbear | 2022.83 |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("| new | key.private-unencrypted | high | /etc/ssl/private/server.key |", markdown, StringComparison.Ordinal);

        string text = DiffTextWriter.ToText(diff);
        Assert.StartsWith("sysupgrade-armhf.zip -> sysupgrade-armhf-v2.zip: components: 1 upgraded, 1 removed;", text, StringComparison.Ordinal);
        Assert.Contains("\n  ^ busybox 1.35.0 -> 1.37.0\n", text, StringComparison.Ordinal);
        Assert.Contains("\n  - dropbear 2022.83\n", text, StringComparison.Ordinal);
        Assert.Contains("\n  + key.private-unencrypted (high) /etc/ssl/private/server.key: ", text, StringComparison.Ordinal);
    }

    [PairFact]
    public void A_scan_against_its_report_is_no_change()
    {
        var before = ReportReader.Read(pair.Before.ReportPath);
        var diff = ScanDiffer.Compare(pair.Before.Facts, before);
        Assert.True(diff.IsEmpty);
        Assert.StartsWith("**FirmwareGate diff** `sysupgrade-armhf.zip` → `sysupgrade-armhf.zip`: no changes", DiffMarkdownWriter.ToMarkdown(diff), StringComparison.Ordinal);
    }

    private (ScanFacts Before, ScanFacts After) Facts(string source) => source switch
    {
        "scan" => (pair.Before.Facts, pair.After.Facts),
        "report" => (ReportReader.Read(pair.Before.ReportPath), ReportReader.Read(pair.After.ReportPath)),
        _ => (ReportReader.Read(pair.Before.SbomPath), ReportReader.Read(pair.After.SbomPath)),
    };

    private static Dictionary<string, string> Manifest()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, "sysupgrade-armhf.manifest.json")));
        return doc.RootElement.GetProperty("components").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("version").GetString()!, StringComparer.Ordinal);
    }

    private static List<string> Components(ScanDiff d) =>
    [
        .. d.Added.Select(c => $"+ {c.BomRef} {c.Name} {c.Version} {c.Purl}"),
        .. d.Removed.Select(c => $"- {c.BomRef} {c.Name} {c.Version} {c.Purl}"),
        .. d.Upgraded.Select(c => $"^ {c.Before.Name} {c.Before.Version} -> {c.After.Version}"),
        .. d.Downgraded.Select(c => $"v {c.Before.Name} {c.Before.Version} -> {c.After.Version}"),
        .. d.Changed.Select(c => $"~ {c.Before.Name} {c.Before.Version} -> {c.After.Version}"),
    ];

    private static List<string> Vulnerabilities(ScanDiff d) =>
    [
        .. d.Introduced.Select(v => $"+ {v.Id} {v.ComponentName} {v.ComponentVersion} {v.Verdict} {v.Severity} {v.Score} {v.Fingerprint}"),
        .. d.Fixed.Select(v => $"- {v.Id} {v.ComponentName} {v.ComponentVersion} {v.Verdict} {v.Severity} {v.Score} {v.Fingerprint}"),
    ];
}
