namespace FirmwareGate.Core.Inventory;

/// <summary>How a component was identified (the report's <c>evidence[].method</c>).</summary>
public enum EvidenceMethod
{
    /// <summary>A package database entry (dpkg, opkg) or an OS release file.</summary>
    PackageDb,

    /// <summary>A version string inside a binary, matched by a product signature.</summary>
    BinarySignature,

    /// <summary>A kernel or boot loader banner, a uImage name, a module folder.</summary>
    Banner,

    /// <summary>An ELF SONAME or DT_NEEDED name.</summary>
    ElfSoname,

    /// <summary>A file name alone.</summary>
    Filename,
}

/// <summary>What a component is (the report's <c>components[].type</c>).</summary>
public enum ComponentType
{
    /// <summary>A program.</summary>
    Application,

    /// <summary>A library.</summary>
    Library,

    /// <summary>The operating system named by a release file, or the kernel.</summary>
    OperatingSystem,

    /// <summary>Firmware (a boot loader).</summary>
    Firmware,
}

/// <summary>
/// One sighting of a component by one analyser, in one place. The inventory step merges sightings into
/// components: one per product and version, carrying every sighting as evidence.
/// </summary>
public sealed record ComponentObservation
{
    /// <summary>The catalog product, when the sighting was matched to one.</summary>
    public Product? Product { get; init; }

    /// <summary>Component name (the catalog's name when <see cref="Product"/> is set).</summary>
    public required string Name { get; init; }

    /// <summary>Upstream version; null when the sighting does not show one (never guessed).</summary>
    public string? Version { get; init; }

    /// <summary>Supplier or author, when known.</summary>
    public string? Vendor { get; init; }

    /// <summary>A full CPE 2.3 name, when the source knows it better than the catalog.</summary>
    public string? Cpe { get; init; }

    /// <summary>A full package URL (package databases give the exact package and version).</summary>
    public string? Purl { get; init; }

    /// <summary>Component type.</summary>
    public ComponentType Type { get; init; } = ComponentType.Application;

    /// <summary>Licences as SPDX ids or names, when the source gives them.</summary>
    public IReadOnlyList<string> Licenses { get; init; } = [];

    /// <summary>How it was found.</summary>
    public required EvidenceMethod Method { get; init; }

    /// <summary>0..1.</summary>
    public required double Confidence { get; init; }

    /// <summary>Where: the analysis target's location (layer location, ':' and path for a file).</summary>
    public required string Location { get; init; }

    /// <summary>Path inside the filesystem, when the sighting is in a file.</summary>
    public string? Path { get; init; }

    /// <summary>What was seen, one line (the matched string, the package entry). Never a secret.</summary>
    public string? Detail { get; init; }

    /// <summary>SHA-256 of the file the sighting is in, when the analyser read it whole.</summary>
    public string? FileSha256 { get; init; }

    /// <summary>Package (dpkg/opkg binary package name) for package-database sightings.</summary>
    public string? Package { get; init; }

    /// <summary>A sighting of a catalog product (name, vendor and type from the catalog).</summary>
    /// <param name="product">The product.</param>
    /// <param name="version">Upstream version, or null when the sighting shows none.</param>
    /// <param name="method">How it was found.</param>
    /// <param name="confidence">0..1.</param>
    /// <param name="location">Where (<see cref="Analysis.AnalysisTarget.Location"/>).</param>
    /// <param name="path">Path inside the filesystem, when in a file.</param>
    /// <param name="detail">What was seen.</param>
    public static ComponentObservation Of(Product product, string? version, EvidenceMethod method, double confidence, string location, string? path, string detail)
    {
        ArgumentNullException.ThrowIfNull(product);
        return new ComponentObservation
        {
            Product = product,
            Name = product.Name,
            Vendor = product.Vendor,
            Type = product.ComponentType,
            Version = version,
            Method = method,
            Confidence = confidence,
            Location = location,
            Path = path,
            Detail = detail,
        };
    }
}

/// <summary>The files a package database says a package installed (dpkg <c>info/*.list</c>, opkg <c>*.list</c>).</summary>
/// <param name="LayerLocation">Location of the filesystem layer that holds the database.</param>
/// <param name="Package">Binary package name.</param>
/// <param name="Paths">Absolute paths, as listed.</param>
public sealed record PackageFiles(string LayerLocation, string Package, IReadOnlyList<string> Paths);

/// <summary>What an ELF file says about linking: its SONAME and the libraries it needs.</summary>
/// <param name="LayerLocation">Location of the filesystem layer.</param>
/// <param name="Path">Path inside the filesystem.</param>
/// <param name="Soname">DT_SONAME, when present.</param>
/// <param name="Needed">DT_NEEDED names, in file order.</param>
public sealed record ElfLinkInfo(string LayerLocation, string Path, string? Soname, IReadOnlyList<string> Needed);
