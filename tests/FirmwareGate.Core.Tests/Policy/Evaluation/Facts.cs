using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Tests.Policy.Evaluation;

/// <summary>Hand-made facts and policies for rule tests.</summary>
internal static class Facts
{
    public static readonly DateTimeOffset Scanned = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public static EvaluationOptions At(DateTimeOffset now, ScanFacts? baseline = null) => new() { Now = now, Baseline = baseline };

    public static EvaluationOptions Options => At(Scanned);

    public static ScanFacts Image(
        IReadOnlyList<VulnerabilityFact>? vulnerabilities = null,
        IReadOnlyList<BinaryFact>? binaries = null,
        IReadOnlyList<Finding>? findings = null,
        IReadOnlyList<ComponentFact>? components = null) => new()
        {
            ImageName = "fw.bin",
            ScannedAt = Scanned,
            Coverage = new CoverageFacts(1000, 0, 0),
            Vulnerabilities = vulnerabilities ?? [],
            Binaries = binaries ?? [],
            Findings = findings ?? [],
            Components = components ?? [],
            Database = new DatabaseFacts("/db/vuln.sqlite", Scanned.AddDays(-1)),
        };

    public static VulnerabilityFact Vuln(string id, string severity = "high", double? score = 7.5, string verdict = "affected", bool kev = false, double? epss = null, string component = "zlib", string? version = "1.2.13", IReadOnlyList<string>? aliases = null) => new()
    {
        Id = id,
        Aliases = aliases ?? [],
        ComponentRef = $"{component}@{version}",
        ComponentName = component,
        ComponentVersion = version,
        ComponentPurl = $"pkg:generic/{component}@{version}",
        Verdict = verdict,
        Severity = severity,
        Score = score,
        KnownExploited = kev,
        Epss = epss,
        Location = $"fw.bin@0x40:trx/squashfs(xz):/usr/lib/lib{component}.so",
        Path = $"/usr/lib/lib{component}.so",
    };

    /// <summary>A fully hardened ARM executable; change what a test needs.</summary>
    public static BinaryFact Binary(string path, string arch = "arm") => new()
    {
        Path = path,
        Location = "fw.bin@0x40:trx/squashfs(xz):" + path,
        Type = "executable",
        Arch = arch,
        Nx = true,
        Pie = "yes",
        Relro = "full",
        Canary = true,
        Fortify = true,
        Stripped = true,
        Cet = arch is "x86" or "x86-64" ? true : null,
    };

    public static Finding FindingOf(string ruleId, string path, Severity severity = Severity.High, string? key = null) =>
        FirmwareGate.Core.Checks.Finding.Of("fw.bin@0x40:trx/squashfs(xz):" + path, path, ruleId, severity, $"{ruleId} at {path}", key: key);

    public static ComponentFact Component(string name, string? version, params string[] licenses) => new()
    {
        BomRef = $"{name}@{version ?? "unknown"}",
        Name = name,
        Version = version,
        Purl = version is null ? null : $"pkg:generic/{name}@{version}",
        Licenses = licenses,
        Path = "/usr/bin/" + name,
        Location = "fw.bin@0x40:trx/squashfs(xz):/usr/bin/" + name,
    };

    public static SeverityRule BySeverity(Severity severity, PolicyLevel level, int line = 0) =>
        new() { Id = "vulnerabilities.severity." + SeverityNames.Of(severity), Severity = severity, Level = level, Position = Pos(line) };

    public static SimpleRule Simple(string id, PolicyLevel level, int line = 0) => new() { Id = id, Level = level, Position = Pos(line) };

    public static ThresholdRule Threshold(string id, double min, PolicyLevel level, int line = 0) => new() { Id = id, Min = min, Level = level, Position = Pos(line) };

    public static Waiver Waiver(string id, DateOnly? expires = null, string? cve = null, string? rule = null, string? path = null, string? component = null, string? versions = null) => new()
    {
        Id = id,
        Cve = cve,
        Rule = rule,
        Path = path,
        Component = component,
        Versions = versions is null ? null : VersionRange.TryParse(versions, out _),
        Reason = "accepted for the test",
        Owner = "security@example.com",
        Expires = expires ?? new DateOnly(2027, 1, 31),
    };

    public static PolicyOutcome Evaluate(PolicyDocument policy, ScanFacts facts, EvaluationOptions? options = null) =>
        PolicyEvaluator.Evaluate(policy, facts, options ?? Options);

    private static SourcePosition? Pos(int line) => line > 0 ? new SourcePosition(line, 3) : null;
}
