using System.Text.Json.Serialization;

namespace FirmwareGate.Core.Inventory;

/// <summary>
/// One product of the catalog (<c>Inventory/products.json</c>): how it is named (CPE, purl), which
/// packages and files belong to it, and the signatures that confirm it in a binary and capture its version.
/// </summary>
public sealed record Product
{
    /// <summary>Unique id, lower case ("openssl", "linux-kernel").</summary>
    public required string Id { get; init; }

    /// <summary>Component name as reported ("openssl", "linux_kernel").</summary>
    public required string Name { get; init; }

    /// <summary>Supplier shown in reports ("OpenSSL Software Foundation").</summary>
    public string? Vendor { get; init; }

    /// <summary>CPE 2.3 vendor and product as NVD names them: "openssl:openssl".</summary>
    public string? Cpe { get; init; }

    /// <summary>CPE part: "a" (application, the default), "o" (operating system), "h" (hardware).</summary>
    public string CpePart { get; init; } = "a";

    /// <summary>purl type and name for sightings outside a package database: "generic/openssl", "github/madler/zlib".</summary>
    public string? Purl { get; init; }

    /// <summary>"application", "library", "operating-system" or "firmware".</summary>
    public string Type { get; init; } = "application";

    /// <summary>Binary package names (dpkg, opkg), '*' and '?' wildcards: "libssl*".</summary>
    public IReadOnlyList<string> Packages { get; init; } = [];

    /// <summary>Debian source package names: "openssl", "gcc-*".</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>File names that hint at the product, wildcards allowed: "libcrypto.so*", "openssl".</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>SONAMEs of the product's libraries, wildcards allowed: "libcrypto.so.*".</summary>
    public IReadOnlyList<string> Sonames { get; init; } = [];

    /// <summary>Regex over a file name whose group "version" is the upstream version (libz.so.1.2.13), for products whose library names carry it.</summary>
    public string? VersionFromFileName { get; init; }

    /// <summary>Patterns over printable strings that confirm the product; group "version" captures the version.</summary>
    public IReadOnlyList<VersionPattern> Patterns { get; init; } = [];

    /// <summary>The component type.</summary>
    [JsonIgnore]
    public ComponentType ComponentType => Type switch
    {
        "library" => ComponentType.Library,
        "operating-system" => ComponentType.OperatingSystem,
        "firmware" => ComponentType.Firmware,
        _ => ComponentType.Application,
    };
}

/// <summary>A version signature of a product.</summary>
public sealed record VersionPattern
{
    /// <summary>.NET regular expression over one printable string; named group "version".</summary>
    public required string Regex { get; init; }

    /// <summary>When true the pattern counts only in files whose name matches the product's <see cref="Product.Files"/> hints (bare version strings).</summary>
    public bool Hinted { get; init; }

    /// <summary>
    /// A literal that every match contains, searched for in the raw bytes before the regex runs. When null it is
    /// derived from the regex's literal prefix (<see cref="Signatures.SignatureIndex.AnchorOf"/>).
    /// </summary>
    public string? Anchor { get; init; }
}
