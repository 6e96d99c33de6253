using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using static FirmwareGate.Core.Tests.Policy.Evaluation.Facts;

namespace FirmwareGate.Core.Tests.Policy.Evaluation;

public sealed class FindingRuleTests
{
    private static FindingRule Rule(string id, string pattern, PolicyLevel level, string? path = null, Severity? min = null, int line = 0) => new()
    {
        Id = id,
        RulePattern = pattern,
        Level = level,
        PathGlob = path,
        MinSeverity = min,
        Position = line > 0 ? new SourcePosition(line, 3) : null,
    };

    [Fact]
    public void A_named_rule_decides_with_the_findings_fields()
    {
        var finding = FindingOf("config.telnetd_enabled", "/etc/inittab", Severity.High, key: "line 2");
        var policy = new PolicyDocument { Findings = [Rule("config[config.telnetd_enabled]", "config.telnetd_enabled", PolicyLevel.Error, line: 20)] };
        var outcome = Evaluate(policy, Image(findings: [finding]));
        var v = Assert.Single(outcome.Violations);
        Assert.Equal((ViolationKind.Finding, "config.telnetd_enabled", finding.Fingerprint, finding.Fingerprint), (v.Kind, v.RuleId, v.Ref, v.Fingerprint));
        Assert.Equal((finding.Message, finding.Location, "/etc/inittab", (Severity?)Severity.High), (v.Message, v.Location, v.Path, v.Severity));
        Assert.Equal(("config[config.telnetd_enabled]", new SourcePosition(20, 3)), (v.PolicyRule, v.PolicyPosition));
        Assert.Empty(outcome.Uncovered);
        Assert.Equal(PolicyVerdict.Fail, outcome.Verdict);
    }

    [Fact]
    public void The_first_matching_rule_in_file_order_decides_not_the_strongest()
    {
        var policy = new PolicyDocument
        {
            Findings = [Rule("config[secret.github_token]", "secret.github_token", PolicyLevel.Warning), Rule("config[secret.*]", "SECRET.*", PolicyLevel.Error)],
        };
        var outcome = Evaluate(policy, Image(findings: [FindingOf("secret.github_token", "/etc/a.conf"), FindingOf("secret.aws_access_key", "/etc/b.sh")]));
        Assert.Equal(
            [("secret.aws_access_key", PolicyLevel.Error, "config[secret.*]"), ("secret.github_token", PolicyLevel.Warning, "config[secret.github_token]")],
            outcome.Violations.Select(v => (v.RuleId, v.Level, v.PolicyRule)));
    }

    [Fact]
    public void Path_glob_and_minimum_severity_restrict_a_rule_and_fall_through_to_the_next()
    {
        var policy = new PolicyDocument
        {
            Findings = [Rule("config.fs.setuid", "fs.setuid", PolicyLevel.Warning, path: "/usr/bin/*"), Rule("config.fs.*", "fs.*", PolicyLevel.Error, min: Severity.High)],
        };
        var outcome = Evaluate(policy, Image(findings: [
            FindingOf("fs.setuid", "/usr/bin/passwd", Severity.Medium),
            FindingOf("fs.setuid", "/usr/sbin/fgd-weak", Severity.High),
            FindingOf("fs.setuid", "/opt/x", Severity.Medium),
        ]));
        Assert.Equal(
            [("/usr/sbin/fgd-weak", PolicyLevel.Error), ("/usr/bin/passwd", PolicyLevel.Warning)],
            outcome.Violations.Select(v => (v.Path!, v.Level)));
        Assert.Single(outcome.Uncovered);
    }

    [Fact]
    public void Findings_no_named_rule_covers_take_the_level_of_their_severity()
    {
        var policy = new PolicyDocument
        {
            FindingSeverities = [new SeverityRule { Id = "findings.high", Severity = Severity.High, Level = PolicyLevel.Error }, new SeverityRule { Id = "findings.low", Severity = Severity.Low, Level = PolicyLevel.Note }],
        };
        var high = FindingOf("cert.expired", "/etc/a.pem", Severity.High);
        var low = FindingOf("fs.world_writable", "/tmp/x", Severity.Low);
        var medium = FindingOf("cert.weak-signature", "/etc/b.pem", Severity.Medium);
        var outcome = Evaluate(policy, Image(findings: [high, low, medium]));
        Assert.Equal([("cert.expired", "findings.high"), ("fs.world_writable", "findings.low")], outcome.Violations.Select(v => (v.RuleId, v.PolicyRule)));
        Assert.Equal([medium.Fingerprint], outcome.Uncovered);
    }

    [Fact]
    public void Uncovered_findings_are_reported_and_never_fail()
    {
        var findings = new[] { FindingOf("key.private-unencrypted", "/etc/k.pem", Severity.Critical), FindingOf("cert.expired", "/etc/c.pem", Severity.High) };
        var outcome = Evaluate(new PolicyDocument(), Image(findings: findings));
        Assert.Empty(outcome.Violations);
        Assert.Equal(findings.Select(f => f.Fingerprint).Order(StringComparer.Ordinal), outcome.Uncovered);
        Assert.Equal(PolicyVerdict.Pass, outcome.Verdict);
    }

    [Fact]
    public void Level_off_ignores_a_finding_explicitly_so_it_is_not_uncovered()
    {
        var policy = new PolicyDocument
        {
            Findings = [Rule("config.fs.world_writable", "fs.world_writable", PolicyLevel.Off)],
            FindingSeverities = [new SeverityRule { Id = "findings.low", Severity = Severity.Low, Level = PolicyLevel.Error }],
        };
        var outcome = Evaluate(policy, Image(findings: [FindingOf("fs.world_writable", "/tmp/x", Severity.Low)]));
        Assert.Empty(outcome.Violations);
        Assert.Empty(outcome.Uncovered);
    }
}
