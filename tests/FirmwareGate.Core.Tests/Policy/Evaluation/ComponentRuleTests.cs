using FirmwareGate.Core.Policy;
using static FirmwareGate.Core.Tests.Policy.Evaluation.Facts;

namespace FirmwareGate.Core.Tests.Policy.Evaluation;

public sealed class ComponentRuleTests
{
    private static ComponentDenyRule Deny(string name, string? versions, PolicyLevel level = PolicyLevel.Error, string? reason = null, int line = 0) => new()
    {
        Id = $"components.deny[{line}]",
        Name = name,
        Versions = versions is null ? null : VersionRange.TryParse(versions, out _),
        Reason = reason,
        Level = level,
        Position = line > 0 ? new SourcePosition(line, 5) : null,
    };

    private static ComponentMinimumRule Minimum(string name, string min, bool unknownFails = true, PolicyLevel level = PolicyLevel.Error) =>
        new() { Id = "components.require[0]", Name = name, MinVersion = min, UnknownFails = unknownFails, Level = level };

    private static IReadOnlyList<Violation> Run(ComponentPolicy components, params ComponentFact[] facts) =>
        Evaluate(new PolicyDocument { Components = components }, Image(components: facts)).Violations;

    [Fact]
    public void Denied_name_and_version_range_gives_a_component_violation()
    {
        var openssl = Component("openssl", "1.1.1k");
        var v = Assert.Single(Run(new ComponentPolicy { Deny = [Deny("OpenSSL", ">= 1.1.0, < 1.1.1w", reason: "end of life", line: 30)] }, openssl, Component("openssl-tools", "1.1.1k")));
        Assert.Equal((ViolationKind.Component, "component.denied", "openssl@1.1.1k"), (v.Kind, v.RuleId, v.Ref));
        Assert.Equal(PolicyFingerprints.Component("component.denied", "pkg:generic/openssl"), v.Fingerprint);
        Assert.Equal((openssl.Location, openssl.Path), (v.Location, v.Path));
        Assert.Contains("openssl 1.1.1k", v.Message, StringComparison.Ordinal);
        Assert.Contains("end of life", v.Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition(30, 5), v.PolicyPosition);
    }

    [Fact]
    public void A_version_outside_the_range_is_not_denied_and_no_range_denies_every_version()
    {
        Assert.Empty(Run(new ComponentPolicy { Deny = [Deny("openssl", "< 1.1.1w")] }, Component("openssl", "3.0.11")));
        Assert.Single(Run(new ComponentPolicy { Deny = [Deny("telnetd", null)] }, Component("telnetd", null)));
        Assert.Single(Run(new ComponentPolicy { Deny = [Deny("busybox*", "*")] }, Component("busybox-telnetd", "1.35.0")));
    }

    [Fact]
    public void An_unknown_version_the_range_cannot_place_is_denied_saying_version_unknown()
    {
        var v = Assert.Single(Run(new ComponentPolicy { Deny = [Deny("dropbear", "< 2022.83")] }, Component("dropbear", null)));
        Assert.Contains("version unknown", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_deny_rules_give_the_strongest_level()
    {
        var v = Assert.Single(Run(new ComponentPolicy { Deny = [Deny("zlib", "*", PolicyLevel.Warning, line: 3), Deny("zlib", "< 1.3", PolicyLevel.Error, line: 7)] }, Component("zlib", "1.2.13")));
        Assert.Equal((PolicyLevel.Error, "components.deny[7]"), (v.Level, v.PolicyRule));
    }

    [Fact]
    public void Minimum_version_compares_versions_not_strings()
    {
        var rule = new ComponentPolicy { Require = [Minimum("busybox", "1.36.1")] };
        var old = Assert.Single(Run(rule, Component("busybox", "1.35.0")));
        Assert.Equal(("component.min-version", PolicyLevel.Error), (old.RuleId, old.Level));
        Assert.Contains("1.36.1", old.Message, StringComparison.Ordinal);
        Assert.Empty(Run(rule, Component("busybox", "1.36.10")));
        Assert.Empty(Run(rule, Component("busybox", "1.36.1")));
        Assert.Empty(Run(rule, Component("dropbear", "2019.78")));
    }

    [Fact]
    public void Minimum_version_with_an_unknown_version_fails_unless_the_rule_accepts_it()
    {
        var v = Assert.Single(Run(new ComponentPolicy { Require = [Minimum("busybox", "1.36.1")] }, Component("busybox", null)));
        Assert.Contains("version unknown", v.Message, StringComparison.Ordinal);
        Assert.Empty(Run(new ComponentPolicy { Require = [Minimum("busybox", "1.36.1", unknownFails: false)] }, Component("busybox", null)));
    }

    [Fact]
    public void Licence_globs_match_each_id_of_an_spdx_expression_case_insensitively()
    {
        var rule = new ComponentPolicy { DenyLicenses = [new LicenseDenyRule { Id = "components.licenses", Licenses = ["GPL-3.0-*", "agpl-*"], Level = PolicyLevel.Error }] };
        var v = Assert.Single(Run(rule, Component("samba", "4.17", "(LGPL-3.0-or-later OR gpl-3.0-or-later) AND MIT"), Component("zlib", "1.2.13", "Zlib"), Component("busybox", "1.35.0", "GPL-2.0-only")));
        Assert.Equal(("component.license", "samba@4.17"), (v.RuleId, v.Ref));
        Assert.Contains("gpl-3.0-or-later", v.Message, StringComparison.Ordinal);
        Assert.Single(Run(rule, Component("x", "1", "MIT", "AGPL-3.0-only")));

        // An exception after WITH is not a licence.
        Assert.Empty(Run(rule, Component("y", "1", "GPL-2.0-only WITH GPL-3.0-linking-exception")));
    }

    [Fact]
    public void One_component_can_break_several_component_rules()
    {
        var policy = new ComponentPolicy
        {
            Deny = [Deny("busybox", "< 1.36")],
            Require = [Minimum("busybox", "1.36.1", level: PolicyLevel.Warning)],
            DenyLicenses = [new LicenseDenyRule { Id = "components.licenses", Licenses = ["GPL-2.0-*"], Level = PolicyLevel.Note }],
        };
        var found = Run(policy, Component("busybox", "1.35.0", "GPL-2.0-only"));
        Assert.Equal([("component.denied", PolicyLevel.Error), ("component.min-version", PolicyLevel.Warning), ("component.license", PolicyLevel.Note)], found.Select(v => (v.RuleId, v.Level)));
    }
}
