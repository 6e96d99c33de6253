using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Matching;

namespace FirmwareGate.Core.Tests.Reports.Gate;

/// <summary>
/// The sample image scanned with the sample vulnerability records, and a policy outcome built by hand over its real
/// findings and vulnerabilities: failing errors, waived ones (one with a VEX analysis), a warning, a built-in note,
/// expired and stale waivers, uncovered findings. Shared by the report tests of one class.
/// </summary>
public sealed class SampleGate : IDisposable
{
    public const string ToolVersion = "1.2.3";

    public static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public SampleGate()
    {
        Scan = new ScanPipeline().RunAsync(
            new ScanOptions
            {
                ImagePath = Path.Combine(TestPaths.RepoRoot, "samples", "router-sample.trx"),
                Database = Path.Combine(TestPaths.RepoRoot, "samples", "vulndb"),
                Now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            },
            CancellationToken.None).GetAwaiter().GetResult();
        Facts = ScanFacts.FromScan(Scan);
    }

    public ScanResult Scan { get; }

    public ScanFacts Facts { get; }

    public static Waiver TelnetWaiver { get; } = new()
    {
        Id = "waivers[0]",
        Position = new SourcePosition(30, 5),
        Rule = "config.telnetd_enabled",
        Reason = "telnet is disabled by the factory script before shipping",
        Owner = "platform-team",
        Expires = new DateOnly(2027, 1, 31),
    };

    public static Waiver ZlibWaiver { get; } = new()
    {
        Id = "waivers[1]",
        Position = new SourcePosition(35, 5),
        Cve = "CVE-2023-45853",
        Reason = "minizip is not built",
        Owner = "security@example.com",
        Expires = new DateOnly(2027, 3, 1),
        Analysis = new VexAnalysis("not_affected", "code_not_present", ["will_not_fix"], null),
    };

    public static Waiver ExpiredWaiver { get; } = new()
    {
        Id = "waivers[2]",
        Position = new SourcePosition(42, 5),
        Cve = "CVE-2022-28391",
        Reason = "old exception",
        Owner = "alice",
        Expires = new DateOnly(2026, 1, 31),
    };

    public static Waiver StaleWaiver { get; } = new()
    {
        Id = "waivers[3]",
        Position = new SourcePosition(47, 5),
        Rule = "cert.expired",
        Reason = "nothing left to waive",
        Owner = "bob",
        Expires = new DateOnly(2027, 12, 31),
    };

    /// <summary>The outcome under a policy file at <paramref name="policyFile"/>.</summary>
    public PolicyOutcome Outcome(string? policyFile = "policies/firmwaregate.yml", bool baseline = false, IEnumerable<Violation>? extra = null)
    {
        var findings = Facts.Findings.ToDictionary(f => f.RuleId, StringComparer.Ordinal);
        var violations = new List<Violation>
        {
            FindingViolation(findings["account.default-password"], PolicyLevel.Error, "accounts.default-password", new SourcePosition(12, 3)) with { Fails = true, InBaseline = baseline },
            FindingViolation(findings["key.private-unencrypted"], PolicyLevel.Error, "private-keys.unencrypted", new SourcePosition(10, 3)) with { Fails = !baseline, InBaseline = baseline },
            FindingViolation(findings["config.telnetd_enabled"], PolicyLevel.Error, "config[config.telnetd_enabled]", new SourcePosition(20, 3)) with { WaivedBy = TelnetWaiver },
            VulnerabilityViolation("CVE-2022-48174", "busybox@1.35.0", PolicyLevel.Error, "vulnerabilities.severity.critical", new SourcePosition(5, 15)) with { Fails = true },
            VulnerabilityViolation("CVE-2022-28391", "busybox@1.35.0", PolicyLevel.Error, "vulnerabilities.severity.high", new SourcePosition(6, 11)) with { Fails = true },
            VulnerabilityViolation("CVE-2023-45853", "zlib@1.2.13", PolicyLevel.Error, "vulnerabilities.severity.critical", new SourcePosition(5, 15)) with { WaivedBy = ZlibWaiver },
            FindingViolation(findings["cert.self-signed-leaf"], PolicyLevel.Warning, "certificates.self-signed-leaf", new SourcePosition(16, 3)),
            HardeningViolation(Facts.Binaries[0], "hardening.pie", PolicyLevel.Warning),
            new Violation
            {
                Kind = ViolationKind.Database,
                RuleId = "database.age",
                Ref = "samples/vulndb",
                Fingerprint = PolicyFingerprints.Image("database.age"),
                Message = "the vulnerability database is 152 days old (the policy allows 7)",
                Location = Facts.ImageName,
                Level = PolicyLevel.Note,
                PolicyRule = "default.database.max-age-days",
            },
        };
        violations.AddRange(extra ?? []);
        var covered = violations.Select(v => v.Fingerprint).ToHashSet(StringComparer.Ordinal);
        return new PolicyOutcome
        {
            PolicyFile = policyFile,
            Verdict = violations.Any(v => v.Fails) ? PolicyVerdict.Fail : PolicyVerdict.Pass,
            Violations = [.. violations.OrderByDescending(v => v.Level).ThenBy(v => v.RuleId, StringComparer.Ordinal).ThenBy(v => v.Location, StringComparer.Ordinal)],
            Uncovered = [.. Facts.Findings.Where(f => !covered.Contains(f.Fingerprint)).Select(f => f.Fingerprint)],
            Applied = [new WaiverUse(TelnetWaiver, [findings["config.telnetd_enabled"].Fingerprint]), new WaiverUse(ZlibWaiver, [Vulnerability("CVE-2023-45853").Fingerprint])],
            Expired = [ExpiredWaiver],
            Stale = [StaleWaiver],
            HasBaseline = baseline,
            EvaluatedAt = Now,
        };
    }

    public GateReport Report(PolicyOutcome? outcome = null, string? repositoryRoot = null)
    {
        outcome ??= Outcome();
        return new GateReport
        {
            Scan = Scan,
            Facts = Facts,
            Policy = new PolicyDocument { File = outcome.PolicyFile, IsDefault = outcome.PolicyFile is null, Waivers = [TelnetWaiver, ZlibWaiver, ExpiredWaiver, StaleWaiver] },
            Outcome = outcome,
            ToolVersion = ToolVersion,
            RepositoryRoot = repositoryRoot,
        };
    }

    public VulnerabilityFact Vulnerability(string id) => Facts.Vulnerabilities.First(v => v.Id == id);

    public static Violation FindingViolation(Finding f, PolicyLevel level, string rule, SourcePosition? position) => new()
    {
        Kind = ViolationKind.Finding,
        RuleId = f.RuleId,
        Ref = f.Fingerprint,
        Fingerprint = f.Fingerprint,
        Message = f.Message,
        Location = f.Location,
        Path = f.Path,
        Severity = f.Severity,
        Level = level,
        PolicyRule = rule,
        PolicyPosition = position,
    };

    public Violation VulnerabilityViolation(string id, string componentRef, PolicyLevel level, string rule, SourcePosition? position)
    {
        var v = Facts.Vulnerabilities.Single(x => x.Id == id && x.ComponentRef == componentRef);
        return new Violation
        {
            Kind = ViolationKind.Vulnerability,
            RuleId = id,
            Ref = id + "@" + componentRef,
            Fingerprint = v.Fingerprint,
            Message = $"{id} ({v.Severity}) affects {v.ComponentName} {v.ComponentVersion}",
            Location = v.Location,
            Path = v.Path,
            Severity = v.Severity switch { "critical" => Severity.Critical, "high" => Severity.High, "medium" => Severity.Medium, _ => Severity.Low },
            Level = level,
            PolicyRule = rule,
            PolicyPosition = position,
        };
    }

    public static Violation HardeningViolation(BinaryFact b, string ruleId, PolicyLevel level) => new()
    {
        Kind = ViolationKind.Hardening,
        RuleId = ruleId,
        Ref = b.Path,
        Fingerprint = PolicyFingerprints.Hardening(ruleId, b.Location),
        Message = $"{b.Path} is not position-independent",
        Location = b.Location,
        Path = b.Path,
        Level = level,
        PolicyRule = "hardening[0]",
        PolicyPosition = new SourcePosition(25, 5),
    };

    public void Dispose() => Scan.Dispose();
}
