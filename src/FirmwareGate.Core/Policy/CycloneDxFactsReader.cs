using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// <see cref="ScanFacts"/> from a CycloneDX JSON SBOM: the firmware (<c>metadata.component</c>), the components and
/// the vulnerabilities. An SBOM has no findings, binaries, byte coverage or database: those stay empty (null).
/// The firmware's layer tree FirmwareGate nests under <c>metadata.component</c> is not inventory and is not read;
/// nor are <c>cryptographic-asset</c> and <c>file</c> components (keys, certificates and files are not packages).
/// </summary>
internal static class CycloneDxFactsReader
{
    // Nested components (assemblies) are flattened down to this depth; the document's own depth limit bounds the rest.
    private const int MaxNesting = 16;

    private const string Prefix = CycloneDxReportWriter.PropertyPrefix;

    public static ScanFacts Read(JsonElement root, ReportJson json)
    {
        var metadata = json.OptionalObject(root, "metadata", "");
        var firmware = metadata is { } m ? json.OptionalObject(m, "component", "metadata") : null;
        string imageName = (firmware is { } f ? json.OptionalString(f, "name", "metadata.component") : null) ?? Path.GetFileName(json.File);
        var components = new List<ComponentFact>();
        ReadComponents(root, "", json, imageName, components, 0);
        components.Sort((x, y) => string.CompareOrdinal(x.BomRef, y.BomRef));
        return new ScanFacts
        {
            ImageName = imageName,
            ImageSha256 = firmware is { } withHashes ? Sha256(withHashes, json) : null,
            ScannedAt = (metadata is { } time ? json.OptionalTime(time, "timestamp", "metadata") : null) ?? default,
            Complete = metadata is not { } props || Property(props, "analysis:complete", "metadata", json) != "false",
            Components = components,
            Vulnerabilities = ReadVulnerabilities(root, json, components, imageName),
        };
    }

    private static string? Sha256(JsonElement component, ReportJson json) =>
        json.Objects(component, "hashes", "metadata.component")
            .Where(p => json.OptionalString(p.Item, "alg", p.Path) == "SHA-256")
            .Select(p => json.OptionalString(p.Item, "content", p.Path))
            .FirstOrDefault();

    private static void ReadComponents(JsonElement parent, string path, ReportJson json, string imageName, List<ComponentFact> into, int depth)
    {
        if (depth > MaxNesting)
        {
            throw json.Error(path, $"components nested deeper than {MaxNesting}");
        }

        foreach (var (c, itemPath) in json.Objects(parent, "components", path))
        {
            string type = json.OptionalString(c, "type", itemPath) ?? "library";
            if (type is not ("cryptographic-asset" or "file"))
            {
                into.Add(ReadComponent(c, itemPath, json, imageName));
            }

            ReadComponents(c, itemPath, json, imageName, into, depth + 1);
        }
    }

    private static ComponentFact ReadComponent(JsonElement c, string path, ReportJson json, string imageName)
    {
        string name = json.RequiredString(c, "name", path);
        string? version = json.OptionalString(c, "version", path);
        var occurrences = json.OptionalObject(c, "evidence", path) is { } evidence
            ? json.Objects(evidence, "occurrences", path + ".evidence").Select(p => json.OptionalString(p.Item, "location", p.Path)).OfType<string>().ToList()
            : [];
        return new ComponentFact
        {
            BomRef = json.OptionalString(c, "bom-ref", path) ?? (version is null ? name : name + "@" + version),
            Name = name,
            Version = version,
            Purl = json.OptionalString(c, "purl", path),
            Cpe = json.OptionalString(c, "cpe", path),
            Licenses = ReadLicenses(c, path, json),
            Path = occurrences.Select(l => PathOf(l, imageName)).FirstOrDefault(p => p is not null),
            Location = occurrences.FirstOrDefault() ?? imageName,
        };
    }

    /// <summary>
    /// The path inside the filesystem of an occurrence: FirmwareGate writes the report's location syntax
    /// (<c>image@0x0:zip/squashfs(lz4):/bin/busybox</c>: the path follows the first <c>:/</c> after the image name);
    /// other tools write the path itself.
    /// </summary>
    internal static string? PathOf(string location, string imageName)
    {
        if (location.StartsWith('/'))
        {
            return location;
        }

        int start = location.StartsWith(imageName, StringComparison.Ordinal) ? imageName.Length : 0;
        int colon = location.IndexOf(":/", start, StringComparison.Ordinal);
        return colon >= 0 ? location[(colon + 1)..] : null;
    }

    private static List<string> ReadLicenses(JsonElement c, string path, ReportJson json)
    {
        var list = new List<string>();
        foreach (var (choice, itemPath) in json.Objects(c, "licenses", path))
        {
            if (json.OptionalString(choice, "expression", itemPath) is { } expression)
            {
                list.Add(expression);
            }
            else if (json.OptionalObject(choice, "license", itemPath) is { } license
                && (json.OptionalString(license, "id", itemPath + ".license") ?? json.OptionalString(license, "name", itemPath + ".license")) is { } id)
            {
                list.Add(id);
            }
        }

        return list;
    }

    private static List<VulnerabilityFact> ReadVulnerabilities(JsonElement root, ReportJson json, List<ComponentFact> components, string imageName)
    {
        var byRef = new Dictionary<string, ComponentFact>(StringComparer.Ordinal);
        foreach (var c in components)
        {
            byRef.TryAdd(c.BomRef, c);
        }

        var list = new List<VulnerabilityFact>();
        foreach (var (v, path) in json.Objects(root, "vulnerabilities", ""))
        {
            string id = json.RequiredString(v, "id", path);
            string? verdict = Verdict(v, path, json);
            if (verdict is null)
            {
                continue;
            }

            var rating = Vulnerabilities.Vulnerability.SeverityRating([.. json.Objects(v, "ratings", path).Select(p => ReadRating(p.Item, p.Path, json))]);
            var aliases = json.Objects(v, "references", path).Select(p => json.OptionalString(p.Item, "id", p.Path)).OfType<string>().ToList();
            string? epss = Property(v, "epss:score", path, json);
            foreach (var (affects, affectsPath) in json.Objects(v, "affects", path))
            {
                string componentRef = json.RequiredString(affects, "ref", affectsPath);
                var component = byRef.GetValueOrDefault(componentRef);
                list.Add(new VulnerabilityFact
                {
                    Id = id,
                    Aliases = aliases,
                    ComponentRef = componentRef,
                    ComponentName = component?.Name ?? componentRef,
                    ComponentVersion = component?.Version,
                    ComponentPurl = component?.Purl,
                    Verdict = verdict,
                    Severity = rating?.Severity ?? "unknown",
                    Score = rating is { Score: > 0 } r ? r.Score : null,
                    KnownExploited = Property(v, "known-exploited", path, json) == "true",
                    Epss = epss is not null && double.TryParse(epss, NumberStyles.Float, CultureInfo.InvariantCulture, out double e) && double.IsFinite(e) ? e : null,
                    Location = component?.Location ?? imageName,
                    Path = component?.Path,
                });
            }
        }

        return list;
    }

    /// <summary>
    /// FirmwareGate's own verdict property; for other tools' SBOMs the VEX analysis decides: a record analysed as
    /// not affecting the product is not a vulnerability of it (null), one in triage is undecidable, anything else affects it.
    /// </summary>
    private static string? Verdict(JsonElement v, string path, ReportJson json)
    {
        if (Property(v, "match:verdict", path, json) is { } verdict)
        {
            return verdict;
        }

        string? state = json.OptionalObject(v, "analysis", path) is { } analysis ? json.OptionalString(analysis, "state", path + ".analysis") : null;
        return state switch
        {
            "not_affected" or "false_positive" or "resolved" or "resolved_with_pedigree" => null,
            "in_triage" => "undecidable",
            _ => "affected",
        };
    }

    private static CvssRating ReadRating(JsonElement r, string path, ReportJson json) => new(
        json.OptionalString(r, "method", path) switch
        {
            "CVSSv4" => "4.0",
            "CVSSv31" => "3.1",
            "CVSSv3" => "3.0",
            "CVSSv2" => "2.0",
            var other => other ?? "",
        },
        json.OptionalDouble(r, "score", path) ?? 0,
        json.OptionalString(r, "vector", path) ?? "",
        json.OptionalString(r, "severity", path) ?? "unknown",
        json.OptionalObject(r, "source", path) is { } source ? json.OptionalString(source, "name", path + ".source") : null,
        Primary: false);

    /// <summary>The value of a FirmwareGate property (<c>firmwaregate:NAME</c>) of an object; null when absent.</summary>
    private static string? Property(JsonElement obj, string name, string path, ReportJson json) =>
        json.Objects(obj, "properties", path)
            .Where(p => json.OptionalString(p.Item, "name", p.Path) == Prefix + name)
            .Select(p => json.OptionalString(p.Item, "value", p.Path))
            .FirstOrDefault();
}
