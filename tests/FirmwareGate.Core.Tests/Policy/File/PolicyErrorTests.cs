using FirmwareGate.Core.Policy;
using static FirmwareGate.Core.Tests.Policy.File.PolicyText;

namespace FirmwareGate.Core.Tests.Policy.File;

public sealed class PolicyErrorTests
{
    [Fact]
    public void An_unknown_key_lists_the_known_ones_and_suggests_the_nearest()
    {
        const string Yaml = "version: 1\nvulnerabilities:\n  known-exploted: error\n";
        PolicyError e = Error(Yaml);
        Assert.Equal("policy.yml", e.File);
        Assert.Equal(new SourcePosition(3, 3), e.Position);
        Assert.Contains("unknown key 'known-exploted' in vulnerabilities", e.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'known-exploited'?", e.Message, StringComparison.Ordinal);
        Assert.Contains("severity, unrated, cvss, known-exploited, epss, undecidable, unconfirmed", e.Message, StringComparison.Ordinal);
        Assert.Equal("policy.yml(3,3): error: " + e.Message, e.ToString());
    }

    [Fact]
    public void An_unknown_top_level_section_is_an_error()
    {
        PolicyError e = Error("version: 1\nsecrets: error\n");
        Assert.Equal(new SourcePosition(2, 1), e.Position);
        Assert.Contains("unknown key 'secrets' in the policy", e.Message, StringComparison.Ordinal);
        Assert.Contains("waivers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_level_names_the_accepted_ones()
    {
        const string Yaml = "version: 1\ncertificates:\n  expired: fatal\n";
        PolicyError e = Error(Yaml);
        Assert.Equal(At(Yaml, "fatal"), e.Position);
        Assert.Equal("certificates.expired: 'fatal' is not a level; use error, warning, note or off", e.Message);
    }

    [Fact]
    public void Levels_are_case_sensitive()
    {
        Assert.Contains("is not a level", Error("version: 1\nfindings:\n  high: Error\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_type_says_what_was_found()
    {
        const string Yaml = "version: 1\nvulnerabilities:\n  cvss: { min: \"7\", level: error }\nhardening: { paths: [/bin/*] }\n";
        IReadOnlyList<PolicyError> errors = Errors(Yaml);
        Assert.Equal(2, errors.Count);
        Assert.Equal(At(Yaml, "\"7\""), errors[0].Position);
        Assert.Equal("vulnerabilities.cvss.min must be a number from 0 to 10, not the text '7'", errors[0].Message);
        Assert.Equal(At(Yaml, "{ paths"), errors[1].Position);
        Assert.Equal("hardening must be a list ('- item' lines or [a, b]), not a mapping", errors[1].Message);
    }

    [Fact]
    public void A_number_out_of_range_is_an_error()
    {
        const string Yaml = "version: 1\nvulnerabilities:\n  epss: { min: 1.5, level: error }\n";
        PolicyError e = Error(Yaml);
        Assert.Equal(At(Yaml, "1.5"), e.Position);
        Assert.Contains("from 0 to 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_threshold_rule_needs_its_parameter()
    {
        const string Yaml = "version: 1\ncompleteness:\n  max-unknown: warning\n";
        PolicyError e = Error(Yaml);
        Assert.Equal(At(Yaml, "warning"), e.Position);
        Assert.Contains("completeness.max-unknown must be a mapping with level and share", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_glob_is_located_at_the_glob()
    {
        const string Yaml = "version: 1\nhardening:\n  - paths: [\"/usr/bin/[ab]*\", \"/usr/sbin/[x\"]\n    require: [nx]\n    level: error\n";
        PolicyError e = Error(Yaml);
        Assert.Equal(At(Yaml, "\"/usr/sbin/[x\""), e.Position);
        Assert.Contains("hardening[0].paths", e.Message, StringComparison.Ordinal);
        Assert.Contains("is not closed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_path_glob_is_an_error()
    {
        const string Yaml = "version: 1\nhardening:\n  - paths: [usr/bin/*]\n    require: [nx]\n    level: error\n";
        PolicyError e = Error(Yaml);
        Assert.Equal(At(Yaml, "usr/bin/*"), e.Position);
        Assert.Contains("must start with '/' or '**'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_version_range_is_an_error()
    {
        const string Yaml = "version: 1\ncomponents:\n  deny:\n    - name: openssl\n      versions: \"<= , 1.1\"\n      level: error\n";
        PolicyError e = Error(Yaml);
        Assert.Equal(At(Yaml, "\"<= , 1.1\""), e.Position);
        Assert.StartsWith("components.deny[0].versions: '<= , 1.1' is not a version range: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_rule_id_lists_the_closest_known_ids()
    {
        const string Yaml = "version: 1\nconfig:\n  config.telnet_enabled: error\n  \"nosuch.*\": warning\n";
        IReadOnlyList<PolicyError> errors = Errors(Yaml);
        Assert.Equal(2, errors.Count);
        Assert.Equal(new SourcePosition(3, 3), errors[0].Position);
        Assert.StartsWith("config: unknown rule id 'config.telnet_enabled' (known: config.telnetd_enabled,", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition(4, 3), errors[1].Position);
        Assert.StartsWith("config: the glob 'nosuch.*' matches no rule id", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_cannot_set_rules_the_policy_itself_reports()
    {
        PolicyError e = Error("version: 1\nconfig:\n  hardening.pie: error\n");
        Assert.Contains("unknown rule id 'hardening.pie'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_rule_id_from_two_sections_is_an_error()
    {
        const string Yaml = "version: 1\ncertificates:\n  expired: error\nconfig:\n  cert.expired: warning\n";
        PolicyError e = Error(Yaml);
        Assert.Equal(new SourcePosition(5, 3), e.Position);
        Assert.Equal("config[cert.expired]: 'cert.expired' is already given by certificates.expired (line 3); give each rule id one level", e.Message);
    }

    [Fact]
    public void A_waiver_without_reason_owner_and_expiry_says_each()
    {
        const string Yaml = "version: 1\nwaivers:\n  - cve: CVE-2023-45853\n";
        IReadOnlyList<PolicyError> errors = Errors(Yaml);
        Assert.Equal(["waivers[0] needs 'reason'", "waivers[0] needs 'owner'", "waivers[0] needs 'expires'"], errors.Select(e => e.Message));
        Assert.All(errors, e => Assert.Equal(At(Yaml, "cve:"), e.Position));
    }

    [Fact]
    public void A_waiver_must_say_what_it_covers()
    {
        PolicyError e = Error("version: 1\nwaivers:\n  - reason: r\n    owner: o\n    expires: 2030-01-01\n");
        Assert.Equal("waivers[0] must say what it covers: cve, rule, path or component (several narrow it)", e.Message);
    }

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("2026-02-30")]
    [InlineData("31.01.2026")]
    [InlineData("20260131")]
    [InlineData("next year")]
    public void Expires_must_be_a_real_yyyy_mm_dd_date(string date)
    {
        string yaml = $"version: 1\nwaivers:\n  - rule: cert.expired\n    reason: r\n    owner: o\n    expires: {date}\n";
        PolicyError e = Error(yaml);
        Assert.Equal(At(yaml, date), e.Position);
        Assert.StartsWith("waivers[0].expires must be a date written YYYY-MM-DD (2027-01-31), not ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_justification_only_goes_with_not_affected()
    {
        const string Yaml = "version: 1\nwaivers:\n  - cve: CVE-2022-48174\n    reason: r\n    owner: o\n    expires: 2030-01-01\n    analysis: { state: exploitable, justification: code_not_reachable }\n";
        PolicyError e = Error(Yaml);
        Assert.Equal(At(Yaml, "code_not_reachable"), e.Position);
        Assert.Equal("waivers[0].analysis.justification goes with state not_affected (CycloneDX), not exploitable", e.Message);
    }

    [Fact]
    public void A_duplicate_key_names_the_first()
    {
        const string Yaml = "version: 1\nfindings:\n  high: error\n  medium: warning\n  high: note\n";
        PolicyError e = Error(Yaml);
        Assert.Equal(new SourcePosition(5, 3), e.Position);
        Assert.Equal("duplicate key 'high' (first at line 3); a key may appear once per mapping", e.Message);
    }

    [Theory]
    [InlineData("version: 2\n", "version must be 1 (the only policy format this FirmwareGate reads), not the number 2")]
    [InlineData("version: \"1\"\n", "version must be 1 (the only policy format this FirmwareGate reads), not '1'")]
    [InlineData("baseline: all\n", "missing 'version: 1' (the policy file format version) at the top of the policy")]
    public void The_version_is_required_and_must_be_1(string yaml, string message)
    {
        Assert.Equal(message, Error(yaml).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    public void An_empty_policy_is_an_error(string yaml)
    {
        Assert.StartsWith("the policy is empty", Error(yaml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_yaml_syntax_error_has_yamldotnet_s_position()
    {
        PolicyError e = Error("version: 1\nfindings:\n  high: error\n low: note\n");
        Assert.Equal("YAML syntax: While parsing a block mapping, did not find expected key.", e.Message);
        Assert.Equal(new SourcePosition(4, 2), e.Position);
        PolicyError quote = Error("version: 1\nfindings:\n  high: 'error\n");
        Assert.Equal(new SourcePosition(3, 9), quote.Position);
    }

    [Fact]
    public void An_unclosed_flow_list_is_a_syntax_error_not_a_crash()
    {
        PolicyError e = Error("version: 1\nfindings:\n  high: [error\n  low: note\n");
        Assert.StartsWith("YAML syntax: ", e.Message, StringComparison.Ordinal);
        Assert.InRange(e.Position.Line, 2, 4);
    }

    [Fact]
    public void A_tab_indented_policy_is_a_syntax_error_on_its_line()
    {
        PolicyError e = Error("version: 1\nfindings:\n\thigh: error\n");
        Assert.StartsWith("YAML syntax: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition(3, 1), e.Position);
    }

    [Fact]
    public void Two_documents_are_an_error()
    {
        const string Yaml = "version: 1\n---\nversion: 1\n";
        PolicyError e = Error(Yaml);
        Assert.Equal(2, e.Position.Line);
        Assert.StartsWith("a policy file holds one YAML document", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_are_refused_except_str()
    {
        Assert.StartsWith("YAML tags ('tag:yaml.org,2002:binary')", Errors("version: 1\nbaseline: !!binary YWxs\n")[0].Message, StringComparison.Ordinal);
        Assert.Equal(BaselineMode.All, PolicyLoader.Parse("version: 1\nbaseline: !!str all\n", "p.yml").Baseline);
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_in_file_order()
    {
        const string Yaml = """
            version: 1
            vulnerabilities:
              severity: { high: loud }
            hardening:
              - paths: [/bin/*]
                require: [pie, aslr]
                level: error
            accounts:
              root-login: error
            waivers:
              - cve: not a cve
                reason: r
                owner: o
                expires: 2030-01-01
            """;
        IReadOnlyList<PolicyError> errors = Errors(Yaml);
        Assert.Equal(
            [At(Yaml, "loud"), At(Yaml, "aslr"), At(Yaml, "root-login"), At(Yaml, "not a cve")],
            errors.Select(e => e.Position));
        Assert.Contains("'aslr' is not accepted; use nx, pie, relro, full-relro, canary, fortify, stripped, no-rpath, cet", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exception_message_is_the_first_error_and_the_count()
    {
        var e = Assert.Throws<PolicyException>(() => PolicyLoader.Parse("version: 1\nfindings:\n  high: a\n  low: b\n", "x.yml"));
        Assert.Equal(2, e.Errors.Count);
        Assert.Equal("x.yml(3,9): error: findings.high: 'a' is not a level; use error, warning, note or off (and 1 more)", e.Message);
    }
}
