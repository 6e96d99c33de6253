using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>One SARIF result: a violation, or a finding no policy rule covers.</summary>
/// <param name="RuleId">The rule it belongs to.</param>
/// <param name="Level">SARIF level: <c>error</c>, <c>warning</c>, <c>note</c>.</param>
/// <param name="Message">One line for people.</param>
/// <param name="Location">Where in the image (report syntax).</param>
/// <param name="Path">Path inside the filesystem, when there is one.</param>
/// <param name="Fingerprint">Stable identity (the partial fingerprint).</param>
/// <param name="Severity">The finding's or vulnerability's severity, when it has one.</param>
/// <param name="Violation">The violation, null for an uncovered finding.</param>
internal sealed record SarifResult(string RuleId, string Level, string Message, string Location, string? Path, string Fingerprint, Severity? Severity, Violation? Violation)
{
    /// <summary>Every violation in outcome order, then the uncovered findings in report order.</summary>
    public static IReadOnlyList<SarifResult> Of(GateReport report) =>
    [
        .. report.Outcome.Violations.Select(v => new SarifResult(
            v.RuleId, LevelOf(v.Level), $"{v.Message} (at {v.Location}; policy rule {v.PolicyRule})", v.Location, v.Path, v.Fingerprint, v.Severity, v)),

        // Uncovered findings are notes: reported so code scanning shows them, never failing (no rule judged them).
        .. GateSummary.Uncovered(report).Select(f => new SarifResult(
            f.RuleId, "note", $"{f.Message} (at {f.Location}; no policy rule covers {f.RuleId})", f.Location, f.Path, f.Fingerprint, f.Severity, null)),
    ];

    private static string LevelOf(PolicyLevel level) => level switch
    {
        PolicyLevel.Error => "error",
        PolicyLevel.Warning => "warning",
        PolicyLevel.Note => "note",
        _ => "none",
    };
}
