using System.Text.Json;
using FirmwareGate.Core.Tests.Security;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Gate;

/// <summary>Inputs and helpers of the gate's end-to-end tests: the sample image, its NVD records, policies written to a temp folder.</summary>
internal static class GateKit
{
    /// <summary>A fixed evaluation time, before every waiver's expiry in these tests unless a test says otherwise.</summary>
    public const string Now = "2026-06-01T00:00:00Z";

    public static string Sample { get; } = Path.Combine(TestPaths.RepoRoot, "samples", "router-sample.trx");

    public static string VulnDb { get; } = Path.Combine(TestPaths.RepoRoot, "samples", "vulndb");

    public static string Samples { get; } = Path.Combine(TestPaths.RepoRoot, "samples");

    /// <summary>The "after" image of the before/after pair; its "before" is the corpus image sysupgrade-armhf.zip.</summary>
    public static string PairAfter => TestPaths.Fixture(Path.Combine("Diff", "sysupgrade-armhf-v2.zip"));

    public static string PairBefore => Path.Combine(TestPaths.Corpus, "sysupgrade-armhf.zip");

    /// <summary>Everything at warning or note: reports what the sample has, never fails.</summary>
    public const string Permissive = """
        version: 1
        vulnerabilities:
          severity: { critical: warning, high: warning, medium: note, low: note }
          known-exploited: warning
        findings: { critical: warning, high: warning, medium: note, low: note }
        completeness:
          incomplete: warning
        """;

    public static Task<(int Code, string Stdout, string Stderr)> Run(params string[] args) => DamagedInputTests.RunCli(args);

    /// <summary>Gates the sample with the sample NVD records at the fixed time, plus <paramref name="extra"/>.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> GateSample(params string[] extra) =>
        Run(["gate", Sample, "--db", VulnDb, "--now", Now, .. extra]);

    public static string WritePolicy(TempDir temp, string yaml, string name = "policy.yml")
    {
        string path = temp.Combine(name);
        File.WriteAllText(path, yaml.ReplaceLineEndings("\n") + "\n");
        return path;
    }

    /// <summary>A copy of the sample cut to 60%: still recognised (TRX, uImage, SquashFS) but incomplete.</summary>
    public static string TruncatedSample(TempDir temp)
    {
        byte[] bytes = File.ReadAllBytes(Sample);
        string path = temp.Combine("router-sample-truncated.trx");
        File.WriteAllBytes(path, bytes[..(bytes.Length * 6 / 10)]);
        return path;
    }

    public static JsonElement ReadJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    /// <summary>The violations of a JSON report's policy section.</summary>
    public static IReadOnlyList<JsonElement> Violations(JsonElement report) =>
        report.GetProperty("policy").GetProperty("violations").EnumerateArray().ToList();
}
