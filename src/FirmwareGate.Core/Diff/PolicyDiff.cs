using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Diff;

/// <summary>What changes in the verdict of one scan when the policy changes from OLD to NEW: what a policy pull request's reviewer reads.</summary>
public sealed record PolicyDiff
{
    /// <summary>The verdict under the old policy.</summary>
    public required PolicyOutcome Old { get; init; }

    /// <summary>The verdict under the new policy.</summary>
    public required PolicyOutcome New { get; init; }

    /// <summary>Violations that fail under NEW and did not under OLD.</summary>
    public required IReadOnlyList<Violation> StartFailing { get; init; }

    /// <summary>Violations that failed under OLD and do not under NEW (the NEW side's violation when it still exists at a lower level or waived, else OLD's).</summary>
    public required IReadOnlyList<Violation> StopFailing { get; init; }

    /// <summary>Violations whose level changed without changing whether they fail (warning to note, new warnings...), NEW's side.</summary>
    public IReadOnlyList<(Violation? Old, Violation? New)> LevelChanged { get; init; } = [];

    /// <summary>Waivers in NEW and not in OLD (compared by what they cover, not their position).</summary>
    public required IReadOnlyList<Waiver> WaiversAdded { get; init; }

    /// <summary>Waivers in OLD and not in NEW.</summary>
    public required IReadOnlyList<Waiver> WaiversRemoved { get; init; }

    /// <summary>True when the verdict and every violation's level stay the same and no waiver changed.</summary>
    public bool IsEmpty => StartFailing.Count + StopFailing.Count + LevelChanged.Count + WaiversAdded.Count + WaiversRemoved.Count == 0 && Old.Verdict == New.Verdict;
}
