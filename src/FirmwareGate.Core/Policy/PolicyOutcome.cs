using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Policy;

/// <summary>The gate's decision.</summary>
public enum PolicyVerdict
{
    /// <summary>Nothing at error level is left (exit 0).</summary>
    Pass,

    /// <summary>At least one violation at error level is neither waived nor, under <c>baseline: new-only</c>, in the baseline (exit 1).</summary>
    Fail,

    /// <summary>The analysis was incomplete and the policy does not accept that (exit 3), whatever else failed.</summary>
    Incomplete,
}

/// <summary>Report names of <see cref="PolicyVerdict"/>.</summary>
public static class PolicyVerdictNames
{
    /// <summary>"pass", "fail" or "incomplete".</summary>
    public static string Of(PolicyVerdict verdict) => verdict switch
    {
        PolicyVerdict.Fail => "fail",
        PolicyVerdict.Incomplete => "incomplete",
        _ => "pass",
    };
}

/// <summary>What a violation is about.</summary>
public enum ViolationKind
{
    /// <summary>A check finding (<see cref="Violation.Ref"/> is its fingerprint).</summary>
    Finding,

    /// <summary>A vulnerability (<see cref="Violation.Ref"/> is <c>ID@bomRef</c>).</summary>
    Vulnerability,

    /// <summary>A missing hardening property of a binary (<see cref="Violation.Ref"/> is the binary's path).</summary>
    Hardening,

    /// <summary>A component rule (<see cref="Violation.Ref"/> is its bom-ref).</summary>
    Component,

    /// <summary>Analysis completeness (<see cref="Violation.Ref"/> is the layer or "image").</summary>
    Completeness,

    /// <summary>The vulnerability database (<see cref="Violation.Ref"/> is its path or "none").</summary>
    Database,
}

/// <summary>One thing a policy rule matched, at the level the rule gave it, waived or not.</summary>
public sealed record Violation
{
    /// <summary>What it is about.</summary>
    public required ViolationKind Kind { get; init; }

    /// <summary>
    /// The rule id tools group by: the check's rule id for findings (<c>cert.expired</c>), the record id for
    /// vulnerabilities (<c>CVE-2023-45853</c>), <c>hardening.pie</c> (and <c>.nx</c>, <c>.relro</c>,
    /// <c>.full-relro</c>, <c>.canary</c>, <c>.fortify</c>, <c>.stripped</c>, <c>.no-rpath</c>, <c>.cet</c>),
    /// <c>component.denied</c>, <c>component.min-version</c>, <c>component.license</c>, <c>analysis.incomplete</c>,
    /// <c>analysis.unknown-bytes</c>, <c>analysis.high-entropy</c>, <c>database.age</c>, <c>database.missing</c>.
    /// </summary>
    public required string RuleId { get; init; }

    /// <summary>The subject's reference (see <see cref="ViolationKind"/>).</summary>
    public required string Ref { get; init; }

    /// <summary>Stable identity across rebuilds (the finding's fingerprint, or one from <see cref="PolicyFingerprints"/>).</summary>
    public required string Fingerprint { get; init; }

    /// <summary>One line for people, never a secret value.</summary>
    public required string Message { get; init; }

    /// <summary>Where (report syntax), or the image name for image-wide violations.</summary>
    public required string Location { get; init; }

    /// <summary>Path inside the filesystem, when there is one.</summary>
    public string? Path { get; init; }

    /// <summary>The finding's or vulnerability's severity, when it has one.</summary>
    public Severity? Severity { get; init; }

    /// <summary>The level the policy gave it.</summary>
    public required PolicyLevel Level { get; init; }

    /// <summary>The deciding policy rule's id (<c>vulnerabilities.known-exploited</c>, <c>hardening[0]</c>, <c>default.findings.high</c>).</summary>
    public required string PolicyRule { get; init; }

    /// <summary>Where the deciding rule is written; null for the built-in default.</summary>
    public SourcePosition? PolicyPosition { get; init; }

    /// <summary>The waiver that sets it aside, when one does.</summary>
    public Waiver? WaivedBy { get; init; }

    /// <summary>True when a baseline was given and it has this fingerprint (not new).</summary>
    public bool InBaseline { get; init; }

    /// <summary>True when it makes the gate fail: level error, not waived, and not excused by the baseline.</summary>
    public bool Fails { get; init; }
}

/// <summary>How one waiver was used.</summary>
/// <param name="Waiver">The waiver.</param>
/// <param name="Fingerprints">Fingerprints of the violations it waived, sorted.</param>
public sealed record WaiverUse(Waiver Waiver, IReadOnlyList<string> Fingerprints);

/// <summary>The policy's verdict on one scan: violations at every level, waivers applied, expired and stale.</summary>
public sealed record PolicyOutcome
{
    /// <summary>The policy file as given; null for the built-in default.</summary>
    public string? PolicyFile { get; init; }

    /// <summary>The verdict.</summary>
    public required PolicyVerdict Verdict { get; init; }

    /// <summary>Every violation above <see cref="PolicyLevel.Off"/>, waived ones included; ordered by level (error first), rule id, location, fingerprint.</summary>
    public required IReadOnlyList<Violation> Violations { get; init; }

    /// <summary>Fingerprints of check findings no rule covers: reported in <c>findings[]</c>, never failing.</summary>
    public IReadOnlyList<string> Uncovered { get; init; } = [];

    /// <summary>Waivers that set aside at least one violation, in file order.</summary>
    public IReadOnlyList<WaiverUse> Applied { get; init; } = [];

    /// <summary>Waivers past their expiry at evaluation time (they waived nothing), in file order.</summary>
    public IReadOnlyList<Waiver> Expired { get; init; } = [];

    /// <summary>Unexpired waivers that matched nothing, in file order.</summary>
    public IReadOnlyList<Waiver> Stale { get; init; } = [];

    /// <summary>Whether a baseline was given.</summary>
    public bool HasBaseline { get; init; }

    /// <summary>The evaluation time (waiver expiry is judged against it).</summary>
    public DateTimeOffset EvaluatedAt { get; init; }

    /// <summary>0 pass, 1 fail, 3 incomplete (DESIGN.md).</summary>
    public int ExitCode => Verdict switch
    {
        PolicyVerdict.Fail => 1,
        PolicyVerdict.Incomplete => 3,
        _ => 0,
    };

    /// <summary>Violations that make the gate fail.</summary>
    public IEnumerable<Violation> Failing => Violations.Where(v => v.Fails);

    /// <summary>Counts of unwaived violations by level.</summary>
    public int Count(PolicyLevel level) => Violations.Count(v => v.Level == level && v.WaivedBy is null);
}

/// <summary>What an evaluation needs besides the policy and the facts.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The evaluation time: waivers expire against it (the gate's <c>--now</c>, else the clock).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The baseline's facts (<c>gate --baseline</c>), null when none.</summary>
    public ScanFacts? Baseline { get; init; }
}
