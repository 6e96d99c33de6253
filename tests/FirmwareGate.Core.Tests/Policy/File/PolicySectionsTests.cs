using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using static FirmwareGate.Core.Tests.Policy.File.PolicyText;

namespace FirmwareGate.Core.Tests.Policy.File;

public sealed class PolicySectionsTests
{
    private const string Full = """
        version: 1
        baseline: new-only
        vulnerabilities:
          severity:
            critical: error
            high: { level: error }
            medium: warning
            none: off
          unrated: note
          cvss: { min: 7.5, level: error }
          known-exploited: error
          epss:
            min: 0.1
            level: warning
          undecidable: affected
          unconfirmed: note
        hardening:
          - paths: [/usr/sbin/*, /usr/libexec/**]
            except: [/usr/sbin/legacy-*]
            types: [executable]
            require: [pie, full-relro, canary]
            level: error
          - paths: ["/lib/**/*.so*"]
            require: [nx]
            level: warning
        certificates:
          expired: error
          self-signed-leaf: { level: warning, paths: [/etc/*.crt, /www/**] }
        private-keys:
          any: warning
          unencrypted: error
        accounts:
          extra-uid0: error
          weak-hash: { level: note, min-severity: medium }
        config:
          "secret.*": error
          Config.Telnetd_Enabled: warning
          fs.setuid: { level: off, paths: [/bin/busybox] }
        findings:
          high: error
          info: off
        components:
          deny:
            - name: telnetd
              reason: telnet sends passwords in clear
              level: error
            - name: "openssl*"
              versions: ">= 1.0, < 1.1.1w || 3.0.*"
              level: warning
          require:
            - name: dropbear
              min-version: 2022.83
              unknown: accept
              level: warning
          licenses:
            deny: [GPL-3.0-*, AGPL-*]
            level: error
        completeness:
          incomplete: warning
          max-unknown: { share: 0.05, level: warning }
          max-high-entropy: { share: 0.2, level: error }
        database:
          max-age-days: { days: 14, level: error }
          missing: note
        waivers:
          - cve: CVE-2023-45853
            component: zlib
            versions: "< 1.3.1"
            reason: minizip is not built
            owner: security@example.com
            expires: 2026-12-31
            analysis:
              state: not_affected
              justification: code_not_present
              response: [will_not_fix, update]
              detail: only the inflate path ships
          - rule: "hardening.*"
            path: /usr/sbin/vendord
            reason: vendor binary
            owner: platform
            expires: "2026-03-01"
        """;

    private static PolicyDocument Document => PolicyLoader.Parse(Full, "full.yml");

    [Fact]
    public void Top_level_fields_are_read()
    {
        PolicyDocument d = Document;
        Assert.Equal(1, d.Version);
        Assert.Equal("full.yml", d.File);
        Assert.False(d.IsDefault);
        Assert.Equal(BaselineMode.NewOnly, d.Baseline);
    }

    [Fact]
    public void Vulnerability_rules_have_ids_levels_and_key_positions()
    {
        VulnerabilityPolicy v = Document.Vulnerabilities;
        Assert.Equal(
            [("vulnerabilities.severity.critical", Severity.Critical, PolicyLevel.Error), ("vulnerabilities.severity.high", Severity.High, PolicyLevel.Error),
             ("vulnerabilities.severity.medium", Severity.Medium, PolicyLevel.Warning), ("vulnerabilities.severity.none", Severity.Info, PolicyLevel.Off)],
            v.Severity.Select(r => (r.Id, r.Severity, r.Level)));
        Assert.Equal(At(Full, "high: { level"), v.Severity[1].Position);
        Assert.Equal(("vulnerabilities.unrated", PolicyLevel.Note), (v.Unrated!.Id, v.Unrated.Level));
        Assert.Equal(("vulnerabilities.cvss", 7.5, PolicyLevel.Error, At(Full, "cvss:")), (v.Cvss!.Id, v.Cvss.Min, v.Cvss.Level, v.Cvss.Position));
        Assert.Equal(("vulnerabilities.known-exploited", PolicyLevel.Error), (v.KnownExploited!.Id, v.KnownExploited.Level));
        Assert.Equal(("vulnerabilities.epss", 0.1, PolicyLevel.Warning, At(Full, "epss:")), (v.Epss!.Id, v.Epss.Min, v.Epss.Level, v.Epss.Position));
        Assert.True(v.Undecidable!.AsAffected);
        Assert.Equal("vulnerabilities.undecidable", v.Undecidable.Id);
        Assert.Equal(("vulnerabilities.unconfirmed", PolicyLevel.Note), (v.Unconfirmed!.Id, v.Unconfirmed.Level));
    }

    [Fact]
    public void Hardening_rules_keep_their_globs_types_and_properties()
    {
        IReadOnlyList<HardeningRule> h = Document.Hardening;
        Assert.Equal(2, h.Count);
        Assert.Equal("hardening[0]", h[0].Id);
        Assert.Equal(At(Full, "paths: [/usr/sbin"), h[0].Position);
        Assert.Equal(["/usr/sbin/*", "/usr/libexec/**"], h[0].Paths);
        Assert.Equal(["/usr/sbin/legacy-*"], h[0].Except);
        Assert.Equal(["executable"], h[0].Types);
        Assert.Equal([HardeningProperty.Pie, HardeningProperty.FullRelro, HardeningProperty.Canary], h[0].Require);
        Assert.Equal(PolicyLevel.Error, h[0].Level);
        Assert.Equal(("hardening[1]", PolicyLevel.Warning), (h[1].Id, h[1].Level));
        Assert.Equal(["/lib/**/*.so*"], h[1].Paths);
        Assert.Empty(h[1].Types);
    }

    [Fact]
    public void Finding_rules_map_sections_to_check_rule_ids_exact_ids_first()
    {
        var rules = Document.Findings.Select(r => (r.Id, r.RulePattern, r.PathGlob, r.Level, r.MinSeverity)).ToList();
        Assert.Equal(
            [
                ("certificates.expired", "cert.expired", null, PolicyLevel.Error, null),
                ("certificates.self-signed-leaf", "cert.self-signed-leaf", "/etc/*.crt", PolicyLevel.Warning, null),
                ("certificates.self-signed-leaf", "cert.self-signed-leaf", "/www/**", PolicyLevel.Warning, null),
                ("private-keys.unencrypted", "key.private-unencrypted", null, PolicyLevel.Error, null),
                ("accounts.extra-uid0", "account.extra-uid0", null, PolicyLevel.Error, null),
                ("accounts.weak-hash", "account.weak-hash", null, PolicyLevel.Note, (Severity?)Severity.Medium),
                ("config[Config.Telnetd_Enabled]", "config.telnetd_enabled", null, PolicyLevel.Warning, null),
                ("config[fs.setuid]", "fs.setuid", "/bin/busybox", PolicyLevel.Off, null),
                ("private-keys.any", "key.private-*", null, PolicyLevel.Warning, null),
                ("config[secret.*]", "secret.*", null, PolicyLevel.Error, null),
            ],
            rules);
        Assert.Equal(At(Full, "any: warning"), Document.Findings.Single(r => r.Id == "private-keys.any").Position);
        Assert.Equal(At(Full, "\"secret.*\""), Document.Findings.Single(r => r.Id == "config[secret.*]").Position);
        Assert.Equal(
            [("findings.high", Severity.High, PolicyLevel.Error), ("findings.info", Severity.Info, PolicyLevel.Off)],
            Document.FindingSeverities.Select(r => (r.Id, r.Severity, r.Level)));
    }

    [Fact]
    public void Component_rules_parse_names_ranges_and_licences()
    {
        ComponentPolicy c = Document.Components;
        Assert.Equal(2, c.Deny.Count);
        Assert.Equal(("components.deny[0]", "telnetd", null, "telnet sends passwords in clear", PolicyLevel.Error), (c.Deny[0].Id, c.Deny[0].Name, c.Deny[0].Versions, c.Deny[0].Reason, c.Deny[0].Level));
        Assert.Equal(At(Full, "name: telnetd"), c.Deny[0].Position);
        VersionRange range = c.Deny[1].Versions!;
        Assert.Equal(">= 1.0, < 1.1.1w || 3.0.*", range.Text);
        Assert.True(range.Contains("1.1.1k"));
        Assert.False(range.Contains("1.1.1w"));
        Assert.True(range.Contains("3.0.12"));
        ComponentMinimumRule require = Assert.Single(c.Require);
        Assert.Equal(("components.require[0]", "dropbear", "2022.83", false, PolicyLevel.Warning), (require.Id, require.Name, require.MinVersion, require.UnknownFails, require.Level));
        LicenseDenyRule licenses = Assert.Single(c.DenyLicenses);
        Assert.Equal(("components.licenses", PolicyLevel.Error), (licenses.Id, licenses.Level));
        Assert.Equal(["GPL-3.0-*", "AGPL-*"], licenses.Licenses);
    }

    [Fact]
    public void Completeness_and_database_rules_parse_thresholds()
    {
        PolicyDocument d = Document;
        Assert.Equal(("completeness.incomplete", PolicyLevel.Warning), (d.Completeness.Incomplete!.Id, d.Completeness.Incomplete.Level));
        Assert.Equal(("completeness.max-unknown", 0.05, PolicyLevel.Warning), (d.Completeness.MaxUnknown!.Id, d.Completeness.MaxUnknown.Min, d.Completeness.MaxUnknown.Level));
        Assert.Equal(("completeness.max-high-entropy", 0.2, PolicyLevel.Error), (d.Completeness.MaxHighEntropy!.Id, d.Completeness.MaxHighEntropy.Min, d.Completeness.MaxHighEntropy.Level));
        Assert.Equal(("database.max-age-days", 14.0, PolicyLevel.Error, At(Full, "max-age-days")), (d.Database.MaxAgeDays!.Id, d.Database.MaxAgeDays.Min, d.Database.MaxAgeDays.Level, d.Database.MaxAgeDays.Position));
        Assert.Equal(("database.missing", PolicyLevel.Note), (d.Database.Missing!.Id, d.Database.Missing.Level));
    }

    [Fact]
    public void Waivers_keep_what_they_cover_and_their_vex_analysis()
    {
        IReadOnlyList<Waiver> w = Document.Waivers;
        Assert.Equal(2, w.Count);
        Assert.Equal(("waivers[0]", "CVE-2023-45853", "zlib", "< 1.3.1"), (w[0].Id, w[0].Cve, w[0].Component, w[0].Versions?.Text));
        Assert.Equal(At(Full, "cve: CVE-2023-45853"), w[0].Position);
        Assert.Equal(("minizip is not built", "security@example.com", new DateOnly(2026, 12, 31)), (w[0].Reason, w[0].Owner, w[0].Expires));
        VexAnalysis analysis = w[0].Analysis!;
        Assert.Equal(("not_affected", "code_not_present", "only the inflate path ships"), (analysis.State, analysis.Justification, analysis.Detail));
        Assert.Equal(["will_not_fix", "update"], analysis.Responses);
        Assert.Equal(("waivers[1]", "hardening.*", "/usr/sbin/vendord", new DateOnly(2026, 3, 1)), (w[1].Id, w[1].Rule, w[1].Path, w[1].Expires));
        Assert.Null(w[1].Analysis);
    }

    [Fact]
    public void A_waiver_rule_written_in_another_case_is_the_catalogue_id()
    {
        const string Yaml = "version: 1\nwaivers:\n  - rule: Cert.Expired\n    reason: r\n    owner: o\n    expires: 2030-01-01\n";
        Assert.Equal("cert.expired", Assert.Single(PolicyLoader.Parse(Yaml, "p.yml").Waivers).Rule);
    }

    [Fact]
    public void A_minimal_policy_has_no_rules()
    {
        PolicyDocument d = PolicyLoader.Parse("version: 1\n", "min.yml");
        Assert.Empty(d.Findings);
        Assert.Empty(d.Hardening);
        Assert.Null(d.Vulnerabilities.KnownExploited);
        Assert.Equal(BaselineMode.All, d.Baseline);
    }

    [Fact]
    public void Undecidable_takes_a_level_too()
    {
        UndecidableRule rule = PolicyLoader.Parse("version: 1\nvulnerabilities:\n  undecidable: error\n", "p.yml").Vulnerabilities.Undecidable!;
        Assert.False(rule.AsAffected);
        Assert.Equal(PolicyLevel.Error, rule.Level);
    }

    [Fact]
    public void Aliases_reuse_an_anchored_list()
    {
        const string Yaml = """
            version: 1
            hardening:
              - paths: &system [/bin/*, /usr/bin/*]
                require: [nx]
                level: error
              - paths: *system
                require: [pie]
                level: warning
            """;
        PolicyDocument d = PolicyLoader.Parse(Yaml, "p.yml");
        Assert.Equal(["/bin/*", "/usr/bin/*"], d.Hardening[1].Paths);
    }
}
