using System.Globalization;
using System.Text;
using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Inventory;

/// <summary>
/// The merge step after the walk: sightings become components, one per product and version, each
/// carrying every sighting as evidence; DT_NEEDED links become dependencies.
/// </summary>
/// <remarks>
/// Rules. Sightings with a version group by (product, version): two versions of one product are two
/// components. A sighting without a version (a SONAME, a file name, an ABI-style kernel release) joins a
/// versioned component of the same product that already has evidence in the same file, else the only
/// versioned component of that product in the same filesystem, else the only one in the image; when none
/// (or several) fit, it makes a component whose version is null. A version is never borrowed across
/// products and never guessed.
/// </remarks>
public static class InventoryBuilder
{
    /// <summary>Builds the inventory from the walk's results.</summary>
    public static InventoryResult Build(AnalysisResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var observations = results.Items<ComponentObservation>()
            .OrderBy(o => o.Location, StringComparer.Ordinal)
            .ThenBy(o => o.Method)
            .ThenBy(o => o.Detail, StringComparer.Ordinal)
            .ThenBy(o => o.Version, StringComparer.Ordinal)
            .ThenBy(o => o.Name, StringComparer.Ordinal)
            .ToList();

        var groups = new Dictionary<(string Key, string Version), List<ComponentObservation>>();
        foreach (var o in observations.Where(o => o.Version is not null))
        {
            var key = (KeyOf(o), o.Version!);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            list.Add(o);
        }

        var versionless = new Dictionary<string, List<ComponentObservation>>(StringComparer.Ordinal);
        foreach (var o in observations.Where(o => o.Version is null))
        {
            var home = HomeFor(o, groups);
            if (home is not null)
            {
                home.Add(o);
            }
            else
            {
                string key = KeyOf(o);
                if (!versionless.TryGetValue(key, out var list))
                {
                    versionless[key] = list = [];
                }

                list.Add(o);
            }
        }

        var drafts = groups.Select(g => g.Value).Concat(versionless.Values).Select(Draft).ToList();
        drafts.Sort((a, b) => string.CompareOrdinal(SortKey(a), SortKey(b)));

        var used = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<Component>(drafts.Count);
        foreach (var d in drafts)
        {
            components.Add(Finish(d, UniqueRef(d, used)));
        }

        AddDependencies(components, results);
        var os = components.FirstOrDefault(c => c.Type == ComponentType.OperatingSystem && c.Product?.Id != "linux-kernel"
            && c.Evidence.Any(e => e.Method == EvidenceMethod.PackageDb));
        return new InventoryResult { Components = components, OperatingSystem = os };
    }

    private static string KeyOf(ComponentObservation o) => o.Product?.Id ?? o.Name.ToLowerInvariant();

    private static string LayerOf(string location)
    {
        int colon = location.LastIndexOf(":/", StringComparison.Ordinal);
        return colon < 0 ? location : location[..colon];
    }

    private static List<ComponentObservation>? HomeFor(ComponentObservation o, Dictionary<(string Key, string Version), List<ComponentObservation>> groups)
    {
        string key = KeyOf(o);
        var candidates = groups.Where(g => g.Key.Key == key).Select(g => g.Value).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var sameFile = candidates.Where(c => c.Any(x => x.Location == o.Location)).ToList();
        if (sameFile.Count == 1)
        {
            return sameFile[0];
        }

        string layer = LayerOf(o.Location);
        var sameLayer = candidates.Where(c => c.Any(x => LayerOf(x.Location) == layer)).ToList();
        if (sameLayer.Count == 1)
        {
            return sameLayer[0];
        }

        return sameLayer.Count == 0 && candidates.Count == 1 ? candidates[0] : null;
    }

    private sealed record DraftComponent(List<ComponentObservation> Sightings, Product? Product, string Name, string? Version);

    private static DraftComponent Draft(List<ComponentObservation> sightings)
    {
        var first = sightings.OrderByDescending(s => s.Confidence).ThenBy(s => s.Method).First();
        var product = sightings.Select(s => s.Product).FirstOrDefault(p => p is not null);
        return new DraftComponent(sightings, product, product?.Name ?? first.Name, sightings.Select(s => s.Version).FirstOrDefault(v => v is not null));
    }

    private static string SortKey(DraftComponent d) => d.Name + "\u0000" + (d.Version ?? "") + "\u0000" + d.Sightings.Min(s => s.Location);

    private static string UniqueRef(DraftComponent d, HashSet<string> used)
    {
        string stem = d.Version is null ? d.Name : d.Name + "@" + d.Version;
        string bomRef = stem;
        for (int n = 2; !used.Add(bomRef); n++)
        {
            bomRef = stem + "#" + n.ToString(CultureInfo.InvariantCulture);
        }

        return bomRef;
    }

    private static Component Finish(DraftComponent d, string bomRef)
    {
        var ranked = d.Sightings.OrderByDescending(s => s.Confidence).ThenBy(s => s.Method).ThenBy(s => s.Location, StringComparer.Ordinal).ToList();
        var main = ranked.FirstOrDefault(s => s.FileSha256 is not null && s.Method != EvidenceMethod.PackageDb);
        var evidence = d.Sightings
            .Select(s => new ComponentEvidence(s.Location, s.Path, s.Method, s.Confidence, s.Detail))
            .Distinct()
            .OrderBy(e => e.Location, StringComparer.Ordinal)
            .ThenBy(e => e.Method)
            .ThenBy(e => e.Detail, StringComparer.Ordinal)
            .ToList();
        var type = d.Product?.ComponentType ?? ranked[0].Type;
        return new Component
        {
            BomRef = bomRef,
            Name = d.Name,
            Version = d.Version,
            Vendor = d.Product?.Vendor ?? ranked.Select(s => s.Vendor).FirstOrDefault(v => v is not null),
            Purl = ranked.Where(s => s.Method == EvidenceMethod.PackageDb).Select(s => s.Purl).FirstOrDefault(p => p is not null)
                ?? ranked.Select(s => s.Purl).FirstOrDefault(p => p is not null)
                ?? GenericPurl(d.Product, d.Version),
            Cpe = ranked.Select(s => s.Cpe).FirstOrDefault(c => c is not null) ?? Cpe(d.Product, d.Version),
            Licenses = [.. d.Sightings.SelectMany(s => s.Licenses).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            Type = type,
            Sha256 = main?.FileSha256,
            MainFile = main?.Location,
            Evidence = evidence,
            Product = d.Product,
        };
    }

    /// <summary>CPE 2.3 formatted string for a catalog product; the version escaped, '*' when unknown.</summary>
    public static string? Cpe(Product? product, string? version)
    {
        if (product?.Cpe is not { } vendorProduct || vendorProduct.Split(':') is not [var vendor, var name])
        {
            return null;
        }

        return $"cpe:2.3:{product.CpePart}:{vendor}:{name}:{(version is null ? "*" : CpeEscape(version))}:*:*:*:*:*:*:*";
    }

    /// <summary>Escapes a value for a CPE 2.3 formatted string (every non-alphanumeric except '.', '-', '_' gets a backslash).</summary>
    public static string CpeEscape(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static string? GenericPurl(Product? product, string? version)
    {
        if (product?.Purl is not { } typeAndName)
        {
            return null;
        }

        string purl = "pkg:" + string.Join('/', typeAndName.Split('/').Select((part, i) => i == 0 ? part : Uri.EscapeDataString(part)));
        return version is null ? purl : purl + "@" + Uri.EscapeDataString(version);
    }

    private static void AddDependencies(List<Component> components, AnalysisResults results)
    {
        var byFile = new Dictionary<string, Component>(StringComparer.Ordinal);
        foreach (var c in components)
        {
            foreach (var e in c.Evidence.Where(e => e.Path is not null && e.Method != EvidenceMethod.PackageDb))
            {
                byFile.TryAdd(e.Location, c);
            }
        }

        var byPackage = new Dictionary<string, Component>(StringComparer.Ordinal);
        var packageOf = results.Items<ComponentObservation>()
            .Where(o => o.Package is not null)
            .ToList();
        foreach (var c in components)
        {
            foreach (var o in packageOf.Where(o => c.Evidence.Any(e => e.Location == o.Location && e.Detail == o.Detail)))
            {
                byPackage.TryAdd(LayerOf(o.Location) + "\u0000" + o.Package, c);
            }
        }

        foreach (var files in results.Items<PackageFiles>().OrderBy(f => f.LayerLocation, StringComparer.Ordinal).ThenBy(f => f.Package, StringComparer.Ordinal))
        {
            if (byPackage.TryGetValue(files.LayerLocation + "\u0000" + files.Package, out var owner))
            {
                foreach (string path in files.Paths)
                {
                    byFile.TryAdd(files.LayerLocation + ":" + path, owner);
                }
            }
        }

        var links = results.Items<ElfLinkInfo>();
        var providers = new Dictionary<string, Component>(StringComparer.Ordinal);
        foreach (var lib in links.Where(l => l.Soname is not null).OrderBy(l => l.Path, StringComparer.Ordinal))
        {
            if (byFile.TryGetValue(lib.LayerLocation + ":" + lib.Path, out var provider))
            {
                providers.TryAdd(lib.LayerLocation + "\u0000" + lib.Soname, provider);
            }
        }

        var edges = new Dictionary<Component, SortedSet<string>>();
        foreach (var elf in links)
        {
            if (!byFile.TryGetValue(elf.LayerLocation + ":" + elf.Path, out var user))
            {
                continue;
            }

            foreach (string needed in elf.Needed)
            {
                if (providers.TryGetValue(elf.LayerLocation + "\u0000" + needed, out var provider) && provider != user)
                {
                    if (!edges.TryGetValue(user, out var set))
                    {
                        edges[user] = set = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    set.Add(provider.BomRef);
                }
            }
        }

        foreach (var (user, set) in edges)
        {
            user.DependsOn = [.. set];
        }
    }
}
