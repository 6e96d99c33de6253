using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// What a policy decides on, in one shape whether it comes from a scan in this process
/// (<see cref="FromScan"/>) or from a JSON report written earlier (<see cref="ReportReader"/>): the gate and
/// <c>policy diff</c> on that report then reach the same verdict. Also what <c>diff</c> compares.
/// </summary>
public sealed record ScanFacts
{
    /// <summary>The image's file name.</summary>
    public required string ImageName { get; init; }

    /// <summary>SHA-256 of the image, null when unknown (an SBOM without hashes).</summary>
    public string? ImageSha256 { get; init; }

    /// <summary>The report time (waivers expire against the evaluation time, not this).</summary>
    public DateTimeOffset ScannedAt { get; init; }

    /// <summary>Byte accounting; null when the source had none (an SBOM).</summary>
    public CoverageFacts? Coverage { get; init; }

    /// <summary>True when the analysis skipped nothing.</summary>
    public bool Complete { get; init; } = true;

    /// <summary>Why it is incomplete: layer and analysis warnings, each naming its location.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Limits reached.</summary>
    public IReadOnlyList<string> LimitsHit { get; init; } = [];

    /// <summary>Components, by bom-ref order.</summary>
    public IReadOnlyList<ComponentFact> Components { get; init; } = [];

    /// <summary>ELF binaries with their hardening.</summary>
    public IReadOnlyList<BinaryFact> Binaries { get; init; } = [];

    /// <summary>Check findings.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>Vulnerabilities matched to components.</summary>
    public IReadOnlyList<VulnerabilityFact> Vulnerabilities { get; init; } = [];

    /// <summary>The vulnerability database used; null when matching did not run.</summary>
    public DatabaseFacts? Database { get; init; }

    /// <summary>The facts of a scan of this process.</summary>
    public static ScanFacts FromScan(Pipeline.ScanResult result) => ScanFactsBuilder.From(result);
}

/// <summary>Byte accounting of the image.</summary>
/// <param name="Bytes">Image size.</param>
/// <param name="Unknown">Bytes no format claimed (padding excluded).</param>
/// <param name="UnknownHighEntropy">Unknown bytes of high entropy.</param>
public sealed record CoverageFacts(long Bytes, long Unknown, long UnknownHighEntropy);

/// <summary>A component as the policy and diffs see it.</summary>
public sealed record ComponentFact
{
    /// <summary>bom-ref.</summary>
    public required string BomRef { get; init; }

    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>Version, null when not found.</summary>
    public string? Version { get; init; }

    /// <summary>Package URL.</summary>
    public string? Purl { get; init; }

    /// <summary>CPE 2.3.</summary>
    public string? Cpe { get; init; }

    /// <summary>SPDX licence ids or expressions.</summary>
    public IReadOnlyList<string> Licenses { get; init; } = [];

    /// <summary>The path of the file that identifies it (first evidence path), null when none.</summary>
    public string? Path { get; init; }

    /// <summary>The location of that evidence (report syntax), or the image name.</summary>
    public required string Location { get; init; }

    /// <summary>
    /// Identity across versions and rebuilds: the purl without version and qualifiers when there is one, else
    /// the lower-case name. Diffs pair components by it.
    /// </summary>
    public string Key => ComponentKeys.Of(Name, Purl);
}

/// <summary>Hardening of one ELF file, values as in the report (null = unknown).</summary>
public sealed record BinaryFact
{
    /// <summary>Path inside the filesystem.</summary>
    public required string Path { get; init; }

    /// <summary>Location (report syntax).</summary>
    public required string Location { get; init; }

    /// <summary>"executable", "shared-object", "relocatable", "core"...</summary>
    public required string Type { get; init; }

    /// <summary>ELF machine name.</summary>
    public string Arch { get; init; } = "";

    /// <summary>Non-executable stack.</summary>
    public bool? Nx { get; init; }

    /// <summary>"yes", "no" or "dso".</summary>
    public string? Pie { get; init; }

    /// <summary>"none", "partial" or "full".</summary>
    public string? Relro { get; init; }

    /// <summary>Stack protector.</summary>
    public bool? Canary { get; init; }

    /// <summary>FORTIFY_SOURCE.</summary>
    public bool? Fortify { get; init; }

    /// <summary>No symbol table.</summary>
    public bool? Stripped { get; init; }

    /// <summary>RPATH, null when none.</summary>
    public string? RPath { get; init; }

    /// <summary>RUNPATH, null when none.</summary>
    public string? RunPath { get; init; }

    /// <summary>IBT and SHSTK both marked; null when not an x86 file or not known.</summary>
    public bool? Cet { get; init; }
}

/// <summary>A vulnerability matched to a component.</summary>
public sealed record VulnerabilityFact
{
    /// <summary>Record id (CVE-...).</summary>
    public required string Id { get; init; }

    /// <summary>Other ids of the record.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>bom-ref of the component.</summary>
    public required string ComponentRef { get; init; }

    /// <summary>The component's name.</summary>
    public required string ComponentName { get; init; }

    /// <summary>The component's version.</summary>
    public string? ComponentVersion { get; init; }

    /// <summary>The component's purl, when it has one.</summary>
    public string? ComponentPurl { get; init; }

    /// <summary>"affected", "undecidable" or "unconfirmed".</summary>
    public required string Verdict { get; init; }

    /// <summary>"critical", "high", "medium", "low", "none" or "unknown".</summary>
    public required string Severity { get; init; }

    /// <summary>The deciding CVSS base score, null when unrated.</summary>
    public double? Score { get; init; }

    /// <summary>Listed in CISA KEV.</summary>
    public bool KnownExploited { get; init; }

    /// <summary>EPSS probability, null when none.</summary>
    public double? Epss { get; init; }

    /// <summary>Where the component was found (report syntax).</summary>
    public required string Location { get; init; }

    /// <summary>The component's path, when known.</summary>
    public string? Path { get; init; }

    /// <summary>Stable identity: the id and the component's key (not its version or place).</summary>
    public string Fingerprint => PolicyFingerprints.Vulnerability(Id, ComponentKeys.Of(ComponentName, ComponentPurl));
}

/// <summary>The vulnerability database at scan time.</summary>
/// <param name="Path">Its file.</param>
/// <param name="LastUpdate">Newest record or update time; null when unknown.</param>
public sealed record DatabaseFacts(string Path, DateTimeOffset? LastUpdate);
