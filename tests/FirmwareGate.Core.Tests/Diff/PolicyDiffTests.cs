using System.Text.Json;
using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Core.Tests.Diff;

/// <summary>
/// <c>policy diff</c> on the JSON report of the pair's v2 image (a static busybox that is not PIE, an unencrypted RSA
/// key at /etc/ssl/private/server.key): two real policy files, the new one tightening the PIE rule, waiving the key
/// and dropping a CVE waiver.
/// </summary>
[Collection(DiffPairCollection.Name)]
public sealed class PolicyDiffTests(DiffPair pair)
{
    private const string OldPolicy = """
        version: 1
        hardening:
          - paths: [/bin/*]
            types: [executable]
            require: [pie]
            level: warning
        private-keys:
          unencrypted: error
        waivers:
          - cve: CVE-2022-48174
            component: busybox
            versions: "< 1.36.0"
            reason: the vulnerable applet is not built
            owner: firmware-security@example.com
            expires: 2027-06-30
          - rule: hardening.relro
            path: /bin/busybox
            reason: static binary
            owner: platform-team
            expires: 2027-01-31
        """;

    // PIE becomes an error; the key is waived; the CVE waiver goes; the RELRO waiver moves and is reworded only.
    private const string NewPolicy = """
        version: 1
        hardening:
          - paths: [/bin/*]
            types: [executable]
            require: [pie]
            level: error
        private-keys:
          unencrypted: error
        waivers:
          - rule: key.private-unencrypted
            path: /etc/ssl/private/*
            reason: a test key, replaced at first boot
            owner: platform-team
            expires: 2027-03-31
          - rule: hardening.relro
            path: /bin/busybox
            reason: static binary; RELRO does not apply
            owner: platform-team
            expires: 2027-01-31
        """;

    private static readonly EvaluationOptions At = new() { Now = DiffPair.Now };

    [Fact]
    public void Tightened_rule_starts_failing_new_waiver_stops_failing_waivers_listed()
    {
        var (oldPolicy, newPolicy, facts) = Load();
        var diff = PolicyDiffer.Compare(oldPolicy, newPolicy, facts, At);

        var starts = Assert.Single(diff.StartFailing);
        Assert.Equal("hardening.pie", starts.RuleId);
        Assert.Equal("/bin/busybox", starts.Path);
        Assert.Equal(PolicyLevel.Error, starts.Level);

        var stops = Assert.Single(diff.StopFailing);
        Assert.Equal("key.private-unencrypted", stops.RuleId);
        Assert.Equal("/etc/ssl/private/server.key", stops.Path);
        Assert.Equal("waivers[0]", stops.WaivedBy?.Id);

        var added = Assert.Single(diff.WaiversAdded);
        Assert.Equal(("key.private-unencrypted", "/etc/ssl/private/*"), (added.Rule, added.Path));
        var removed = Assert.Single(diff.WaiversRemoved);
        Assert.Equal("CVE-2022-48174", removed.Cve);

        Assert.Empty(diff.LevelChanged);
        Assert.Equal(PolicyVerdict.Fail, diff.Old.Verdict);
        Assert.Equal(PolicyVerdict.Fail, diff.New.Verdict);
        Assert.False(diff.IsEmpty);
    }

    [Fact]
    public void Reordered_and_reworded_waivers_are_no_change_but_a_new_expiry_is()
    {
        var (oldPolicy, _, facts) = Load();
        var reordered = oldPolicy with { Waivers = [.. oldPolicy.Waivers.Reverse().Select(w => w with { Reason = "reworded: " + w.Reason })] };
        Assert.True(PolicyDiffer.Compare(oldPolicy, reordered, facts, At).IsEmpty);

        var extended = oldPolicy with { Waivers = [oldPolicy.Waivers[0], oldPolicy.Waivers[1] with { Expires = new DateOnly(2027, 12, 31) }] };
        var diff = PolicyDiffer.Compare(oldPolicy, extended, facts, At);
        Assert.Equal("hardening.relro", Assert.Single(diff.WaiversAdded).Rule);
        Assert.Equal(new DateOnly(2027, 1, 31), Assert.Single(diff.WaiversRemoved).Expires);
        Assert.Empty(diff.StartFailing);
        Assert.Empty(diff.StopFailing);
    }

    [Fact]
    public void Renderings_say_what_starts_and_stops_failing()
    {
        var (oldPolicy, newPolicy, facts) = Load();
        var diff = PolicyDiffer.Compare(oldPolicy, newPolicy, facts, At);

        string json = DiffJsonWriter.ToJson(diff);
        Assert.Equal(json, DiffJsonWriter.ToJson(PolicyDiffer.Compare(oldPolicy, newPolicy, facts, At)));
        using (var doc = JsonDocument.Parse(json))
        {
            var root = doc.RootElement;
            Assert.Equal("policy-diff", root.GetProperty("kind").GetString());
            Assert.Equal("old.yml", root.GetProperty("old").GetProperty("policy").GetString());
            Assert.Equal("hardening.pie", Assert.Single(root.GetProperty("startFailing").EnumerateArray().ToList()).GetProperty("ruleId").GetString());
            var stop = Assert.Single(root.GetProperty("stopFailing").EnumerateArray().ToList());
            Assert.Equal("waivers[0]", stop.GetProperty("waived").GetString());
            Assert.Equal("2027-03-31", Assert.Single(root.GetProperty("waiversAdded").EnumerateArray().ToList()).GetProperty("expires").GetString());
        }

        string markdown = DiffMarkdownWriter.ToMarkdown(diff);
        Assert.StartsWith("**FirmwareGate policy diff** `old.yml` → `new.yml`: verdict stays fail; start failing: 1, stop failing: 1, level changed: 0; waivers added: 1, removed: 1\n", markdown, StringComparison.Ordinal);
        Assert.Contains("### Start failing (1)", markdown, StringComparison.Ordinal);
        Assert.Contains("| hardening.pie | error | /bin/busybox |", markdown, StringComparison.Ordinal);
        Assert.Contains("| key.private-unencrypted | waived by waivers\\[0\\] | /etc/ssl/private/server.key |", markdown, StringComparison.Ordinal);
        Assert.Contains($"| waivers\\[0\\] (line {LineOf(NewPolicy, "- rule: key.private-unencrypted")}) | rule key.private-unencrypted, path /etc/ssl/private/\\* |", markdown, StringComparison.Ordinal);

        string text = DiffTextWriter.ToText(diff);
        Assert.StartsWith("old.yml -> new.yml: verdict stays fail;", text, StringComparison.Ordinal);
        Assert.Contains("\n  + hardening.pie /bin/busybox: ", text, StringComparison.Ordinal);
        Assert.Contains("\n  - key.private-unencrypted /etc/ssl/private/server.key: ", text, StringComparison.Ordinal);
        Assert.Contains($"\n  - waivers[0] line {LineOf(OldPolicy, "- cve: CVE-2022-48174")}: cve CVE-2022-48174, component busybox < 1.36.0;", text, StringComparison.Ordinal);
    }

    private static int LineOf(string text, string needle) => 1 + text.AsSpan(0, text.IndexOf(needle, StringComparison.Ordinal)).Count('\n');

    private (PolicyDocument Old, PolicyDocument New, ScanFacts Facts) Load() =>
        (PolicyLoader.Parse(OldPolicy, "old.yml"), PolicyLoader.Parse(NewPolicy, "new.yml"), ReportReader.Read(pair.After.ReportPath));
}
