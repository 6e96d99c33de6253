namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>
/// The parts of a package URL that matching needs (purl spec: <c>pkg:type/namespace/name@version?qualifiers#subpath</c>),
/// percent-decoded; the type lower case.
/// </summary>
/// <param name="Type">The type: <c>deb</c>, <c>apk</c>, <c>npm</c>, <c>pypi</c>...</param>
/// <param name="Namespace">The namespace (<c>debian</c>, <c>@angular</c>, <c>org.apache.logging.log4j</c>), null when none.</param>
/// <param name="Name">The name.</param>
/// <param name="Version">The version, null when none.</param>
public sealed record PackageUrl(string Type, string? Namespace, string Name, string? Version)
{
    /// <summary>Longest purl parsed.</summary>
    public const int MaxLength = 2048;

    /// <summary>Parses a purl; null when it is not one.</summary>
    public static PackageUrl? TryParse(string? text)
    {
        if (text is null || text.Length > MaxLength || !text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string rest = text[4..].TrimStart('/');
        int cut = rest.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            rest = rest[..cut];
        }

        string? version = null;
        int at = rest.LastIndexOf('@');
        if (at > rest.LastIndexOf('/'))
        {
            version = Decode(rest[(at + 1)..]);
            rest = rest[..at];
        }

        string[] segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            return null;
        }

        string type = segments[0].ToLowerInvariant();
        string name = Decode(segments[^1]);
        string? ns = segments.Length > 2 ? string.Join('/', segments[1..^1].Select(Decode)) : null;
        return type.Length == 0 || name.Length == 0 ? null : new PackageUrl(type, ns, name, string.IsNullOrEmpty(version) ? null : version);
    }

    /// <summary>The OSV ecosystem of this purl type (<c>deb</c> -&gt; <c>Debian</c>), null when there is none.</summary>
    /// <remarks>From the OSV schema's ecosystem list and the purl types it names.</remarks>
    public string? Ecosystem => Type switch
    {
        "deb" => string.Equals(Namespace, "ubuntu", StringComparison.OrdinalIgnoreCase) ? "Ubuntu" : "Debian",
        "apk" => string.Equals(Namespace, "wolfi", StringComparison.OrdinalIgnoreCase) ? "Wolfi" : "Alpine",
        "npm" => "npm",
        "pypi" => "PyPI",
        "golang" => "Go",
        "cargo" => "crates.io",
        "maven" => "Maven",
        "nuget" => "NuGet",
        "gem" => "RubyGems",
        "composer" => "Packagist",
        "hex" => "Hex",
        "pub" => "Pub",
        "cran" => "CRAN",
        "hackage" => "Hackage",
        "swift" => "SwiftURL",
        "rpm" => RpmEcosystem(),
        _ => null,
    };

    /// <summary>The package's name as its OSV ecosystem writes it: <c>group:artifact</c> for Maven, the full path for Go and npm scopes.</summary>
    public string EcosystemName => (Type, Namespace) switch
    {
        (_, null) => Name,
        ("maven", _) => $"{Namespace}:{Name}",
        ("golang" or "npm" or "composer" or "swift", _) => $"{Namespace}/{Name}",
        _ => Name,
    };

    private string? RpmEcosystem() => Namespace?.ToLowerInvariant() switch
    {
        "redhat" => "Red Hat",
        "opensuse" => "openSUSE",
        "suse" => "SUSE",
        "rocky-linux" => "Rocky Linux",
        "almalinux" => "AlmaLinux",
        _ => null,
    };

    private static string Decode(string segment)
    {
        try
        {
            return Uri.UnescapeDataString(segment);
        }
        catch (UriFormatException)
        {
            return segment;
        }
    }
}
