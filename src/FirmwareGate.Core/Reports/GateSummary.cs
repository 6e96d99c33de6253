using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>One hardening property over the binaries it applies to.</summary>
/// <param name="Property">Its policy name (<c>nx</c>, <c>full-relro</c>).</param>
/// <param name="Met">Binaries that have it.</param>
/// <param name="Known">Binaries it applies to whose value is known.</param>
internal sealed record HardeningCoverage(string Property, int Met, int Known);

/// <summary>The figures the Markdown and HTML reports share: counts, vulnerabilities by severity, hardening coverage.</summary>
internal static class GateSummary
{
    /// <summary>Vulnerability severities, worst first, as the report names them.</summary>
    public static readonly string[] Severities = ["critical", "high", "medium", "low", "none", "unknown"];

    /// <summary>Matched vulnerabilities per severity, every severity listed.</summary>
    public static IReadOnlyList<(string Severity, int Count)> VulnerabilitiesBySeverity(ScanFacts facts) =>
        [.. Severities.Select(s => (s, facts.Vulnerabilities.Count(v => string.Equals(v.Severity, s, StringComparison.Ordinal) || (s == "unknown" && !Severities.Contains(v.Severity, StringComparer.Ordinal)))))];

    /// <summary>Share of binaries with each hardening property (<c>cet</c> counts x86 binaries only; <c>pie</c> executables only).</summary>
    public static IReadOnlyList<HardeningCoverage> Hardening(ScanFacts facts)
    {
        var binaries = facts.Binaries;
        return
        [
            Of("nx", binaries.Select(b => b.Nx)),
            Of("pie", binaries.Where(b => b.Pie != "dso").Select(b => b.Pie is null ? (bool?)null : b.Pie == "yes")),
            Of("relro", binaries.Select(b => b.Relro is null ? (bool?)null : b.Relro != "none")),
            Of("full-relro", binaries.Select(b => b.Relro is null ? (bool?)null : b.Relro == "full")),
            Of("canary", binaries.Select(b => b.Canary)),
            Of("fortify", binaries.Select(b => b.Fortify)),
            Of("stripped", binaries.Select(b => b.Stripped)),
            Of("no-rpath", binaries.Select(b => (bool?)(b.RPath is null && b.RunPath is null))),
            Of("cet", binaries.Select(b => b.Cet)),
        ];

        static HardeningCoverage Of(string property, IEnumerable<bool?> values)
        {
            var known = values.OfType<bool>().ToList();
            return new HardeningCoverage(property, known.Count(v => v), known.Count);
        }
    }

    /// <summary>The findings no rule covers, in report order.</summary>
    public static IReadOnlyList<Finding> Uncovered(GateReport report)
    {
        var wanted = report.Outcome.Uncovered.ToHashSet(StringComparer.Ordinal);
        return [.. report.Facts.Findings.Where(f => wanted.Contains(f.Fingerprint))];
    }

    /// <summary>Violations by level and state.</summary>
    public static (int Errors, int Warnings, int Notes, int Waived, int Failing) Counts(PolicyOutcome outcome) =>
        (outcome.Count(PolicyLevel.Error), outcome.Count(PolicyLevel.Warning), outcome.Count(PolicyLevel.Note),
         outcome.Violations.Count(v => v.WaivedBy is not null), outcome.Violations.Count(v => v.Fails));

    /// <summary>"FAIL", "PASS" or "INCOMPLETE".</summary>
    public static string VerdictWord(PolicyVerdict verdict) => PolicyVerdictNames.Of(verdict).ToUpperInvariant();

    /// <summary>"policy.yml" or "the built-in strict default".</summary>
    public static string PolicyName(GateReport report) => report.Outcome.PolicyFile ?? report.Policy.File ?? "the built-in strict default policy";

    /// <summary>A policy position as "line 12, column 5", or "built-in".</summary>
    public static string PolicyLine(Violation v) => v.PolicyPosition is { } p ? $"line {p.Line}" : "built-in";
}
