namespace FirmwareGate.Core.Policy;

/// <summary>
/// An accepted exception: what it covers (every given field must match), why, who owns it and until when.
/// An expired waiver no longer waives; one that matches nothing is stale.
/// </summary>
public sealed record Waiver
{
    /// <summary>The waiver's id in the file: <c>waivers[2]</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Where it is written.</summary>
    public SourcePosition? Position { get; init; }

    /// <summary>A vulnerability id (CVE, GHSA or OSV id; matched against the record's id and aliases).</summary>
    public string? Cve { get; init; }

    /// <summary>A rule id or glob (a check rule <c>cert.expired</c>, <c>hardening.pie</c>, <c>component.denied</c>...).</summary>
    public string? Rule { get; init; }

    /// <summary>A path glob inside the filesystem.</summary>
    public string? Path { get; init; }

    /// <summary>A component name or glob (case-insensitive).</summary>
    public string? Component { get; init; }

    /// <summary>Optional component versions the waiver is limited to.</summary>
    public VersionRange? Versions { get; init; }

    /// <summary>Why it is accepted (required).</summary>
    public required string Reason { get; init; }

    /// <summary>Who answers for it (required).</summary>
    public required string Owner { get; init; }

    /// <summary>The last day it applies (inclusive, UTC).</summary>
    public required DateOnly Expires { get; init; }

    /// <summary>For waived vulnerabilities: the VEX analysis written to the SBOM; null = <see cref="VexAnalysis.Default"/>.</summary>
    public VexAnalysis? Analysis { get; init; }

    /// <summary>True when the waiver has expired at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime) > Expires;
}

/// <summary>A CycloneDX vulnerability analysis (VEX) for a waived vulnerability.</summary>
/// <param name="State">CycloneDX <c>analysis.state</c>: <c>resolved</c>, <c>resolved_with_pedigree</c>, <c>exploitable</c>, <c>in_triage</c>, <c>false_positive</c>, <c>not_affected</c>.</param>
/// <param name="Justification">CycloneDX <c>analysis.justification</c> (for not_affected), e.g. <c>code_not_reachable</c>; null when none.</param>
/// <param name="Responses">CycloneDX <c>analysis.response</c> values (<c>will_not_fix</c>, <c>update</c>, <c>workaround_available</c>...).</param>
/// <param name="Detail">Free text; the evaluator adds the reason, owner and expiry when null.</param>
public sealed record VexAnalysis(string State, string? Justification, IReadOnlyList<string> Responses, string? Detail)
{
    /// <summary>A waiver that says nothing more is an accepted risk: <c>exploitable</c> with response <c>will_not_fix</c>.</summary>
    public static VexAnalysis Default { get; } = new("exploitable", null, ["will_not_fix"], null);
}
