namespace FirmwareGate.Core.Inventory;

/// <summary>One component of the inventory: one product at one version, with every sighting as evidence.</summary>
public sealed class Component
{
    /// <summary>Unique reference within the report and the SBOM.</summary>
    public required string BomRef { get; init; }

    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>Upstream version; null when no sighting showed one.</summary>
    public string? Version { get; init; }

    /// <summary>Supplier, when known.</summary>
    public string? Vendor { get; init; }

    /// <summary>Package URL.</summary>
    public string? Purl { get; init; }

    /// <summary>CPE 2.3 name (with the version when known).</summary>
    public string? Cpe { get; init; }

    /// <summary>Licences, sorted.</summary>
    public IReadOnlyList<string> Licenses { get; init; } = [];

    /// <summary>Type.</summary>
    public ComponentType Type { get; init; }

    /// <summary>SHA-256 of the component's main file, when one file identifies it.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Path of that main file (with its layer location).</summary>
    public string? MainFile { get; init; }

    /// <summary>Every sighting, sorted by location then method.</summary>
    public required IReadOnlyList<ComponentEvidence> Evidence { get; init; }

    /// <summary>Bom-refs of the components this one links against (from DT_NEEDED), sorted.</summary>
    public IReadOnlyList<string> DependsOn { get; set; } = [];

    /// <summary>The catalog product, when known.</summary>
    public Product? Product { get; init; }
}

/// <summary>One piece of evidence of a component (the report's <c>evidence[]</c>).</summary>
/// <param name="Location">Location in the report's syntax, with the path for a file: <c>img@0x40:trx/squashfs(xz):/usr/sbin/dropbear</c>.</param>
/// <param name="Path">Path inside the filesystem, when in a file.</param>
/// <param name="Method">How it was found.</param>
/// <param name="Confidence">0..1.</param>
/// <param name="Detail">What was seen.</param>
public sealed record ComponentEvidence(string Location, string? Path, EvidenceMethod Method, double Confidence, string? Detail);

/// <summary>Names of <see cref="EvidenceMethod"/> and <see cref="ComponentType"/> as the report and SBOM write them.</summary>
public static class InventoryNames
{
    /// <summary>"package-db", "binary-signature", "banner", "elf-soname", "filename".</summary>
    public static string Of(EvidenceMethod method) => method switch
    {
        EvidenceMethod.PackageDb => "package-db",
        EvidenceMethod.BinarySignature => "binary-signature",
        EvidenceMethod.Banner => "banner",
        EvidenceMethod.ElfSoname => "elf-soname",
        _ => "filename",
    };

    /// <summary>"application", "library", "operating-system", "firmware".</summary>
    public static string Of(ComponentType type) => type switch
    {
        ComponentType.Library => "library",
        ComponentType.OperatingSystem => "operating-system",
        ComponentType.Firmware => "firmware",
        _ => "application",
    };
}

/// <summary>The inventory of one image.</summary>
public sealed class InventoryResult
{
    /// <summary>Components sorted by name, then version, then bom-ref.</summary>
    public required IReadOnlyList<Component> Components { get; init; }

    /// <summary>The operating system named by a release file, when there is one (also in <see cref="Components"/>).</summary>
    public Component? OperatingSystem { get; init; }

    /// <summary>An empty inventory.</summary>
    public static InventoryResult Empty { get; } = new() { Components = [] };
}
