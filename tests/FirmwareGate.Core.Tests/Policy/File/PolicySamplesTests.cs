using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Policy.File;

public sealed class PolicySamplesTests
{
    public static TheoryData<string> ShippedPolicies() => new(PolicyPaths());

    private static IReadOnlyList<string> PolicyPaths() =>
    [
        "samples/firmware-policy.yml",
        .. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "samples", "policies"), "*.yml")
            .Select(path => Path.GetRelativePath(TestPaths.RepoRoot, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(ShippedPolicies))]
    public void A_shipped_policy_is_valid_for_the_schema_and_the_loader(string relative)
    {
        string path = Path.Combine(TestPaths.RepoRoot, relative);
        Assert.Empty(PolicyYamlJson.SchemaErrors(System.IO.File.ReadAllText(path)));
        PolicyDocument document = PolicyLoader.Load(path);
        Assert.Equal(path, document.File);
        Assert.Empty(PolicyLoader.Check(path, new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_sample_policies_folder_has_the_release_report_only_and_new_only_policies()
    {
        Assert.Equal(
            ["samples/policies/new-only.yml", "samples/policies/report-only.yml", "samples/policies/router-release.yml"],
            PolicyPaths().Where(p => p.StartsWith("samples/policies/", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_starter_policy_is_valid_and_is_the_sample_byte_for_byte()
    {
        string starter = PolicyLoader.StarterPolicy;
        Assert.Empty(PolicyYamlJson.SchemaErrors(starter));
        Assert.Equal(PolicyDocument.CurrentVersion, PolicyLoader.Parse(starter, "firmware-policy.yml").Version);
        Assert.Equal(System.IO.File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "samples", "firmware-policy.yml")), System.Text.Encoding.UTF8.GetBytes(starter));
        Assert.StartsWith("# yaml-language-server: $schema=https://raw.githubusercontent.com/firmwaregate/firmwaregate/main/schemas/policy.schema.json\n", starter, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', starter);
    }

    [Fact]
    public void The_router_release_policy_waives_the_sample_s_known_cves_with_vex()
    {
        PolicyDocument d = PolicyLoader.Load(Path.Combine(TestPaths.RepoRoot, "samples", "policies", "router-release.yml"));
        Assert.Equal(["CVE-2022-48174", "CVE-2022-28391", "CVE-2023-45853"], d.Waivers.Select(w => w.Cve));
        Assert.Equal(["not_affected", "exploitable", "not_affected"], d.Waivers.Select(w => w.Analysis!.State));
        Assert.All(d.Waivers, w => Assert.Equal(new DateOnly(2027, 6, 30), w.Expires));
    }

    [Fact]
    public void The_strict_default_is_valid_for_the_schema_and_docs_show_it_in_full()
    {
        string text = PolicyLoader.StrictDefaultText;
        Assert.Empty(PolicyYamlJson.SchemaErrors(text));
        string docs = System.IO.File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "policy.md"));
        Assert.Contains("```yaml\n" + text + "```\n", docs, StringComparison.Ordinal);
    }

    [Fact]
    public void The_strict_default_is_strict_as_documented()
    {
        PolicyDocument d = PolicyLoader.StrictDefault;
        Assert.True(d.IsDefault);
        Assert.Null(d.File);
        var rules = new List<PolicyRule>();
        rules.AddRange(d.Vulnerabilities.Severity);
        rules.AddRange(new PolicyRule?[] { d.Vulnerabilities.KnownExploited, d.Vulnerabilities.Undecidable, d.Vulnerabilities.Unconfirmed, d.Completeness.Incomplete, d.Completeness.MaxUnknown, d.Database.MaxAgeDays, d.Database.Missing }.OfType<PolicyRule>());
        rules.AddRange(d.Hardening);
        rules.AddRange(d.Findings);
        rules.AddRange(d.FindingSeverities);
        Assert.All(rules, r => Assert.Null(r.Position));

        Assert.Equal(
            [(Severity.Critical, PolicyLevel.Error), (Severity.High, PolicyLevel.Error), (Severity.Medium, PolicyLevel.Warning), (Severity.Low, PolicyLevel.Note)],
            d.Vulnerabilities.Severity.Select(r => (r.Severity, r.Level)));
        Assert.Equal(PolicyLevel.Error, d.Vulnerabilities.KnownExploited!.Level);
        Assert.Equal((false, PolicyLevel.Warning), (d.Vulnerabilities.Undecidable!.AsAffected, d.Vulnerabilities.Undecidable.Level));
        Assert.Equal(PolicyLevel.Note, d.Vulnerabilities.Unconfirmed!.Level);

        Assert.Equal([HardeningProperty.Nx], d.Hardening[0].Require);
        Assert.Equal(PolicyLevel.Error, d.Hardening[0].Level);
        Assert.Equal([HardeningProperty.Pie, HardeningProperty.Relro], d.Hardening[1].Require);
        Assert.Equal(PolicyLevel.Warning, d.Hardening[1].Level);
        Assert.All(d.Hardening, h => Assert.Equal(["/bin/*", "/sbin/*", "/usr/bin/*", "/usr/sbin/*", "/usr/libexec/**"], h.Paths));
        Assert.All(d.Hardening, h => Assert.Equal(["executable"], h.Types));

        PolicyLevel LevelOf(string rule) => d.Findings.Single(f => f.RulePattern == rule).Level;
        Assert.Equal(PolicyLevel.Error, LevelOf("key.private-unencrypted"));
        Assert.Equal(PolicyLevel.Error, LevelOf("account.default-password"));
        Assert.Equal(PolicyLevel.Error, LevelOf("account.empty-password"));
        Assert.Equal(PolicyLevel.Error, LevelOf("account.extra-uid0"));
        Assert.Equal(PolicyLevel.Error, LevelOf("config.*"));
        Assert.Equal(PolicyLevel.Error, LevelOf("secret.*"));
        Assert.All(["cert.expired", "cert.not-yet-valid", "cert.weak-key", "cert.weak-signature", "cert.self-signed-leaf", "key.private-encrypted", "key.tls-key-pair", "key.published"],
            rule => Assert.Contains(d.Findings, f => f.RulePattern == rule));

        Assert.Equal(
            [(Severity.Critical, PolicyLevel.Error), (Severity.High, PolicyLevel.Error), (Severity.Medium, PolicyLevel.Warning), (Severity.Low, PolicyLevel.Note), (Severity.Info, PolicyLevel.Note)],
            d.FindingSeverities.Select(r => (r.Severity, r.Level)));
        Assert.Equal(PolicyLevel.Error, d.Completeness.Incomplete!.Level);
        Assert.Equal((0.10, PolicyLevel.Warning), (d.Completeness.MaxUnknown!.Min, d.Completeness.MaxUnknown.Level));
        Assert.Equal((7.0, PolicyLevel.Warning), (d.Database.MaxAgeDays!.Min, d.Database.MaxAgeDays.Level));
        Assert.Equal(PolicyLevel.Warning, d.Database.Missing!.Level);
        Assert.Empty(d.Waivers);
    }

    [Fact]
    public void Check_adds_waivers_past_their_expiry_at_now()
    {
        using var dir = new TempDir();
        string path = dir.Combine("p.yml");
        System.IO.File.WriteAllText(path, "version: 1\nwaivers:\n  - rule: cert.expired\n    reason: r\n    owner: o\n    expires: 2026-01-31\n  - cve: CVE-2023-45853\n    reason: r\n    owner: o\n    expires: 2026-03-01\n");
        Assert.Empty(PolicyLoader.Check(path, new DateTimeOffset(2026, 1, 31, 23, 59, 59, TimeSpan.Zero)));
        PolicyError e = Assert.Single(PolicyLoader.Check(path, new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal((path, new SourcePosition(3, 5)), (e.File, e.Position));
        Assert.StartsWith("waiver waivers[0] expired on 2026-01-31", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, PolicyLoader.Check(path, new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero)).Count);
        // Load does not judge expiry: an expired waiver is reported by the gate, it does not make the policy unusable.
        Assert.Equal(2, PolicyLoader.Load(path).Waivers.Count);
    }

    [Fact]
    public void Check_reports_expired_waivers_next_to_other_errors()
    {
        using var dir = new TempDir();
        string path = dir.Combine("p.yml");
        System.IO.File.WriteAllText(path, "version: 1\nfindings:\n  high: loud\nwaivers:\n  - rule: cert.expired\n    reason: r\n    owner: o\n    expires: 2020-01-01\n");
        Assert.Equal([3, 5], PolicyLoader.Check(path, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).Select(e => e.Position.Line));
    }

    [Fact]
    public void A_missing_file_is_a_policy_exception_naming_it()
    {
        string path = Path.Combine(Path.GetTempPath(), "fg-no-such-policy-" + Guid.NewGuid().ToString("n") + ".yml");
        var e = Assert.Throws<PolicyException>(() => PolicyLoader.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Throws<PolicyException>(() => PolicyLoader.Check(path, DateTimeOffset.UnixEpoch));
        using var dir = new TempDir();
        Assert.Contains(dir.Path, Assert.Throws<PolicyException>(() => PolicyLoader.Load(dir.Path)).Message, StringComparison.Ordinal);
    }
}
