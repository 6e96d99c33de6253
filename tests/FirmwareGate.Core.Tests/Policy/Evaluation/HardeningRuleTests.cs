using FirmwareGate.Core.Policy;
using static FirmwareGate.Core.Tests.Policy.Evaluation.Facts;

namespace FirmwareGate.Core.Tests.Policy.Evaluation;

public sealed class HardeningRuleTests
{
    private static readonly HardeningProperty[] All = Enum.GetValues<HardeningProperty>();

    private static HardeningRule Rule(string id, PolicyLevel level, string[] paths, HardeningProperty[] require, string[]? except = null, string[]? types = null, int line = 0) => new()
    {
        Id = id,
        Level = level,
        Paths = paths,
        Except = except ?? [],
        Types = types ?? [],
        Require = require,
        Position = line > 0 ? new SourcePosition(line, 5) : null,
    };

    private static List<Violation> Run(BinaryFact binary, params HardeningRule[] rules) =>
        [.. Evaluate(new PolicyDocument { Hardening = rules }, Image(binaries: [binary])).Violations];

    [Fact]
    public void A_fully_hardened_binary_meets_every_property()
    {
        Assert.Empty(Run(Binary("/usr/sbin/httpd"), Rule("hardening[0]", PolicyLevel.Error, ["/**"], All)));
        Assert.Empty(Run(Binary("/usr/sbin/httpd", "x86-64"), Rule("hardening[0]", PolicyLevel.Error, ["/**"], All)));
    }

    [Fact]
    public void Each_missing_property_is_one_violation_with_its_rule_id_and_fingerprint()
    {
        var weak = Binary("/usr/sbin/fgd-weak") with { Nx = false, Pie = "no", Relro = "none", Canary = false, Fortify = false, Stripped = false, RPath = "/opt/lib", RunPath = null };
        var found = Run(weak, Rule("hardening[0]", PolicyLevel.Error, ["/usr/sbin/*"], All, line: 12));
        Assert.Equal(
            ["hardening.canary", "hardening.fortify", "hardening.full-relro", "hardening.no-rpath", "hardening.nx", "hardening.pie", "hardening.relro", "hardening.stripped"],
            found.Select(v => v.RuleId));
        Assert.All(found, v =>
        {
            Assert.Equal(ViolationKind.Hardening, v.Kind);
            Assert.Equal("/usr/sbin/fgd-weak", v.Ref);
            Assert.Equal("/usr/sbin/fgd-weak", v.Path);
            Assert.Equal(PolicyFingerprints.Hardening(v.RuleId, weak.Location), v.Fingerprint);
            Assert.Equal(("hardening[0]", new SourcePosition(12, 5)), (v.PolicyRule, v.PolicyPosition));
            Assert.True(v.Fails);
            Assert.StartsWith("/usr/sbin/fgd-weak ", v.Message, StringComparison.Ordinal);
        });
        Assert.Contains("/opt/lib", found.Single(v => v.RuleId == "hardening.no-rpath").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partial_relro_meets_relro_but_not_full_relro()
    {
        var found = Run(Binary("/bin/a") with { Relro = "partial" }, Rule("h", PolicyLevel.Error, ["/bin/*"], [HardeningProperty.Relro, HardeningProperty.FullRelro]));
        Assert.Equal("hardening.full-relro", Assert.Single(found).RuleId);
    }

    [Fact]
    public void Pie_is_met_by_a_shared_object()
    {
        var lib = Binary("/usr/lib/libfg.so.1") with { Type = "shared-object", Pie = "dso" };
        Assert.Empty(Run(lib, Rule("h", PolicyLevel.Error, ["/usr/lib/*"], [HardeningProperty.Pie])));
        Assert.Single(Run(lib with { Pie = "no" }, Rule("h", PolicyLevel.Error, ["/usr/lib/*"], [HardeningProperty.Pie])));
    }

    [Fact]
    public void An_unknown_value_does_not_meet_the_requirement_and_says_it_could_not_be_decided()
    {
        var v = Assert.Single(Run(Binary("/bin/a") with { Canary = null }, Rule("h", PolicyLevel.Warning, ["/bin/*"], [HardeningProperty.Canary])));
        Assert.Equal(("hardening.canary", PolicyLevel.Warning), (v.RuleId, v.Level));
        Assert.Contains("could not be decided", v.Message, StringComparison.Ordinal);
        Assert.False(v.Fails);
    }

    [Fact]
    public void Cet_applies_to_x86_only()
    {
        var rule = Rule("h", PolicyLevel.Error, ["/**"], [HardeningProperty.Cet]);
        Assert.Empty(Run(Binary("/bin/a", "arm") with { Cet = null }, rule));
        Assert.Equal("hardening.cet", Assert.Single(Run(Binary("/bin/a", "x86-64") with { Cet = false }, rule)).RuleId);
        Assert.Single(Run(Binary("/bin/a", "x86") with { Cet = null }, rule));
    }

    [Fact]
    public void Except_and_types_narrow_a_rule_and_other_paths_are_not_covered()
    {
        var weak = Binary("/usr/sbin/legacy") with { Pie = "no" };
        Assert.Empty(Run(weak, Rule("h", PolicyLevel.Error, ["/usr/sbin/*"], [HardeningProperty.Pie], except: ["/usr/sbin/legacy"])));
        Assert.Empty(Run(weak, Rule("h", PolicyLevel.Error, ["/usr/bin/*"], [HardeningProperty.Pie])));
        Assert.Empty(Run(weak, Rule("h", PolicyLevel.Error, ["/usr/sbin/*"], [HardeningProperty.Pie], types: ["shared-object"])));
        Assert.Single(Run(weak, Rule("h", PolicyLevel.Error, ["/usr/sbin/*"], [HardeningProperty.Pie], types: ["executable"])));

        // A path glob is case-sensitive and '*' stays within one folder.
        Assert.Empty(Run(weak, Rule("h", PolicyLevel.Error, ["/USR/sbin/*"], [HardeningProperty.Pie])));
        Assert.Empty(Run(weak, Rule("h", PolicyLevel.Error, ["/usr/*"], [HardeningProperty.Pie])));
    }

    [Fact]
    public void Several_rules_give_the_strongest_level_per_property_and_the_first_rule_on_ties()
    {
        var weak = Binary("/usr/sbin/httpd") with { Pie = "no", Canary = false };
        var found = Run(
            weak,
            Rule("hardening[0]", PolicyLevel.Warning, ["/**"], [HardeningProperty.Pie, HardeningProperty.Canary], line: 2),
            Rule("hardening[1]", PolicyLevel.Error, ["/usr/sbin/*"], [HardeningProperty.Pie], line: 6),
            Rule("hardening[2]", PolicyLevel.Warning, ["/usr/**"], [HardeningProperty.Canary], line: 9));
        Assert.Equal(2, found.Count);
        var pie = found.Single(v => v.RuleId == "hardening.pie");
        Assert.Equal(("hardening[1]", PolicyLevel.Error), (pie.PolicyRule, pie.Level));
        var canary = found.Single(v => v.RuleId == "hardening.canary");
        Assert.Equal(("hardening[0]", PolicyLevel.Warning), (canary.PolicyRule, canary.Level));
    }

    [Fact]
    public void Rule_at_level_off_reports_nothing()
    {
        Assert.Empty(Run(Binary("/bin/a") with { Pie = "no" }, Rule("h", PolicyLevel.Off, ["/**"], [HardeningProperty.Pie])));
    }
}
