namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>One installed package as a package database lists it, validated.</summary>
/// <param name="Package">Binary package name.</param>
/// <param name="Version">Full package version ("1:1.2.13.dfsg-1"), or null when missing or malformed.</param>
/// <param name="Source">Source package name, or null.</param>
/// <param name="Architecture">Architecture, or null.</param>
/// <param name="Line">Line of the paragraph in its file.</param>
internal sealed record PackageEntry(string Package, string? Version, string? Source, string? Architecture, int Line)
{
    /// <summary>Longest package name accepted.</summary>
    public const int MaxNameLength = 128;

    /// <summary>
    /// Reads the paragraph's Package, Version, Source and Architecture. Null (with a warning) when it has no
    /// valid Package; null without a warning when its Status says it is not installed.
    /// </summary>
    /// <summary>The valid entries of a database in file order, each package and architecture once; a repeat is reported and skipped.</summary>
    public static IEnumerable<(PackageEntry Entry, ControlStanza Stanza)> Distinct(IEnumerable<ControlStanza> stanzas, Action<string> warn)
    {
        var seen = new HashSet<(string, string?)>();
        foreach (var stanza in stanzas)
        {
            if (From(stanza, warn) is not { } entry)
            {
                continue;
            }

            if (!seen.Add((entry.Package, entry.Architecture)))
            {
                warn($"package {entry.Package} ({entry.Architecture ?? "no architecture"}) listed again at line {entry.Line}; the first entry is kept");
                continue;
            }

            yield return (entry, stanza);
        }
    }

    public static PackageEntry? From(ControlStanza stanza, Action<string> warn)
    {
        string? package = stanza["Package"];
        if (package is null)
        {
            warn($"paragraph at line {stanza.Line} has no Package field; skipped");
            return null;
        }

        if (!IsName(package))
        {
            warn($"paragraph at line {stanza.Line}: Package is not a valid package name; skipped");
            return null;
        }

        // Status: want flag status (dpkg(1)); "install ok installed", "hold ok installed", opkg "install user
        // installed". status.d files of distroless images have no Status line and are installed.
        if (stanza["Status"] is { } status && !status.EndsWith(" installed", StringComparison.Ordinal))
        {
            return null;
        }

        string? version = stanza["Version"];
        if (version is null)
        {
            warn($"package {package} (line {stanza.Line}) has no Version");
        }
        else if (!DebianVersion.IsValid(version))
        {
            warn($"package {package} (line {stanza.Line}): Version is not a valid package version; ignored");
            version = null;
        }

        // Source: "name" or "name (version)" when the source version differs from the binary one.
        string? source = stanza["Source"];
        if (source is not null)
        {
            int paren = source.IndexOf(' ');
            source = paren < 0 ? source : source[..paren];
            if (!IsName(source))
            {
                warn($"package {package} (line {stanza.Line}): Source is not a valid package name; ignored");
                source = null;
            }
        }

        string? arch = stanza["Architecture"];
        if (arch is not null && (arch.Length > 64 || !arch.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            warn($"package {package} (line {stanza.Line}): Architecture is malformed; ignored");
            arch = null;
        }

        return new PackageEntry(package, version, source, arch, stanza.Line);
    }

    /// <summary>deb-control(5) names: letters, digits, '+', '-', '.'; opkg also allows '_' and upper case.</summary>
    public static bool IsName(string name) =>
        name.Length is > 0 and <= MaxNameLength
        && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.' or '_');

    /// <summary>
    /// The component sighting: product from the catalog by package, then source name; the upstream version;
    /// the package URL given by <paramref name="purl"/>.
    /// </summary>
    public ComponentObservation ToObservation(ProductCatalog catalog, string database, string location, string path, string? purl, IReadOnlyList<string> licenses)
    {
        var product = catalog.ByPackage(Package, Source);
        string detail = $"{database}: {Package} {Version ?? "(no version)"}" + (Source is null || Source == Package ? "" : $" (source {Source})");
        return new ComponentObservation
        {
            Product = product,
            Name = product?.Name ?? Source ?? Package,
            Version = Version is null ? null : DebianVersion.Upstream(Version),
            Vendor = product?.Vendor,
            Purl = purl,
            Type = product?.ComponentType ?? (Package.StartsWith("lib", StringComparison.Ordinal) ? ComponentType.Library : ComponentType.Application),
            Licenses = licenses,
            Method = EvidenceMethod.PackageDb,
            Confidence = 1.0,
            Location = location,
            Path = path,
            Detail = detail,
            Package = Package,
        };
    }
}
