using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using static FirmwareGate.Core.Tests.Policy.Evaluation.Facts;

namespace FirmwareGate.Core.Tests.Policy.Evaluation;

public sealed class BaselineAndVerdictTests
{
    private static readonly PolicyDocument Policy = new()
    {
        File = "firmware-policy.yml",
        Vulnerabilities = new VulnerabilityPolicy { Severity = [BySeverity(Severity.High, PolicyLevel.Error), BySeverity(Severity.Medium, PolicyLevel.Warning)] },
        Hardening = [new HardeningRule { Id = "hardening[0]", Level = PolicyLevel.Error, Paths = ["/usr/sbin/*"], Require = [HardeningProperty.Pie] }],
        FindingSeverities = [new SeverityRule { Id = "findings.high", Severity = Severity.High, Level = PolicyLevel.Error }],
    };

    // The release before: zlib's CVE, fgd-weak without PIE and telnetd at boot were already there.
    private static readonly ScanFacts Before = Image(
        vulnerabilities: [Vuln("CVE-2023-45853", component: "zlib", version: "1.2.12")],
        binaries: [Binary("/usr/sbin/fgd-weak") with { Pie = "no" }],
        findings: [FindingOf("config.telnetd_enabled", "/etc/inittab")]);

    // This release: zlib upgraded but still affected, fgd-weak moved to another offset, one new CVE, one new finding.
    private static readonly ScanFacts After = Image(
        vulnerabilities: [Vuln("CVE-2023-45853", component: "zlib", version: "1.2.13"), Vuln("CVE-2022-48174", component: "busybox", version: "1.35.0")],
        binaries: [Binary("/usr/sbin/fgd-weak") with { Pie = "no", Location = "fw.bin@0x80:trx/squashfs(xz):/usr/sbin/fgd-weak" }],
        findings: [FindingOf("config.telnetd_enabled", "/etc/inittab"), FindingOf("key.private-unencrypted", "/etc/uhttpd.key")]);

    [Fact]
    public void Baseline_all_marks_what_is_old_and_still_fails_on_it()
    {
        var outcome = Evaluate(Policy, After, At(Scanned, Before));
        Assert.True(outcome.HasBaseline);
        Assert.Equal(
            [("CVE-2022-48174", false), ("CVE-2023-45853", true), ("config.telnetd_enabled", true), ("hardening.pie", true), ("key.private-unencrypted", false)],
            outcome.Violations.Select(v => (v.RuleId, v.InBaseline)));
        Assert.All(outcome.Violations, v => Assert.True(v.Fails));
        Assert.Equal(PolicyVerdict.Fail, outcome.Verdict);
    }

    [Fact]
    public void Baseline_new_only_fails_only_on_what_is_new()
    {
        var policy = Policy with { Baseline = BaselineMode.NewOnly };
        var outcome = Evaluate(policy, After, At(Scanned, Before));
        Assert.Equal(["CVE-2022-48174", "key.private-unencrypted"], outcome.Failing.Select(v => v.RuleId));
        Assert.Equal(PolicyVerdict.Fail, outcome.Verdict);

        // Nothing new: pass, though the old errors are still reported.
        var same = Evaluate(policy, Before, At(Scanned, Before));
        Assert.Equal(PolicyVerdict.Pass, same.Verdict);
        Assert.Equal(3, same.Violations.Count);
        Assert.All(same.Violations, v => Assert.True(v.InBaseline && !v.Fails));
    }

    [Fact]
    public void Without_a_baseline_new_only_changes_nothing()
    {
        var outcome = Evaluate(Policy with { Baseline = BaselineMode.NewOnly }, Before);
        Assert.False(outcome.HasBaseline);
        Assert.All(outcome.Violations, v => Assert.True(!v.InBaseline && v.Fails));
        Assert.Equal(PolicyVerdict.Fail, outcome.Verdict);
    }

    [Fact]
    public void Baseline_fingerprints_come_from_its_facts_even_where_this_policy_passed_them()
    {
        // The baseline's CVE was medium (a warning) and is high now: still the same fingerprint, so not new.
        var before = Image(vulnerabilities: [Vuln("CVE-2023-45853", "medium", 5.0)]);
        var after = Image(vulnerabilities: [Vuln("CVE-2023-45853", "high", 7.5)]);
        var outcome = Evaluate(Policy with { Baseline = BaselineMode.NewOnly }, after, At(Scanned, before));
        var v = Assert.Single(outcome.Violations);
        Assert.True(v.InBaseline);
        Assert.Equal(PolicyVerdict.Pass, outcome.Verdict);
    }

    [Fact]
    public void Verdict_and_exit_code_per_case()
    {
        Assert.Equal((PolicyVerdict.Pass, 0), Verdict(Image()));
        Assert.Equal((PolicyVerdict.Pass, 0), Verdict(Image(vulnerabilities: [Vuln("CVE-1", "medium", 5.0)])));
        Assert.Equal((PolicyVerdict.Fail, 1), Verdict(Image(vulnerabilities: [Vuln("CVE-1", "high", 7.5)])));
        var incompletePolicy = Policy with { Completeness = new CompletenessPolicy { Incomplete = Simple("completeness.incomplete", PolicyLevel.Error) } };
        var incomplete = Image(vulnerabilities: [Vuln("CVE-1", "high", 7.5)]) with { Complete = false, Warnings = ["x: truncated"] };
        var outcome = Evaluate(incompletePolicy, incomplete);
        Assert.Equal((PolicyVerdict.Incomplete, 3), (outcome.Verdict, outcome.ExitCode));

        // A waived incomplete analysis no longer decides the verdict.
        var waived = Evaluate(incompletePolicy with { Waivers = [Waiver("waivers[0]", rule: "analysis.incomplete")] }, incomplete);
        Assert.Equal((PolicyVerdict.Fail, 1), (waived.Verdict, waived.ExitCode));

        static (PolicyVerdict, int) Verdict(ScanFacts facts)
        {
            var o = Evaluate(Policy, facts);
            return (o.Verdict, o.ExitCode);
        }
    }

    [Fact]
    public void Outcome_carries_the_policy_file_and_the_evaluation_time()
    {
        var now = new DateTimeOffset(2026, 12, 24, 8, 0, 0, TimeSpan.Zero);
        var outcome = Evaluate(Policy, Image(), At(now));
        Assert.Equal(("firmware-policy.yml", now), (outcome.PolicyFile, outcome.EvaluatedAt));
    }

    [Fact]
    public void Violations_are_ordered_by_level_rule_id_location_and_fingerprint()
    {
        var facts = Image(
            vulnerabilities: [Vuln("CVE-2", "medium", 5.0), Vuln("CVE-1", "high", 7.5, component: "b"), Vuln("CVE-1", "high", 7.5, component: "a")],
            binaries: [Binary("/usr/sbin/z") with { Pie = "no" }, Binary("/usr/sbin/a") with { Pie = "no" }],
            findings: [FindingOf("cert.expired", "/etc/b.pem"), FindingOf("cert.expired", "/etc/a.pem")]);
        var order = Evaluate(Policy, facts).Violations.Select(v => $"{v.Level} {v.RuleId} {v.Path}").ToList();
        Assert.Equal(
        [
            "Error CVE-1 /usr/lib/liba.so", "Error CVE-1 /usr/lib/libb.so", "Error cert.expired /etc/a.pem", "Error cert.expired /etc/b.pem",
            "Error hardening.pie /usr/sbin/a", "Error hardening.pie /usr/sbin/z", "Warning CVE-2 /usr/lib/libzlib.so",
        ], order);
    }

    [Fact]
    public void Same_input_gives_the_same_outcome_whatever_the_order_of_the_facts()
    {
        var policy = Policy with { Waivers = [Waiver("waivers[0]", rule: "cert.*"), Waiver("waivers[1]", cve: "CVE-9")] };
        var facts = Image(
            vulnerabilities: [Vuln("CVE-2", "medium", 5.0), Vuln("CVE-1", "high", 7.5, component: "b"), Vuln("CVE-1", "high", 7.5, component: "a")],
            binaries: [Binary("/usr/sbin/z") with { Pie = "no" }, Binary("/usr/sbin/a") with { Pie = "no" }],
            findings: [FindingOf("cert.expired", "/etc/b.pem"), FindingOf("cert.expired", "/etc/a.pem"), FindingOf("fs.setuid", "/bin/su", Severity.Medium)]);
        var reversed = facts with
        {
            Vulnerabilities = [.. facts.Vulnerabilities.Reverse()],
            Binaries = [.. facts.Binaries.Reverse()],
            Findings = [.. facts.Findings.Reverse()],
        };
        Assert.Equal(Describe(Evaluate(policy, facts)), Describe(Evaluate(policy, reversed)));
        Assert.Equal(Describe(Evaluate(policy, facts)), Describe(Evaluate(policy, facts)));
    }

    private static string Describe(PolicyOutcome o) =>
        string.Join('\n', o.Violations.Select(v => $"{v.Kind}|{v.RuleId}|{v.Ref}|{v.Fingerprint}|{v.Message}|{v.Location}|{v.Level}|{v.PolicyRule}|{v.WaivedBy?.Id}|{v.InBaseline}|{v.Fails}"))
        + $"\n{o.Verdict}|{string.Join(',', o.Uncovered)}|{string.Join(',', o.Applied.Select(a => a.Waiver.Id + ":" + string.Join('+', a.Fingerprints)))}|{string.Join(',', o.Stale.Select(w => w.Id))}";
}
