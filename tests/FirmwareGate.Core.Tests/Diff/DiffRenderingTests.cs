using System.Text.Json;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Core.Tests.Diff;

/// <summary>The renderings of large and hostile diffs: the Markdown stays under GitHub's comment limit, names from the image stay text.</summary>
public sealed class DiffRenderingTests
{
    private const int GitHubCommentLimit = 65_536;

    [Fact]
    public void Large_diff_is_summarised_under_the_comment_limit_and_json_keeps_everything()
    {
        var before = Facts("old.img", 0, 3000, "1.0");
        var after = Facts("new.img", 1500, 6000, "2.0");
        var diff = ScanDiffer.Compare(before, after);
        Assert.Equal(1500, diff.Removed.Count);
        Assert.Equal(1500, diff.Upgraded.Count);
        Assert.Equal(3000, diff.Added.Count);
        Assert.Equal(1500, diff.GoneFindings.Count);
        Assert.Equal(3000, diff.NewFindings.Count);

        string markdown = DiffMarkdownWriter.ToMarkdown(diff);
        Assert.InRange(markdown.Length, 1000, GitHubCommentLimit - 1);
        Assert.StartsWith("**FirmwareGate diff** `old.img` → `new.img`: components: 1500 upgraded, 3000 added, 1500 removed; vulnerabilities: 0 introduced, 0 fixed; findings: 3000 new, 1500 gone\n", markdown, StringComparison.Ordinal);
        Assert.Contains("### Components (6000)", markdown, StringComparison.Ordinal);
        Assert.Contains("more (the JSON output lists them all)", markdown, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(DiffJsonWriter.ToJson(diff));
        Assert.Equal(3000, doc.RootElement.GetProperty("components").GetProperty("added").GetArrayLength());
        Assert.Equal(3000, doc.RootElement.GetProperty("findings").GetProperty("new").GetArrayLength());

        string smaller = DiffMarkdownWriter.ToMarkdown(diff, 5000);
        Assert.InRange(smaller.Length, 100, 5000);
    }

    [Fact]
    public void Small_diff_is_not_summarised()
    {
        var diff = ScanDiffer.Compare(Facts("a", 0, 3, "1.0"), Facts("b", 1, 4, "1.0"));
        string markdown = DiffMarkdownWriter.ToMarkdown(diff);
        Assert.DoesNotContain("more", markdown, StringComparison.Ordinal);
        Assert.Contains("| added | pkg3 |  | 1.0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| removed | pkg0 | 1.0 |  |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_from_the_image_cannot_break_the_table_or_the_terminal()
    {
        var before = new ScanFacts { ImageName = "a", Components = [] };
        var after = new ScanFacts
        {
            ImageName = "b",
            Components = [new ComponentFact { BomRef = "x", Name = "evil|<img src=x>\n`*_", Version = "1\u001b[31m", Location = "b" }],
        };
        var diff = ScanDiffer.Compare(before, after);

        string markdown = DiffMarkdownWriter.ToMarkdown(diff);
        string row = Assert.Single(markdown.Split('\n'), l => l.StartsWith("| added |", StringComparison.Ordinal));
        Assert.Equal("| added | evil\\|&lt;img src=x&gt; \\`\\*\\_ |  | 1\u001b\\[31m |", row);

        string text = DiffTextWriter.ToText(diff);
        Assert.Contains("\n  + evil|<img src=x>?`*_ 1?[31m\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Versions_that_cannot_be_ordered_are_changed_not_upgraded()
    {
        var before = new ScanFacts { ImageName = "a", Components = [Component("dropbear", "2022.83"), Component("zlib", null), Component("musl", "1.2.4")] };
        var after = new ScanFacts { ImageName = "b", Components = [Component("dropbear", "1.0"), Component("zlib", "1.3"), Component("musl", "1.2.3")] };
        var diff = ScanDiffer.Compare(before, after);
        Assert.Equal(["dropbear", "zlib"], diff.Changed.Select(c => c.After.Name));
        Assert.Equal("musl", Assert.Single(diff.Downgraded).After.Name);
        Assert.Empty(diff.Upgraded);
    }

    private static ComponentFact Component(string name, string? version) =>
        new() { BomRef = name + "@" + version, Name = name, Version = version, Purl = $"pkg:generic/{name}@{version}", Location = "img" };

    /// <summary>Components pkgFROM..pkgTO-1 at one version and a finding for each.</summary>
    private static ScanFacts Facts(string image, int from, int to, string version) => new()
    {
        ImageName = image,
        Components = [.. Enumerable.Range(from, to - from).Select(i => Component("pkg" + i, i < 3000 ? version : "1.0"))],
        Findings = [.. Enumerable.Range(from, to - from).Select(i => Finding.Of($"{image}@0x0:squashfs(xz):/usr/lib/pkg{i}/config-with-a-long-name.conf", $"/usr/lib/pkg{i}/config-with-a-long-name.conf", "config.world-writable", Severity.Medium, $"/usr/lib/pkg{i}/config-with-a-long-name.conf is writable by every user"))],
    };
}
