using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;

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

    /// <summary>
    /// The CI work tree (<c>GITHUB_WORKSPACE</c>), passed in by the front end rather than read from the process
    /// environment: the repository root when the policy file is under it and no <c>.git</c> is found above it.
    /// </summary>
    public string? Workspace { get; init; }

    /// <summary>
    /// Overrides the policy's <c>completeness.incomplete</c> level (a front end's "fail on incomplete" switch);
    /// null keeps the policy's.
    /// </summary>
    public PolicyLevel? IncompleteLevel { get; init; }
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

    /// <summary>The repository the policy file lives in (see <see cref="GatePipeline.FindRepositoryRoot"/>); null when unknown or for the built-in default.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>0 pass, 1 policy failed, 2 nothing recognised, 3 incomplete and not accepted by the policy.</summary>
    public int ExitCode => !Scan.Recognised ? 2 : Outcome.ExitCode;

    /// <summary>What the SARIF, Markdown and HTML writers read.</summary>
    public GateReport ToReport(string toolVersion) => new()
    {
        Scan = Scan,
        Facts = Facts,
        Policy = Policy,
        Outcome = Outcome,
        BaselineDiff = BaselineDiff,
        ToolVersion = toolVersion,
        RepositoryRoot = RepositoryRoot,
    };

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
        policy = WithIncompleteLevel(policy, options.IncompleteLevel);
        var baseline = options.BaselinePath is { } b ? ReportReader.Read(b) : null;
        // --now fixes the report time and the waiver-expiry clock together, so a rerun gives the same verdict.
        var scanOptions = options.Now is { } now && options.Scan.Now is null ? options.Scan with { Now = now } : options.Scan;
        var scan = await new ScanPipeline { Progress = Progress }.RunAsync(scanOptions, cancellationToken).ConfigureAwait(false);
        try
        {
            var facts = ScanFacts.FromScan(scan);
            var outcome = PolicyEvaluator.Evaluate(policy, facts, new EvaluationOptions { Now = options.Now ?? scan.ScannedAt, Baseline = baseline });
            var diff = baseline is null ? null : ScanDiffer.Compare(baseline, facts);
            string? root = options.PolicyPath is { } p ? FindRepositoryRoot(p, options.Workspace) : null;
            return new GateRun(scan, facts, policy, outcome, diff) { RepositoryRoot = root };
        }
        catch
        {
            scan.Dispose();
            throw;
        }
    }

    /// <summary>The policy with its <c>completeness.incomplete</c> level replaced by <paramref name="level"/>; unchanged when null.</summary>
    public static PolicyDocument WithIncompleteLevel(PolicyDocument policy, PolicyLevel? level)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return level is { } l
            ? policy with { Completeness = policy.Completeness with { Incomplete = new SimpleRule { Id = "completeness.incomplete", Level = l } } }
            : policy;
    }

    /// <summary>
    /// The work tree root a policy file belongs to: the nearest folder at or above the file's folder holding
    /// <c>.git</c> (a folder, or a file for a worktree or submodule), else <paramref name="workspace"/> when the
    /// file is inside it, else null. SARIF only points at policy lines inside this root.
    /// </summary>
    public static string? FindRepositoryRoot(string policyPath, string? workspace)
    {
        ArgumentNullException.ThrowIfNull(policyPath);
        string full = Path.GetFullPath(policyPath);
        for (var dir = Path.GetDirectoryName(full); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            string git = Path.Combine(dir, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return dir;
            }
        }

        if (string.IsNullOrEmpty(workspace))
        {
            return null;
        }

        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workspace));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? root : null;
    }
}
