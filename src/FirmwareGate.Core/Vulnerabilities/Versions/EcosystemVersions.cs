namespace FirmwareGate.Core.Vulnerabilities.Versions;

/// <summary>Picks the version order of an OSV ecosystem or range type.</summary>
public static class EcosystemVersions
{
    /// <summary>
    /// Compares two versions of a package in <paramref name="ecosystem"/> (<c>Debian:12</c>, <c>npm</c>...) for a range
    /// of <paramref name="rangeType"/> (<c>SEMVER</c> or <c>ECOSYSTEM</c>); null when undecidable.
    /// </summary>
    /// <remarks>
    /// <c>SEMVER</c> ranges and the SemVer ecosystems (npm, crates.io, Go, Hex, Pub, SwiftURL) use
    /// <see cref="SemanticVersionComparer"/>; Debian and Ubuntu use <see cref="DebianVersionComparer"/>; every other
    /// ecosystem (Alpine, PyPI, Maven, RubyGems, NuGet, OSS-Fuzz...) uses <see cref="VersionComparer"/>, which
    /// orders their usual versions (<c>1.36.1-r2</c>, <c>1.0rc1</c>, <c>2.3.0.Final</c> aside) the same way.
    /// </remarks>
    public static int? Compare(string? ecosystem, string? rangeType, string a, string b)
    {
        if (string.Equals(rangeType, "SEMVER", StringComparison.OrdinalIgnoreCase))
        {
            return SemanticVersionComparer.Compare(a, b);
        }

        return BaseName(ecosystem) switch
        {
            "debian" or "ubuntu" => DebianVersionComparer.Compare(a, b),
            "npm" or "crates.io" or "go" or "hex" or "pub" or "swifturl" => SemanticVersionComparer.Compare(a, b) ?? VersionComparer.Compare(a, b),
            _ => VersionComparer.Compare(a, b),
        };
    }

    /// <summary>The ecosystem without its release (<c>Debian:12</c> -&gt; <c>debian</c>), lower case.</summary>
    public static string BaseName(string? ecosystem)
    {
        if (string.IsNullOrEmpty(ecosystem))
        {
            return "";
        }

        int colon = ecosystem.IndexOf(':', StringComparison.Ordinal);
        return (colon < 0 ? ecosystem : ecosystem[..colon]).Trim().ToLowerInvariant();
    }
}
