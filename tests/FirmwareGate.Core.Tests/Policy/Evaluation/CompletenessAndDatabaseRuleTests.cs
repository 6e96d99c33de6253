using FirmwareGate.Core.Policy;
using static FirmwareGate.Core.Tests.Policy.Evaluation.Facts;

namespace FirmwareGate.Core.Tests.Policy.Evaluation;

public sealed class CompletenessAndDatabaseRuleTests
{
    private static readonly ScanFacts Incomplete = Image() with
    {
        Complete = false,
        Warnings = ["fw.bin@0x40:trx/squashfs(xz): block 3 failed to decompress", "fw.bin@0x200000: unknown compression", "third", "fourth"],
        LimitsHit = ["max-total-bytes"],
    };

    [Fact]
    public void Incomplete_analysis_at_error_gives_verdict_incomplete_and_exit_3_naming_the_first_reasons()
    {
        var policy = new PolicyDocument { Completeness = new CompletenessPolicy { Incomplete = Simple("completeness.incomplete", PolicyLevel.Error, 40) } };
        var outcome = Evaluate(policy, Incomplete);
        var v = Assert.Single(outcome.Violations);
        Assert.Equal((ViolationKind.Completeness, "analysis.incomplete", "image", "fw.bin"), (v.Kind, v.RuleId, v.Ref, v.Location));
        Assert.Equal(PolicyFingerprints.Image("analysis.incomplete"), v.Fingerprint);
        Assert.Contains("block 3 failed to decompress", v.Message, StringComparison.Ordinal);
        Assert.Contains("and 2 more", v.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("max-total-bytes", v.Message, StringComparison.Ordinal);
        Assert.Equal((PolicyVerdict.Incomplete, 3), (outcome.Verdict, outcome.ExitCode));
    }

    [Fact]
    public void Incomplete_wins_over_other_failures_and_a_warning_level_accepts_it()
    {
        var failing = new PolicyDocument
        {
            Completeness = new CompletenessPolicy { Incomplete = Simple("completeness.incomplete", PolicyLevel.Error) },
            Vulnerabilities = new VulnerabilityPolicy { KnownExploited = Simple("vulnerabilities.known-exploited", PolicyLevel.Error) },
        };
        var facts = Incomplete with { Vulnerabilities = [Vuln("CVE-1", kev: true)] };
        Assert.Equal(PolicyVerdict.Incomplete, Evaluate(failing, facts).Verdict);

        var accepting = failing with { Completeness = new CompletenessPolicy { Incomplete = Simple("completeness.incomplete", PolicyLevel.Warning) } };
        Assert.Equal((PolicyVerdict.Fail, 1), (Evaluate(accepting, facts).Verdict, Evaluate(accepting, facts).ExitCode));
        Assert.Equal(PolicyVerdict.Pass, Evaluate(accepting, Incomplete).Verdict);
        Assert.Empty(Evaluate(failing, Image()).Violations);
    }

    [Fact]
    public void Unknown_and_high_entropy_shares_above_the_maximum_are_violations()
    {
        var policy = new PolicyDocument
        {
            Completeness = new CompletenessPolicy
            {
                MaxUnknown = Threshold("completeness.max-unknown", 0.05, PolicyLevel.Warning),
                MaxHighEntropy = Threshold("completeness.max-high-entropy", 0.02, PolicyLevel.Error),
            },
        };
        var at = Image() with { Coverage = new CoverageFacts(1000, 50, 20) };
        Assert.Empty(Evaluate(policy, at).Violations);

        var over = Image() with { Coverage = new CoverageFacts(1000, 125, 21) };
        var found = Evaluate(policy, over).Violations;
        Assert.Equal([("analysis.high-entropy", PolicyLevel.Error), ("analysis.unknown-bytes", PolicyLevel.Warning)], found.Select(v => (v.RuleId, v.Level)));
        Assert.Contains("12.5%", found[1].Message, StringComparison.Ordinal);
        Assert.Contains("125 of 1000 bytes", found[1].Message, StringComparison.Ordinal);

        Assert.Empty(Evaluate(policy, Image() with { Coverage = null }).Violations);
    }

    [Fact]
    public void Database_older_than_the_maximum_age_at_scan_time()
    {
        var policy = new PolicyDocument { Database = new DatabasePolicy { MaxAgeDays = Threshold("database.max-age-days", 7, PolicyLevel.Warning) } };
        var fresh = Image() with { Database = new DatabaseFacts("/db/v.sqlite", Scanned.AddDays(-7)) };
        Assert.Empty(Evaluate(policy, fresh).Violations);

        var stale = Image() with { Database = new DatabaseFacts("/db/v.sqlite", Scanned.AddDays(-30)) };
        var v = Assert.Single(Evaluate(policy, stale).Violations);
        Assert.Equal((ViolationKind.Database, "database.age", "/db/v.sqlite", PolicyLevel.Warning), (v.Kind, v.RuleId, v.Ref, v.Level));
        Assert.Contains("2026-10-02", v.Message, StringComparison.Ordinal);
        Assert.Contains("30 days", v.Message, StringComparison.Ordinal);

        // Judged at scan time, not at evaluation time.
        Assert.Empty(Evaluate(policy, fresh, At(Scanned.AddDays(100))).Violations);

        var unknown = Image() with { Database = new DatabaseFacts("/db/v.sqlite", null) };
        Assert.Contains("unknown", Assert.Single(Evaluate(policy, unknown).Violations).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_database_is_a_violation_unless_vulnerabilities_came_from_elsewhere()
    {
        var policy = new PolicyDocument { Database = new DatabasePolicy { Missing = Simple("database.missing", PolicyLevel.Error) } };
        var v = Assert.Single(Evaluate(policy, Image() with { Database = null }).Violations);
        Assert.Equal(("database.missing", "none", PolicyFingerprints.Image("database.missing")), (v.RuleId, v.Ref, v.Fingerprint));
        Assert.Equal(PolicyVerdict.Fail, Evaluate(policy, Image() with { Database = null }).Verdict);
        Assert.Empty(Evaluate(policy, Image()).Violations);
        Assert.Empty(Evaluate(policy, Image(vulnerabilities: [Vuln("CVE-1")]) with { Database = null }).Violations);
    }
}
