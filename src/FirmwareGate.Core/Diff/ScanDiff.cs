using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Diff;

/// <summary>What changed from one scan (A, the older) to another (B): components, vulnerabilities, findings.</summary>
public sealed record ScanDiff
{
    /// <summary>A's image name.</summary>
    public required string Before { get; init; }

    /// <summary>B's image name.</summary>
    public required string After { get; init; }

    /// <summary>Components in B and not in A (by <see cref="ComponentFact.Key"/>), sorted by name.</summary>
    public required IReadOnlyList<ComponentFact> Added { get; init; }

    /// <summary>Components in A and not in B.</summary>
    public required IReadOnlyList<ComponentFact> Removed { get; init; }

    /// <summary>Components whose version went up.</summary>
    public required IReadOnlyList<ComponentChange> Upgraded { get; init; }

    /// <summary>Components whose version went down.</summary>
    public required IReadOnlyList<ComponentChange> Downgraded { get; init; }

    /// <summary>Components whose version changed in a way that cannot be ordered (unknown on one side, incomparable schemes).</summary>
    public IReadOnlyList<ComponentChange> Changed { get; init; } = [];

    /// <summary>Vulnerabilities in B and not in A (by fingerprint: id and component key).</summary>
    public required IReadOnlyList<VulnerabilityFact> Introduced { get; init; }

    /// <summary>Vulnerabilities in A and not in B.</summary>
    public required IReadOnlyList<VulnerabilityFact> Fixed { get; init; }

    /// <summary>Findings in B and not in A (by fingerprint).</summary>
    public required IReadOnlyList<Finding> NewFindings { get; init; }

    /// <summary>Findings in A and not in B.</summary>
    public required IReadOnlyList<Finding> GoneFindings { get; init; }

    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => Added.Count + Removed.Count + Upgraded.Count + Downgraded.Count + Changed.Count + Introduced.Count + Fixed.Count + NewFindings.Count + GoneFindings.Count == 0;
}

/// <summary>One component in both scans with different versions.</summary>
/// <param name="Before">In A.</param>
/// <param name="After">In B.</param>
public sealed record ComponentChange(ComponentFact Before, ComponentFact After);
