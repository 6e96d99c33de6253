namespace FirmwareGate.MSBuild;

/// <summary>One entry of <c>policy.violations[]</c> in the gate's JSON report (docs/report.md).</summary>
public sealed record ReportedViolation
{
    /// <summary>vulnerability, finding, hardening, component, completeness or database.</summary>
    public required string Kind { get; init; }

    /// <summary>The check rule id or vulnerability id.</summary>
    public required string RuleId { get; init; }

    /// <summary>What was found, without secrets.</summary>
    public required string Message { get; init; }

    /// <summary>The path inside the image, when the violation has one.</summary>
    public string? Path { get; init; }

    /// <summary>error, warning or note.</summary>
    public required string Level { get; init; }

    /// <summary>The policy rule that set the level (e.g. <c>accounts.default-password</c>).</summary>
    public string? PolicyRule { get; init; }

    /// <summary>The policy line of that rule.</summary>
    public int? PolicyLine { get; init; }

    /// <summary>The policy column of that rule.</summary>
    public int? PolicyColumn { get; init; }

    /// <summary>The id of the waiver that waived it.</summary>
    public string? WaivedBy { get; init; }

    /// <summary>The baseline has it (under <c>baseline: new-only</c> it does not fail).</summary>
    public bool InBaseline { get; init; }

    /// <summary>It fails the gate.</summary>
    public bool Fails { get; init; }
}
