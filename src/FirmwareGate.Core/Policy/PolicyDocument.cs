using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// A parsed policy file (docs/policy.md): which findings, vulnerabilities, binaries, components and analysis gaps
/// fail the gate, at which level, and the waivers that set some aside. Every rule remembers where it was written,
/// so a violation points at the policy line that decided it.
/// </summary>
public sealed record PolicyDocument
{
    /// <summary>The only policy file version this build reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The file's <c>version</c>.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The policy file as given on the command line; null for the built-in strict default.</summary>
    public string? File { get; init; }

    /// <summary>True for the built-in strict default (no policy file given).</summary>
    public bool IsDefault { get; init; }

    /// <summary>With a baseline report: whether only what is new fails (<c>baseline: new-only</c>) or everything does (<c>all</c>, the default).</summary>
    public BaselineMode Baseline { get; init; } = BaselineMode.All;

    /// <summary>CVE rules.</summary>
    public VulnerabilityPolicy Vulnerabilities { get; init; } = new();

    /// <summary>Required hardening per path glob, in file order.</summary>
    public IReadOnlyList<HardeningRule> Hardening { get; init; } = [];

    /// <summary>
    /// Rules on check findings by rule id (from <c>certificates</c>, <c>private-keys</c>, <c>accounts</c> and
    /// <c>config</c>), in file order; the first rule that names a finding decides it.
    /// </summary>
    public IReadOnlyList<FindingRule> Findings { get; init; } = [];

    /// <summary>Levels by severity for findings no <see cref="Findings"/> rule names (<c>findings:</c>); empty means such findings are uncovered.</summary>
    public IReadOnlyList<SeverityRule> FindingSeverities { get; init; } = [];

    /// <summary>Component rules.</summary>
    public ComponentPolicy Components { get; init; } = new();

    /// <summary>Analysis completeness rules.</summary>
    public CompletenessPolicy Completeness { get; init; } = new();

    /// <summary>Vulnerability database rules.</summary>
    public DatabasePolicy Database { get; init; } = new();

    /// <summary>Waivers, in file order.</summary>
    public IReadOnlyList<Waiver> Waivers { get; init; } = [];
}

/// <summary>What a baseline does.</summary>
public enum BaselineMode
{
    /// <summary>Everything the policy rejects fails, baseline or not (the baseline only labels what is new).</summary>
    All,

    /// <summary>Only violations that are not in the baseline fail; the others are reported as existing.</summary>
    NewOnly,
}

/// <summary>One rule of the policy: its id (the path to it in the file), its level and where it was written.</summary>
public abstract record PolicyRule
{
    /// <summary>The rule's id in the file: <c>vulnerabilities.severity.high</c>, <c>hardening[0]</c>, <c>config[secret.*]</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What a match becomes.</summary>
    public required PolicyLevel Level { get; init; }

    /// <summary>Where the rule is written; null for the built-in default.</summary>
    public SourcePosition? Position { get; init; }
}

/// <summary>A level for one severity (<c>high: error</c>).</summary>
public sealed record SeverityRule : PolicyRule
{
    /// <summary>The severity this rule covers (exactly that severity).</summary>
    public required Severity Severity { get; init; }
}

/// <summary>A level for a bare condition (<c>known-exploited: error</c>).</summary>
public sealed record SimpleRule : PolicyRule;

/// <summary>A level for a score at or above a threshold (<c>cvss: { min: 7.0, level: error }</c>, <c>epss: { min: 0.1 }</c>).</summary>
public sealed record ThresholdRule : PolicyRule
{
    /// <summary>The threshold: a CVSS base score 0..10, an EPSS probability 0..1, a share of the image 0..1, or days.</summary>
    public required double Min { get; init; }
}

/// <summary>CVE rules; a vulnerability gets the strongest level of the rules it meets.</summary>
public sealed record VulnerabilityPolicy
{
    /// <summary>Levels by the record's severity (<c>severity: { critical: error, high: error, medium: warning }</c>).</summary>
    public IReadOnlyList<SeverityRule> Severity { get; init; } = [];

    /// <summary>Level for records without any rating (<c>unrated</c>).</summary>
    public SimpleRule? Unrated { get; init; }

    /// <summary>A CVSS base score at or above <see cref="ThresholdRule.Min"/>.</summary>
    public ThresholdRule? Cvss { get; init; }

    /// <summary>Listed in CISA's known exploited vulnerabilities catalogue.</summary>
    public SimpleRule? KnownExploited { get; init; }

    /// <summary>An EPSS probability at or above <see cref="ThresholdRule.Min"/>.</summary>
    public ThresholdRule? Epss { get; init; }

    /// <summary>
    /// What an undecidable match (a version the matcher cannot place in a range) does: a level of its own, or
    /// <see cref="UndecidableRule.AsAffected"/> to treat it like an affected match.
    /// </summary>
    public UndecidableRule? Undecidable { get; init; }

    /// <summary>Level for an unconfirmed match (the record has no CPE or package data yet, matched by name only).</summary>
    public SimpleRule? Unconfirmed { get; init; }
}

/// <summary>What undecidable matches do.</summary>
public sealed record UndecidableRule : PolicyRule
{
    /// <summary>True for <c>undecidable: affected</c>: the severity, CVSS, KEV and EPSS rules apply as for an affected match (Level is then unused).</summary>
    public bool AsAffected { get; init; }
}

/// <summary>A hardening property a binary must have.</summary>
public enum HardeningProperty
{
    /// <summary><c>nx</c>: non-executable stack.</summary>
    Nx,

    /// <summary><c>pie</c>: a position-independent executable (a shared object meets it).</summary>
    Pie,

    /// <summary><c>relro</c>: at least partial RELRO.</summary>
    Relro,

    /// <summary><c>full-relro</c>: RELRO with binding at load time.</summary>
    FullRelro,

    /// <summary><c>canary</c>: stack protector.</summary>
    Canary,

    /// <summary><c>fortify</c>: FORTIFY_SOURCE.</summary>
    Fortify,

    /// <summary><c>stripped</c>: no symbol table.</summary>
    Stripped,

    /// <summary><c>no-rpath</c>: neither RPATH nor RUNPATH.</summary>
    NoRpath,

    /// <summary><c>cet</c>: x86 IBT and SHSTK marked (other machines: not applicable, met).</summary>
    Cet,
}

/// <summary>Hardening binaries under some paths must have (<c>hardening: [{ paths: [/usr/sbin/*], require: [pie, full-relro, canary] }]</c>).</summary>
public sealed record HardeningRule : PolicyRule
{
    /// <summary>Path globs inside the filesystem the rule covers (<c>*</c> within a folder, <c>**</c> across folders).</summary>
    public required IReadOnlyList<string> Paths { get; init; }

    /// <summary>Path globs exempted.</summary>
    public IReadOnlyList<string> Except { get; init; } = [];

    /// <summary>Binary types the rule applies to ("executable", "shared-object"; empty = all).</summary>
    public IReadOnlyList<string> Types { get; init; } = [];

    /// <summary>Properties required; one violation per binary and missing property.</summary>
    public required IReadOnlyList<HardeningProperty> Require { get; init; }
}

/// <summary>A level for check findings whose rule id matches <see cref="RulePattern"/> (and, when given, whose path matches <see cref="PathGlob"/>).</summary>
public sealed record FindingRule : PolicyRule
{
    /// <summary>A check rule id (<c>cert.expired</c>) or a glob over rule ids (<c>secret.*</c>).</summary>
    public required string RulePattern { get; init; }

    /// <summary>Optional path glob the finding's path must match.</summary>
    public string? PathGlob { get; init; }

    /// <summary>Optional: only findings at or above this severity.</summary>
    public Severity? MinSeverity { get; init; }
}

/// <summary>Component rules.</summary>
public sealed record ComponentPolicy
{
    /// <summary>Components (name glob and version range) that must not ship.</summary>
    public IReadOnlyList<ComponentDenyRule> Deny { get; init; } = [];

    /// <summary>Minimum versions.</summary>
    public IReadOnlyList<ComponentMinimumRule> Require { get; init; } = [];

    /// <summary>Licences that must not ship.</summary>
    public IReadOnlyList<LicenseDenyRule> DenyLicenses { get; init; } = [];
}

/// <summary>A component that must not ship (<c>{ name: telnetd, versions: "*" }</c>).</summary>
public sealed record ComponentDenyRule : PolicyRule
{
    /// <summary>Component name or glob (case-insensitive).</summary>
    public required string Name { get; init; }

    /// <summary>Versions denied; null = every version (also an unknown one).</summary>
    public VersionRange? Versions { get; init; }

    /// <summary>Why (shown in the violation).</summary>
    public string? Reason { get; init; }
}

/// <summary>A component that, when present, must be at least some version.</summary>
public sealed record ComponentMinimumRule : PolicyRule
{
    /// <summary>Component name or glob (case-insensitive).</summary>
    public required string Name { get; init; }

    /// <summary>The lowest accepted version.</summary>
    public required string MinVersion { get; init; }

    /// <summary>What an unknown version does (true: a violation; false: accepted). Default true.</summary>
    public bool UnknownFails { get; init; } = true;
}

/// <summary>Licences that must not ship.</summary>
public sealed record LicenseDenyRule : PolicyRule
{
    /// <summary>SPDX ids or globs (<c>GPL-3.0-*</c>, <c>AGPL-*</c>), case-insensitive.</summary>
    public required IReadOnlyList<string> Licenses { get; init; }
}

/// <summary>Analysis completeness rules: what the gate could not see.</summary>
public sealed record CompletenessPolicy
{
    /// <summary>A layer could not be unpacked or a limit was hit. At error level, an incomplete analysis exits 3.</summary>
    public SimpleRule? Incomplete { get; init; }

    /// <summary>More than <see cref="ThresholdRule.Min"/> (a share 0..1) of the image's bytes are unknown.</summary>
    public ThresholdRule? MaxUnknown { get; init; }

    /// <summary>More than <see cref="ThresholdRule.Min"/> (a share 0..1) of the image's bytes are unknown and high-entropy (encrypted or compressed data nothing claimed).</summary>
    public ThresholdRule? MaxHighEntropy { get; init; }
}

/// <summary>Vulnerability database rules.</summary>
public sealed record DatabasePolicy
{
    /// <summary>The database's last update is older than <see cref="ThresholdRule.Min"/> days at scan time.</summary>
    public ThresholdRule? MaxAgeDays { get; init; }

    /// <summary>No database was used (matching skipped).</summary>
    public SimpleRule? Missing { get; init; }
}
