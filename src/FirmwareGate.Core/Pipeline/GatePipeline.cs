using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Pipeline;

/// <summary>What a front end decides about one gate run.</summary>
public sealed record GateOptions
{
    /// <summary>The scan.</summary>
    public required ScanOptions Scan { get; init; }

    /// <summary>The policy file; null for the built-in strict default.</summary>
    public string? PolicyPath { get; init; }

    /// <summary>A JSON report or CycloneDX SBOM of the baseline (the base branch, the last release); null when none.</summary>
    public string? BaselinePath { get; init; }

    /// <summary>The evaluation time for waiver expiry; null = the scan's time (from <see cref="ScanOptions.Now"/>, SOURCE_DATE_EPOCH, else the clock).</summary>
    public DateTimeOffset? Now { get; init; }
}

/// <summary>One gate run: the scan, the policy and its verdict. Owns the scan's scratch files until disposed.</summary>
public sealed class GateRun : IDisposable
{
    internal GateRun(ScanResult scan, ScanFacts facts, PolicyDocument policy, PolicyOutcome outcome, ScanDiff? baselineDiff)
    {
        Scan = scan;
        Facts = facts;
        Policy = policy;
        Outcome = outcome;
        BaselineDiff = baselineDiff;
    }

    /// <summary>The scan.</summary>
    public ScanResult Scan { get; }

    /// <summary>What the policy judged.</summary>
    public ScanFacts Facts { get; }

    /// <summary>The policy applied.</summary>
    public PolicyDocument Policy { get; }

    /// <summary>The verdict.</summary>
    public PolicyOutcome Outcome { get; }

    /// <summary>What changed since the baseline, when one was given.</summary>
    public ScanDiff? BaselineDiff { get; }

    /// <summary>0 pass, 1 policy failed, 2 nothing recognised, 3 incomplete and not accepted by the policy.</summary>
    public int ExitCode => !Scan.Recognised ? 2 : Outcome.ExitCode;

    /// <inheritdoc/>
    public void Dispose() => Scan.Dispose();
}

/// <summary>Loads the policy and baseline (so a bad one fails before any unpacking), scans, evaluates.</summary>
public sealed class GatePipeline
{
    /// <summary>Progress for the scan.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Runs the gate. <see cref="PolicyException"/> for a bad policy, <see cref="ScanInputException"/> for bad input (exit 2).</summary>
    public async Task<GateRun> RunAsync(GateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var policy = options.PolicyPath is { } path ? PolicyLoader.Load(path) : PolicyLoader.StrictDefault;
        var baseline = options.BaselinePath is { } b ? ReportReader.Read(b) : null;
        var scan = await new ScanPipeline { Progress = Progress }.RunAsync(options.Scan, cancellationToken).ConfigureAwait(false);
        try
        {
            var facts = ScanFacts.FromScan(scan);
            var outcome = PolicyEvaluator.Evaluate(policy, facts, new EvaluationOptions { Now = options.Now ?? scan.ScannedAt, Baseline = baseline });
            var diff = baseline is null ? null : ScanDiffer.Compare(baseline, facts);
            return new GateRun(scan, facts, policy, outcome, diff);
        }
        catch
        {
            scan.Dispose();
            throw;
        }
    }
}
