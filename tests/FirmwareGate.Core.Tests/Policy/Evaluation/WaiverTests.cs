using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using static FirmwareGate.Core.Tests.Policy.Evaluation.Facts;

namespace FirmwareGate.Core.Tests.Policy.Evaluation;

public sealed class WaiverTests
{
    private static readonly PolicyDocument Base = new()
    {
        Vulnerabilities = new VulnerabilityPolicy { Severity = [BySeverity(Severity.High, PolicyLevel.Error)] },
        Hardening = [new HardeningRule { Id = "hardening[0]", Level = PolicyLevel.Error, Paths = ["/**"], Require = [HardeningProperty.Pie] }],
        FindingSeverities = [new SeverityRule { Id = "findings.high", Severity = Severity.High, Level = PolicyLevel.Error }],
        Components = new ComponentPolicy { Require = [new ComponentMinimumRule { Id = "components.require[0]", Name = "busybox", MinVersion = "1.36.1", Level = PolicyLevel.Error }] },
    };

    private static readonly ScanFacts Scan = Image(
        vulnerabilities: [Vuln("CVE-2023-45853", component: "zlib", version: "1.2.13", aliases: ["GHSA-xxxx-yyyy-zzzz"]), Vuln("CVE-2022-48174", component: "busybox", version: "1.35.0")],
        binaries: [Binary("/usr/sbin/fgd-weak") with { Pie = "no" }, Binary("/opt/vendor/bin/fgd-partial") with { Pie = "no" }],
        findings: [FindingOf("config.telnetd_enabled", "/etc/inittab"), FindingOf("cert.expired", "/etc/ssl/web.pem")],
        components: [Component("busybox", "1.35.0")]);

    private static PolicyOutcome Run(params Waiver[] waivers) => Evaluate(Base with { Waivers = waivers }, Scan);

    private static List<string> Waived(PolicyOutcome outcome) =>
        [.. outcome.Violations.Where(v => v.WaivedBy is not null).Select(v => $"{v.RuleId} {v.Path}").Order(StringComparer.Ordinal)];

    [Fact]
    public void Without_waivers_everything_fails()
    {
        var outcome = Run();
        Assert.Equal(7, outcome.Violations.Count);
        Assert.All(outcome.Violations, v => Assert.True(v.Fails));
        Assert.Equal(PolicyVerdict.Fail, outcome.Verdict);
    }

    [Fact]
    public void Cve_matches_the_id_or_an_alias_case_insensitively()
    {
        Assert.Equal(["CVE-2023-45853 /usr/lib/libzlib.so"], Waived(Run(Waiver("waivers[0]", cve: "cve-2023-45853"))));
        Assert.Equal(["CVE-2023-45853 /usr/lib/libzlib.so"], Waived(Run(Waiver("waivers[0]", cve: "GHSA-XXXX-yyyy-zzzz"))));
        Assert.Empty(Waived(Run(Waiver("waivers[0]", cve: "CVE-2023-4585"))));
    }

    [Fact]
    public void Rule_glob_matches_the_rule_id()
    {
        Assert.Equal(["hardening.pie /opt/vendor/bin/fgd-partial", "hardening.pie /usr/sbin/fgd-weak"], Waived(Run(Waiver("waivers[0]", rule: "hardening.pie"))));
        Assert.Equal(["cert.expired /etc/ssl/web.pem"], Waived(Run(Waiver("waivers[0]", rule: "CERT.*"))));
        Assert.Equal(["CVE-2023-45853 /usr/lib/libzlib.so"], Waived(Run(Waiver("waivers[0]", rule: "CVE-2023-*"))));
        Assert.Equal(["component.min-version /usr/bin/busybox"], Waived(Run(Waiver("waivers[0]", rule: "component.*"))));
    }

    [Fact]
    public void Path_alone_waives_whatever_is_at_that_path()
    {
        Assert.Equal(["hardening.pie /opt/vendor/bin/fgd-partial"], Waived(Run(Waiver("waivers[0]", path: "/opt/vendor/**"))));
        Assert.Equal(["config.telnetd_enabled /etc/inittab"], Waived(Run(Waiver("waivers[0]", path: "/etc/inittab"))));
        Assert.Empty(Waived(Run(Waiver("waivers[0]", path: "/ETC/inittab"))));
    }

    [Fact]
    public void Component_and_versions_match_the_violations_component()
    {
        Assert.Equal(["CVE-2022-48174 /usr/lib/libbusybox.so", "component.min-version /usr/bin/busybox"], Waived(Run(Waiver("waivers[0]", component: "BusyBox"))));
        Assert.Equal(["CVE-2022-48174 /usr/lib/libbusybox.so", "component.min-version /usr/bin/busybox"], Waived(Run(Waiver("waivers[0]", component: "busybox", versions: "< 1.36"))));
        Assert.Empty(Waived(Run(Waiver("waivers[0]", component: "busybox", versions: ">= 1.36"))));

        // Hardening and findings have no component: a component waiver never covers them.
        Assert.Equal(
            ["CVE-2022-48174 /usr/lib/libbusybox.so", "CVE-2023-45853 /usr/lib/libzlib.so", "component.min-version /usr/bin/busybox"],
            Waived(Run(Waiver("waivers[0]", component: "*"))));
    }

    [Fact]
    public void Every_given_field_must_match()
    {
        Assert.Equal(["CVE-2022-48174 /usr/lib/libbusybox.so"], Waived(Run(Waiver("waivers[0]", cve: "CVE-2022-48174", component: "busybox"))));
        Assert.Empty(Waived(Run(Waiver("waivers[0]", cve: "CVE-2022-48174", component: "zlib"))));
        Assert.Equal(["hardening.pie /usr/sbin/fgd-weak"], Waived(Run(Waiver("waivers[0]", rule: "hardening.*", path: "/usr/sbin/*"))));
        Assert.Empty(Waived(Run(Waiver("waivers[0]", rule: "hardening.nx", path: "/usr/sbin/*"))));
    }

    [Fact]
    public void A_waived_violation_does_not_fail_and_the_waiver_is_listed_as_applied()
    {
        var waiver = Waiver("waivers[0]", rule: "hardening.pie");
        var outcome = Run(waiver);
        var waived = outcome.Violations.Where(v => v.WaivedBy is not null).ToList();
        Assert.All(waived, v => Assert.Same(waiver, v.WaivedBy));
        Assert.All(waived, v => Assert.False(v.Fails));
        var use = Assert.Single(outcome.Applied);
        Assert.Same(waiver, use.Waiver);
        Assert.Equal(waived.Select(v => v.Fingerprint).Order(StringComparer.Ordinal), use.Fingerprints);
        Assert.Equal(5, outcome.Count(PolicyLevel.Error));
    }

    [Fact]
    public void Waivers_of_everything_that_fails_give_a_pass()
    {
        var outcome = Run(Waiver("waivers[0]", rule: "*"), Waiver("waivers[1]", path: "/**"));
        Assert.Equal((PolicyVerdict.Pass, 0), (outcome.Verdict, outcome.ExitCode));
        Assert.All(outcome.Violations, v => Assert.Equal("waivers[0]", v.WaivedBy?.Id));
        Assert.Equal(["waivers[0]", "waivers[1]"], outcome.Applied.Select(a => a.Waiver.Id));
        Assert.Empty(outcome.Stale);
    }

    [Fact]
    public void The_day_of_expiry_still_waives_and_the_day_after_does_not()
    {
        var waiver = Waiver("waivers[0]", expires: new DateOnly(2027, 1, 31), cve: "CVE-2023-45853");
        var policy = Base with { Waivers = [waiver] };

        var lastDay = Evaluate(policy, Scan, At(new DateTimeOffset(2027, 1, 31, 23, 59, 59, TimeSpan.Zero)));
        Assert.Equal(["CVE-2023-45853 /usr/lib/libzlib.so"], Waived(lastDay));
        Assert.Empty(lastDay.Expired);

        var dayAfter = Evaluate(policy, Scan, At(new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Empty(Waived(dayAfter));
        Assert.Equal([waiver], dayAfter.Expired);
        Assert.Empty(dayAfter.Stale);
        Assert.Empty(dayAfter.Applied);
        Assert.True(dayAfter.Violations.Single(v => v.RuleId == "CVE-2023-45853").Fails);

        // The UTC day counts, whatever offset the clock was given in.
        var late = Evaluate(policy, Scan, At(new DateTimeOffset(2027, 1, 31, 20, 0, 0, TimeSpan.FromHours(-5))));
        Assert.Equal([waiver], late.Expired);
    }

    [Fact]
    public void An_unexpired_waiver_that_matches_nothing_is_stale_an_expired_one_is_only_expired()
    {
        var stale = Waiver("waivers[0]", cve: "CVE-1999-0001");
        var expired = Waiver("waivers[1]", expires: new DateOnly(2020, 1, 1), cve: "CVE-1999-0002");
        var used = Waiver("waivers[2]", rule: "cert.expired");
        var outcome = Run(stale, expired, used);
        Assert.Equal([stale], outcome.Stale);
        Assert.Equal([expired], outcome.Expired);
        Assert.Equal([used], outcome.Applied.Select(a => a.Waiver));
    }

    [Fact]
    public void A_waiver_that_gives_no_subject_covers_nothing()
    {
        var outcome = Run(Waiver("waivers[0]"));
        Assert.Empty(Waived(outcome));
        Assert.Single(outcome.Stale);
    }
}
