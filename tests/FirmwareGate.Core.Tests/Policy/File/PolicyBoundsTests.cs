using System.Diagnostics;
using System.Text;
using CsCheck;
using FirmwareGate.Core.Policy;
using static FirmwareGate.Core.Tests.Policy.File.PolicyText;

namespace FirmwareGate.Core.Tests.Policy.File;

public sealed class PolicyBoundsTests
{
    [Fact]
    public void A_billion_laughs_is_refused_without_expanding_it()
    {
        var yaml = new StringBuilder("version: 1\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++)
        {
            yaml.Append($"x{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }

        var clock = Stopwatch.StartNew();
        PolicyError e = Error(yaml.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        Assert.Equal("the policy expands to more than 100000 nodes (anchors and aliases count each time they are used)", e.Message);
        Assert.Equal(6, e.Position.Line);
    }

    [Fact]
    public void Deep_nesting_stops_at_the_depth_bound()
    {
        string yaml = "version: 1\nx: " + new string('[', 10_000) + new string(']', 10_000) + "\n";
        PolicyError e = Error(yaml);
        Assert.Equal("the policy nests deeper than 64 levels", e.Message);
        Assert.Equal(2, e.Position.Line);
    }

    [Fact]
    public void A_policy_over_one_mebibyte_is_refused_before_parsing()
    {
        string yaml = "version: 1\n" + new string('#', PolicyYamlReader.MaxChars);
        PolicyError e = Error(yaml);
        Assert.Equal(new SourcePosition(1, 1), e.Position);
        Assert.StartsWith("the policy is larger than 1 MiB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_large_file_on_disk_is_refused_naming_the_file()
    {
        using var dir = new Support.TempDir();
        string path = dir.Combine("huge.yml");
        System.IO.File.WriteAllText(path, "version: 1\n" + new string('#', PolicyYamlReader.MaxChars + 10));
        var e = Assert.Throws<PolicyException>(() => PolicyLoader.Load(path));
        Assert.Equal(path, Assert.Single(e.Errors).File);
    }

    [Fact]
    public void An_alias_to_an_unknown_anchor_is_an_error()
    {
        PolicyError e = Error("version: 1\nbaseline: *nothing\n");
        Assert.Equal(new SourcePosition(2, 11), e.Position);
        Assert.Contains("'*nothing' names no anchor", e.Message, StringComparison.Ordinal);
    }

    private static readonly string[] Tokens =
    [
        "version", "1", "2", ":", " ", "  ", "\n", "- ", "[", "]", "{", "}", ",", "\"", "'", "&a", "*a", "!!str", "!x", "#", "---", "...", "|", ">",
        "vulnerabilities", "severity", "high", "error", "warning", "off", "hardening", "paths", "/usr/*", "[x", "require", "pie", "level",
        "config", "secret.*", "waivers", "cve", "CVE-2023-1", "expires", "2026-02-30", "reason", "owner", "components", "deny", "name",
        "versions", "< 1.2", ">=", "||", "min", "7.5", "share", "1e9", ".inf", "~", "null", "true", "\t", "?", "%YAML 1.2", "<<", "\u00e9", "\0",
    ];

    [Fact]
    public void Random_yaml_never_throws_anything_but_a_policy_exception()
    {
        Gen.Int[0, Tokens.Length - 1].Array[0, 60]
            .Select(ix => string.Concat(ix.Select(i => Tokens[i])))
            .Sample(text => ParsesOrRefuses(text), iter: 10_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Mutated_real_policies_never_throw_anything_but_a_policy_exception()
    {
        string starter = PolicyLoader.StarterPolicy;
        Gen.Select(Gen.Int[0, starter.Length - 1], Gen.Int[0, 40], Gen.Char)
            .Select((at, cut, c) => starter[..at] + c + starter[Math.Min(starter.Length, at + cut)..])
            .Sample(text => ParsesOrRefuses(text), iter: 400, seed: "0N0XIzNsQ0O2");
    }

    private static bool ParsesOrRefuses(string text)
    {
        try
        {
            PolicyDocument document = PolicyLoader.Parse(text, "fuzz.yml");
            return document.Version == PolicyDocument.CurrentVersion;
        }
        catch (PolicyException e)
        {
            return e.Errors.Count > 0 && e.Errors.All(x => x.File == "fuzz.yml" && x.Position.Line >= 1 && x.Position.Column >= 1 && x.Message.Length > 0);
        }
    }
}
