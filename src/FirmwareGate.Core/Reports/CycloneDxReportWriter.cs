using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CycloneDX;
using CycloneDX.Models;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Unpacking;
using CdxComponent = CycloneDX.Models.Component;
using Component = FirmwareGate.Core.Inventory.Component;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Writes the CycloneDX 1.6 JSON SBOM of a scan, built with CycloneDX.Core's model and serializer:
/// the firmware as <c>metadata.component</c> with its recognised layers nested inside (the provenance tree),
/// the inventory as <c>components[]</c> with evidence, the link graph as <c>dependencies[]</c>, and the matched
/// vulnerabilities as <c>vulnerabilities[]</c>.
/// Deterministic: stable ordering, a serial number derived from the image hash and the tool version, and a
/// timestamp only when the scan time was given (<c>--now</c>, <c>SOURCE_DATE_EPOCH</c>).
/// </summary>
public static class CycloneDxReportWriter
{
    /// <summary>The CycloneDX specification version written.</summary>
    public const string SpecVersion = "1.6";

    /// <summary>Prefix of FirmwareGate's property names (CycloneDX property taxonomy: a namespace of its own).</summary>
    public const string PropertyPrefix = "firmwaregate:";

    // Namespace of the name-based (v5) serial numbers: a fixed, random UUID owned by FirmwareGate SBOMs.
    private static readonly Guid SerialNamespace = new("0b9f6a3e-5d0c-4c55-9a43-2f3c1f6f7a21");

    /// <summary>The bom-ref of the firmware (metadata.component).</summary>
    public static string FirmwareRef(ScanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return "firmware:" + EntryName.Display(result.Image.Name);
    }

    /// <summary>The bom-ref of a layer's nested component.</summary>
    public static string LayerRef(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return "layer:" + layer.Id;
    }

    /// <summary>The serial number: <c>urn:uuid:</c> and a name-based (RFC 9562 v5) UUID of the image SHA-256 and the tool version.</summary>
    public static string SerialNumber(string imageSha256, string toolVersion) =>
        "urn:uuid:" + NameBasedUuid(SerialNamespace, $"firmwaregate/{toolVersion}/sha256:{imageSha256}").ToString("D", CultureInfo.InvariantCulture);

    /// <summary>Builds the CycloneDX model of a scan.</summary>
    internal static Bom Build(ScanResult result, string toolVersion, Policy.PolicyOutcome? policy = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(toolVersion);
        var inventory = result.Inventory;
        string firmwareRef = FirmwareRef(result);

        var firmware = new CdxComponent
        {
            Type = CdxComponent.Classification.Firmware,
            BomRef = firmwareRef,
            Name = EntryName.Display(result.Image.Name),
            Version = inventory.OperatingSystem?.Version,
            Hashes = [new Hash { Alg = Hash.HashAlgorithm.SHA_256, Content = result.Image.Sha256 }],
            Properties =
            [
                Property("image:size", result.Image.Size.ToString(CultureInfo.InvariantCulture)),
                Property("image:format-chain", string.Join(' ', result.Image.FormatChain)),
            ],
            Components = LayerComponents(result.Layers),
        };

        var metadata = new Metadata
        {
            Timestamp = result.Reproducible ? result.ScannedAt.UtcDateTime : null,
            Lifecycles = [new Lifecycles { Phase = Lifecycles.LifecyclePhase.Post_Build }],
            Tools = new ToolChoices
            {
                Components = [new CdxComponent { Type = CdxComponent.Classification.Application, Name = "FirmwareGate", Version = toolVersion }],
            },
            Component = firmware,
            Properties = [Property("analysis:complete", result.Complete ? "true" : "false")],
        };

        var components = inventory.Components
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ThenBy(c => c.Version, StringComparer.Ordinal)
            .ThenBy(c => c.BomRef, StringComparer.Ordinal)
            .ToList();

        var cryptoAssets = CycloneDxCryptoAssets.Components(result.Checks);
        return new Bom
        {
            SpecVersion = SpecificationVersion.v1_6,
            SerialNumber = SerialNumber(result.Image.Sha256, toolVersion),
            Version = 1,
            Metadata = metadata,
            Components = components.Count > 0 || cryptoAssets.Count > 0 ? [.. components.Select(ToCdx), .. cryptoAssets] : null,
            Dependencies = [.. Dependencies(firmwareRef, components), .. CycloneDxCryptoAssets.Dependencies(result.Checks)],
            Vulnerabilities = CycloneDxVulnerabilities.Of(result.Vulnerabilities, components.ToDictionary(c => c.BomRef, c => c.Version, StringComparer.Ordinal), CycloneDxVulnerabilities.WaiversByRef(policy)),
        };
    }

    /// <summary>Writes the SBOM to a stream: UTF-8, indented, LF line endings, a final newline.</summary>
    public static void Write(ScanResult result, Stream output, string toolVersion, Policy.PolicyOutcome? policy = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Encoding.UTF8.GetBytes(ToJson(result, toolVersion, policy)));
    }

    /// <summary>The SBOM as a string; with a policy outcome, waived vulnerabilities carry their VEX <c>analysis</c>.</summary>
    public static string ToJson(ScanResult result, string toolVersion, Policy.PolicyOutcome? policy = null) => CycloneDxJson.Serialize(Build(result, toolVersion, policy));

    /// <summary>The same SBOM through CycloneDX.Core's own <c>Serializer.Serialize</c> (reflection-based; tests compare it with <see cref="ToJson"/>).</summary>
    internal static string ToJsonWithLibrarySerializer(ScanResult result, string toolVersion) =>
        CycloneDxJson.SerializeWithLibrarySerializer(Build(result, toolVersion));

    /// <summary>
    /// Validates a CycloneDX 1.6 JSON document with CycloneDX.Core's own validator (the official JSON schema);
    /// returns the problems, none when valid.
    /// </summary>
    public static IReadOnlyList<string> Validate(string json)
    {
        var validation = CycloneDX.Json.Validator.Validate(json, SpecificationVersion.v1_6);
        return validation.Valid ? [] : [.. validation.Messages];
    }

    private static CdxComponent ToCdx(Component c)
    {
        var cdx = new CdxComponent
        {
            Type = c.Type switch
            {
                ComponentType.Library => CdxComponent.Classification.Library,
                ComponentType.OperatingSystem => CdxComponent.Classification.Operating_System,
                ComponentType.Firmware => CdxComponent.Classification.Firmware,
                _ => CdxComponent.Classification.Application,
            },
            BomRef = c.BomRef,
            Supplier = c.Vendor is { Length: > 0 } vendor ? new OrganizationalEntity { Name = vendor } : null,
            Name = c.Name,
            Version = c.Version,
            Purl = c.Purl,
            Cpe = c.Cpe,
        };

        if (c.Sha256 is { } sha && IsSha256(sha))
        {
            cdx.Hashes = [new Hash { Alg = Hash.HashAlgorithm.SHA_256, Content = sha.ToLowerInvariant() }];
        }

        var licenses = CycloneDxLicenses.Of(c.Licenses);
        if (licenses.Count > 0)
        {
            cdx.Licenses = licenses;
        }

        if (c.MainFile is { } mainFile)
        {
            cdx.Properties = [Property("main-file", EntryName.Display(mainFile))];
        }

        if (c.Evidence.Count > 0)
        {
            cdx.Evidence = Evidence(c);
        }

        return cdx;
    }

    private static Evidence Evidence(Component c)
    {
        // The identity the evidence supports: the most specific identifier the component has.
        var (field, value) = c.Purl is { Length: > 0 } purl ? (EvidenceIdentity.EvidenceFieldType.Purl, purl)
            : c.Cpe is { Length: > 0 } cpe ? (EvidenceIdentity.EvidenceFieldType.Cpe, cpe)
            : (EvidenceIdentity.EvidenceFieldType.Name, c.Name);

        var methods = new List<EvidenceMethods>();
        var seenMethods = new HashSet<(EvidenceMethods.EvidenceTechnique, float, string?)>();
        var occurrences = new List<EvidenceOccurrence>();
        var seenLocations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in c.Evidence)
        {
            var technique = Technique(e.Method);
            float confidence = Confidence(e.Confidence);
            string? detail = e.Detail is { Length: > 0 } d ? EntryName.Display(d) : null;
            if (seenMethods.Add((technique, confidence, detail)))
            {
                methods.Add(new EvidenceMethods { Technique = technique, Confidence = confidence, Value = detail });
            }

            string location = EntryName.Display(e.Location);
            if (seenLocations.Add(location))
            {
                occurrences.Add(new EvidenceOccurrence { Location = location });
            }
        }

        return new Evidence
        {
            Identity =
            [
                new EvidenceIdentity
                {
                    Field = field,
                    Confidence = Confidence(c.Evidence.Max(e => e.Confidence)),
                    ConcludedValue = value,
                    Methods = methods,
                },
            ],
            Occurrences = occurrences,
        };
    }

    /// <summary>How a sighting method is named in CycloneDX's evidence techniques.</summary>
    internal static EvidenceMethods.EvidenceTechnique Technique(EvidenceMethod method) => method switch
    {
        EvidenceMethod.PackageDb => EvidenceMethods.EvidenceTechnique.Manifest_Analysis,
        EvidenceMethod.BinarySignature => EvidenceMethods.EvidenceTechnique.Binary_Analysis,
        EvidenceMethod.Banner => EvidenceMethods.EvidenceTechnique.Binary_Analysis,
        EvidenceMethod.ElfSoname => EvidenceMethods.EvidenceTechnique.Binary_Analysis,
        _ => EvidenceMethods.EvidenceTechnique.Filename,
    };

    private static float Confidence(double value) =>
        double.IsNaN(value) ? 0f : (float)Math.Round(Math.Clamp(value, 0, 1), 2, MidpointRounding.AwayFromZero);

    private static List<Dependency> Dependencies(string firmwareRef, List<Component> components)
    {
        var known = components.Select(c => c.BomRef).ToHashSet(StringComparer.Ordinal);
        var edges = components.ToDictionary(
            c => c.BomRef,
            c => c.DependsOn.Where(known.Contains).Where(r => r != c.BomRef).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            StringComparer.Ordinal);

        // The firmware depends directly on every component nothing else links against, and on any component
        // reachable from none of those (members of a link cycle), so every component hangs off the firmware.
        var linkedTo = edges.Values.SelectMany(d => d).ToHashSet(StringComparer.Ordinal);
        var top = components.Select(c => c.BomRef).Where(r => !linkedTo.Contains(r)).ToList();
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(top);
        while (stack.TryPop(out var r))
        {
            if (reached.Add(r))
            {
                foreach (var d in edges[r])
                {
                    stack.Push(d);
                }
            }
        }

        foreach (var c in components)
        {
            if (reached.Contains(c.BomRef))
            {
                continue;
            }

            top.Add(c.BomRef);
            stack.Push(c.BomRef);
            while (stack.TryPop(out var r))
            {
                if (reached.Add(r))
                {
                    foreach (var d in edges[r])
                    {
                        stack.Push(d);
                    }
                }
            }
        }

        var dependencies = new List<Dependency> { Edge(firmwareRef, top.Order(StringComparer.Ordinal)) };
        dependencies.AddRange(components.Where(c => edges[c.BomRef].Count > 0).Select(c => Edge(c.BomRef, edges[c.BomRef])));
        return dependencies;

        static Dependency Edge(string from, IEnumerable<string> to)
        {
            var refs = to.Select(r => new Dependency { Ref = r }).ToList();
            return new() { Ref = from, Dependencies = refs.Count > 0 ? refs : null };
        }
    }

    private static List<CdxComponent>? LayerComponents(IEnumerable<Layer> layers)
    {
        var list = new List<CdxComponent>();
        foreach (var layer in layers)
        {
            if (!layer.IsRecognised)
            {
                continue;
            }

            var properties = new List<Property> { Property("layer:format", layer.Format) };
            if (layer.Offset is { } offset)
            {
                properties.Add(Property("layer:offset", offset.ToString(CultureInfo.InvariantCulture)));
            }

            properties.Add(Property("layer:size", layer.Size.ToString(CultureInfo.InvariantCulture)));
            if (layer.Compression is { } compression)
            {
                properties.Add(Property("layer:compression", compression));
            }

            if (layer.FileSystem is { } fs)
            {
                properties.Add(Property("layer:entries", fs.Entries.Count.ToString(CultureInfo.InvariantCulture)));
            }

            list.Add(new CdxComponent
            {
                Type = CdxComponent.Classification.File,
                BomRef = LayerRef(layer),
                Name = EntryName.Display(layer.Location),
                Properties = properties,
                Components = LayerComponents(layer.Children),
            });
        }

        return list.Count > 0 ? list : null;
    }

    /// <summary>A FirmwareGate property (name prefixed with <see cref="PropertyPrefix"/>).</summary>
    internal static Property Property(string name, string value) => new() { Name = PropertyPrefix + name, Value = value };

    private static bool IsSha256(string s) => s.Length == 64 && s.All(char.IsAsciiHexDigit);

    /// <summary>RFC 9562 name-based UUID, version 5 (SHA-1).</summary>
    internal static Guid NameBasedUuid(Guid ns, string name)
    {
        Span<byte> input = stackalloc byte[16];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] all = new byte[16 + nameBytes.Length];
        input.CopyTo(all);
        nameBytes.CopyTo(all, 16);
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 specifies for v5 UUIDs; not a security use.
        byte[] hash = SHA1.HashData(all);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
