using System.Text.Json;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Policy.Evaluation;

/// <summary>
/// Facts of real scans (the sample against samples/vulndb, the corpus images) equal what the JSON report says,
/// and the strict default judges them as their planted weaknesses (corpus manifests, samples/make-sample.sh) say.
/// </summary>
public sealed class StrictDefaultOnRealImagesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string VulnDb = Path.Combine(TestPaths.RepoRoot, "samples", "vulndb");

    // Strict default hardening paths (docs/policy.md): planted binaries under these are judged, the others not.
    private static readonly string[] CoveredFolders = ["/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/"];

    private static async Task<ScanResult> ScanAsync(string image) =>
        await new ScanPipeline().RunAsync(new ScanOptions { ImagePath = image, Now = Now, Database = VulnDb }, CancellationToken.None);

    [Fact]
    public async Task Sample_facts_equal_the_json_report()
    {
        using var result = await ScanAsync(Path.Combine(TestPaths.RepoRoot, "samples", "router-sample.trx"));
        var facts = ScanFacts.FromScan(result);
        using var report = JsonDocument.Parse(JsonReportWriter.ToJson(result, "0.0.0-test"));
        var root = report.RootElement;

        Assert.Equal(root.GetProperty("image").GetProperty("name").GetString(), facts.ImageName);
        Assert.Equal(root.GetProperty("image").GetProperty("sha256").GetString(), facts.ImageSha256);
        Assert.Equal(root.GetProperty("scannedAt").GetString(), facts.ScannedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(root.GetProperty("coverage").GetProperty("unknown").GetInt64(), facts.Coverage!.Unknown);
        Assert.Equal(root.GetProperty("coverage").GetProperty("bytes").GetInt64(), facts.Coverage.Bytes);
        Assert.Equal(root.GetProperty("analysis").GetProperty("complete").GetBoolean(), facts.Complete);

        var components = root.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(components.Select(c => c.GetProperty("bomRef").GetString()).Order(StringComparer.Ordinal), facts.Components.Select(c => c.BomRef));
        foreach (var c in components)
        {
            var fact = facts.Components.Single(f => f.BomRef == c.GetProperty("bomRef").GetString());
            Assert.Equal((c.GetProperty("name").GetString(), c.GetProperty("version").GetString(), c.GetProperty("purl").GetString()), (fact.Name, fact.Version, fact.Purl));
            Assert.Equal(c.GetProperty("evidence")[0].GetProperty("location").GetString(), fact.Location);
        }

        var binaries = root.GetProperty("binaries").EnumerateArray().ToList();
        Assert.Equal(binaries.Count, facts.Binaries.Count);
        foreach (var (b, fact) in binaries.Zip(facts.Binaries))
        {
            Assert.Equal((b.GetProperty("path").GetString(), b.GetProperty("location").GetString(), b.GetProperty("arch").GetString()), (fact.Path, fact.Location, fact.Arch));
            Assert.Equal(b.GetProperty("pie").GetProperty("value").GetString(), fact.Pie);
            Assert.Equal(b.GetProperty("relro").GetProperty("value").GetString(), fact.Relro);
            Assert.Equal(b.GetProperty("nx").GetProperty("value").ValueKind == JsonValueKind.Null ? null : b.GetProperty("nx").GetProperty("value").GetBoolean(), fact.Nx);
            Assert.Equal(b.GetProperty("stripped").GetProperty("value").GetBoolean(), fact.Stripped);
            Assert.Equal(b.GetProperty("pie").GetProperty("value").GetString() == "dso" ? "shared-object" : "executable", fact.Type);
        }

        var vulnerabilities = root.GetProperty("vulnerabilities").EnumerateArray().ToList();
        Assert.Equal(
            vulnerabilities.Select(v => (v.GetProperty("id").GetString()!, v.GetProperty("componentRef").GetString()!, v.GetProperty("verdict").GetString()!, v.GetProperty("severity").GetString()!, v.GetProperty("knownExploited").GetBoolean())),
            facts.Vulnerabilities.Select(v => (v.Id, v.ComponentRef, v.Verdict, v.Severity, v.KnownExploited)));
        Assert.Contains(facts.Vulnerabilities, v => v.Id == "CVE-2023-45853" && v.ComponentName == "zlib" && v.ComponentVersion == "1.2.13" && v.Verdict == "affected");

        var findings = root.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("ruleId").GetString()!, f.GetProperty("path").GetString(), f.GetProperty("fingerprint").GetString()!));
        Assert.Equal(findings, facts.Findings.Select(f => (f.RuleId, f.Path, f.Fingerprint)));
        Assert.Equal(root.GetProperty("database").GetProperty("path").GetString(), facts.Database!.Path);
    }

    [Fact]
    public async Task Strict_default_fails_the_sample_on_its_known_weaknesses()
    {
        using var result = await ScanAsync(Path.Combine(TestPaths.RepoRoot, "samples", "router-sample.trx"));
        var outcome = PolicyEvaluator.Evaluate(PolicyLoader.StrictDefault, ScanFacts.FromScan(result), new EvaluationOptions { Now = Now });
        Assert.Equal((PolicyVerdict.Fail, 1), (outcome.Verdict, outcome.ExitCode));

        // .ci/run's sample assertions: a default root password, telnetd at boot, root password login over dropbear,
        // the web UI's unencrypted key, and the CVEs of busybox 1.35.0 and zlib 1.2.13.
        var errors = outcome.Failing.Select(v => (v.RuleId, v.Path)).ToHashSet();
        Assert.Contains(("account.default-password", "/etc/shadow"), errors);
        Assert.Contains(("config.telnetd_enabled", "/etc/inittab"), errors);
        Assert.Contains(("config.ssh_root_password_login", "/etc/config/dropbear"), errors);
        Assert.Contains(("key.private-unencrypted", "/etc/uhttpd.key"), errors);
        Assert.Contains(outcome.Failing, v => v.RuleId == "CVE-2022-48174" && v.Ref == "CVE-2022-48174@busybox@1.35.0");
        Assert.Contains(outcome.Failing, v => v.RuleId == "CVE-2023-45853" && v.Ref == "CVE-2023-45853@zlib@1.2.13");

        // The self-signed web certificate is a warning under the strict default.
        var selfSigned = Assert.Single(outcome.Violations, v => v.RuleId == "cert.self-signed-leaf");
        Assert.Equal((PolicyLevel.Warning, "/etc/uhttpd.crt", false), (selfSigned.Level, selfSigned.Path, selfSigned.Fails));
        Assert.Empty(outcome.Uncovered);
        Assert.DoesNotContain(outcome.Violations, v => v.RuleId.StartsWith("analysis.", StringComparison.Ordinal));
        Assert.All(outcome.Violations, v => Assert.DoesNotContain("Fg7sampl", v.Message, StringComparison.Ordinal));
    }

    [CorpusTheory]
    [MemberData(nameof(CorpusTests.Images), MemberType = typeof(CorpusTests))]
    public async Task Strict_default_judges_each_corpus_image_by_its_planted_weaknesses(string name)
    {
        using var manifest = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(TestPaths.Corpus, name + ".manifest.json")));
        var root = manifest.RootElement;
        using var result = await ScanAsync(Path.Combine(TestPaths.Corpus, root.GetProperty("image").GetProperty("file").GetString()!));
        var facts = ScanFacts.FromScan(result);
        var outcome = PolicyEvaluator.Evaluate(PolicyLoader.StrictDefault, facts, new EvaluationOptions { Now = Now });

        // Every image ships busybox 1.35.0, which NVD's CVE-2022-48174 (critical) affects: the gate fails.
        Assert.Contains(root.GetProperty("components").EnumerateArray(), c => c.GetProperty("name").GetString() == "busybox" && c.GetProperty("version").GetString() == "1.35.0");
        Assert.Equal((PolicyVerdict.Fail, 1), (outcome.Verdict, outcome.ExitCode));
        Assert.Contains(outcome.Failing, v => v.RuleId == "CVE-2022-48174");

        // Complete, and the unknown regions the manifest plants stay under the default's 10 % share.
        long unknown = root.GetProperty("expected_unknown_regions").EnumerateArray().Sum(r => r.GetProperty("size").GetInt64());
        Assert.True((double)unknown / root.GetProperty("image").GetProperty("size").GetInt64() < 0.10);
        Assert.DoesNotContain(outcome.Violations, v => v.RuleId.StartsWith("analysis.", StringComparison.Ordinal));
        Assert.Empty(outcome.Uncovered);

        var planted = root.GetProperty("planted");
        var byRuleAndPath = outcome.Violations.ToLookup(v => (v.RuleId, v.Path));
        AssertBinaries(planted, byRuleAndPath);
        AssertConfigs(planted, byRuleAndPath);
        AssertAccountsAndKeys(planted, outcome, byRuleAndPath);
    }

    private static void AssertBinaries(JsonElement planted, ILookup<(string, string?), Violation> found)
    {
        if (!planted.TryGetProperty("binaries", out var binaries))
        {
            return;
        }

        foreach (var b in binaries.EnumerateArray())
        {
            string path = b.GetProperty("path").GetString()!;
            var expected = b.GetProperty("expected");
            bool covered = CoveredFolders.Any(f => path.StartsWith(f, StringComparison.Ordinal) && path.LastIndexOf('/') == f.Length - 1) && !path.Contains(".so", StringComparison.Ordinal);
            bool noNx = !expected.GetProperty("nx").GetBoolean();
            bool noPie = !expected.GetProperty("pie").GetBoolean();
            bool noRelro = expected.GetProperty("relro").GetString() == "none";
            Assert.True(found[("hardening.nx", path)].Any() == (covered && noNx), $"{path}: hardening.nx");
            Assert.True(found[("hardening.pie", path)].Any() == (covered && noPie), $"{path}: hardening.pie");
            Assert.True(found[("hardening.relro", path)].Any() == (covered && noRelro), $"{path}: hardening.relro");
            Assert.All(found[("hardening.nx", path)], v => Assert.Equal(PolicyLevel.Error, v.Level));
            Assert.All(found[("hardening.pie", path)].Concat(found[("hardening.relro", path)]), v => Assert.Equal(PolicyLevel.Warning, v.Level));
        }
    }

    private static void AssertConfigs(JsonElement planted, ILookup<(string, string?), Violation> found)
    {
        if (!planted.TryGetProperty("configs", out var configs))
        {
            return;
        }

        foreach (var c in configs.EnumerateArray())
        {
            string id = c.GetProperty("id").GetString()!;
            string path = c.GetProperty("path").GetString()!;
            var matches = found[(id, path)].ToList();
            Assert.True(matches.Count > 0, $"{id} at {path} is not a violation");
            if (id.StartsWith("config.", StringComparison.Ordinal) || id.StartsWith("secret.", StringComparison.Ordinal))
            {
                Assert.All(matches, v => Assert.True(v.Fails, $"{id} at {path} must fail"));
            }
        }
    }

    private static void AssertAccountsAndKeys(JsonElement planted, PolicyOutcome outcome, ILookup<(string, string?), Violation> found)
    {
        if (!planted.TryGetProperty("accounts", out var plantedAccounts))
        {
            return;
        }

        var accounts = plantedAccounts.EnumerateArray().ToList();
        foreach (var a in accounts.Where(a => a.GetProperty("password_in_default_list").GetBoolean()))
        {
            Assert.Contains(found[("account.default-password", a.GetProperty("file").GetString())], v => v.Fails && v.Message.Contains($"'{a.GetProperty("user").GetString()}'", StringComparison.Ordinal));
        }

        foreach (var a in accounts.Where(a => a.TryGetProperty("uid", out var uid) && uid.GetInt32() == 0 && a.GetProperty("user").GetString() != "root"))
        {
            Assert.Contains(outcome.Failing, v => v.RuleId == "account.extra-uid0" && v.Message.Contains($"'{a.GetProperty("user").GetString()}'", StringComparison.Ordinal));
        }

        foreach (var a in accounts.Where(a => a.GetProperty("empty").GetBoolean() && !a.GetProperty("locked").GetBoolean()))
        {
            Assert.Contains(found[("account.empty-password", a.GetProperty("file").GetString())], v => v.Fails);
        }

        // No violation carries a cracked password (those that are not also a user name or a word of the messages' own wording).
        const string Wording = "account matches a common default password, stored in plaintext";
        var names = accounts.Select(a => a.GetProperty("user").GetString()!).Append(Wording).ToList();
        foreach (var password in accounts.Select(a => a.GetProperty("password")).Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!))
        {
            if (!names.Any(n => n.Contains(password, StringComparison.Ordinal)))
            {
                Assert.DoesNotContain(outcome.Violations, v => v.Message.Contains(password, StringComparison.Ordinal));
            }
        }

        foreach (var k in planted.GetProperty("private_keys").EnumerateArray().Where(k => !k.TryGetProperty("embedded", out var e) || e.ValueKind == JsonValueKind.Null))
        {
            string path = k.GetProperty("path").GetString()!;
            bool encrypted = k.GetProperty("encrypted").GetBoolean();
            var v = Assert.Single(found[(encrypted ? "key.private-encrypted" : "key.private-unencrypted", path)]);
            Assert.Equal(encrypted ? PolicyLevel.Warning : PolicyLevel.Error, v.Level);
        }
    }
}
