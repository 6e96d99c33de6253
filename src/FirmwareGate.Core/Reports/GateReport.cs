using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>Everything the gate's reports (SARIF, Markdown, HTML) are written from.</summary>
public sealed record GateReport
{
    /// <summary>The scan.</summary>
    public required ScanResult Scan { get; init; }

    /// <summary>The scan's facts (what the policy judged).</summary>
    public required ScanFacts Facts { get; init; }

    /// <summary>The policy applied.</summary>
    public required PolicyDocument Policy { get; init; }

    /// <summary>The verdict.</summary>
    public required PolicyOutcome Outcome { get; init; }

    /// <summary>What changed since the baseline, when one was given.</summary>
    public ScanDiff? BaselineDiff { get; init; }

    /// <summary>FirmwareGate's version.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>
    /// The repository the policy file lives in (its work tree root), null when unknown: then SARIF gives no
    /// physical location, since a code-scanning upload can only point into the repository.
    /// </summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>
    /// The SARIF run's <c>automationDetails.id</c> (<c>firmwaregate/router.bin/</c>): code scanning's category, so the
    /// logs of several images of one commit are kept apart; null writes none.
    /// </summary>
    public string? SarifCategory { get; init; }
}
