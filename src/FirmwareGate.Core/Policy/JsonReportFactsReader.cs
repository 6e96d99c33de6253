using System.Text.Json;
using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// <see cref="ScanFacts"/> from a FirmwareGate JSON report (docs/report.md): the values exactly as the report
/// writers put them, findings with their stored fingerprints.
/// </summary>
internal static class JsonReportFactsReader
{
    public static ScanFacts Read(JsonElement root, ReportJson json)
    {
        var image = json.OptionalObject(root, "image", "") ?? throw json.Error("image", "missing; expected an object");
        string imageName = json.RequiredString(image, "name", "image");
        var analysis = json.OptionalObject(root, "analysis", "");
        var components = ReadComponents(root, json, imageName);
        return new ScanFacts
        {
            ImageName = imageName,
            ImageSha256 = json.OptionalString(image, "sha256", "image"),
            ScannedAt = json.OptionalTime(root, "scannedAt", "") ?? default,
            Coverage = ReadCoverage(root, json),
            Complete = analysis is { } a ? json.OptionalBool(a, "complete", "analysis") ?? true : true,
            Warnings = analysis is { } w ? json.Strings(w, "warnings", "analysis") : [],
            LimitsHit = analysis is { } l ? json.Strings(l, "limitsHit", "analysis") : [],
            Components = components,
            Binaries = [.. json.Objects(root, "binaries", "").Select(p => ReadBinary(p.Item, p.Path, json))],
            Findings = [.. json.Objects(root, "findings", "").Select(p => ReadFinding(p.Item, p.Path, json))],
            Vulnerabilities = ReadVulnerabilities(root, json, components, imageName),
            Database = ReadDatabase(root, json),
        };
    }

    private static CoverageFacts? ReadCoverage(JsonElement root, ReportJson json)
    {
        if (json.OptionalObject(root, "coverage", "") is not { } c)
        {
            return null;
        }

        return new CoverageFacts(
            json.OptionalLong(c, "bytes", "coverage") ?? 0,
            json.OptionalLong(c, "unknown", "coverage") ?? 0,
            json.OptionalLong(c, "unknownHighEntropy", "coverage") ?? 0);
    }

    private static List<ComponentFact> ReadComponents(JsonElement root, ReportJson json, string imageName)
    {
        var list = new List<ComponentFact>();
        foreach (var (c, path) in json.Objects(root, "components", ""))
        {
            // The first evidence path, and the first evidence's location (ScanFacts.FromScan takes the same).
            var evidence = json.Objects(c, "evidence", path)
                .Select(p => (Location: json.OptionalString(p.Item, "location", p.Path), Path: json.OptionalString(p.Item, "path", p.Path)))
                .ToList();
            list.Add(new ComponentFact
            {
                BomRef = json.RequiredString(c, "bomRef", path),
                Name = json.RequiredString(c, "name", path),
                Version = json.OptionalString(c, "version", path),
                Purl = json.OptionalString(c, "purl", path),
                Cpe = json.OptionalString(c, "cpe", path),
                Licenses = json.Strings(c, "licenses", path),
                Path = evidence.Select(e => e.Path).FirstOrDefault(p => p is not null),
                Location = (evidence.Count > 0 ? evidence[0].Location : null) ?? imageName,
            });
        }

        list.Sort((x, y) => string.CompareOrdinal(x.BomRef, y.BomRef));
        return list;
    }

    private static BinaryFact ReadBinary(JsonElement b, string path, ReportJson json) => new()
    {
        Path = json.RequiredString(b, "path", path),
        Location = json.RequiredString(b, "location", path),
        Type = Evaluation.BinaryTypeNames.Of(json.RequiredString(b, "type", path), Value(b, "pie", path, json, json.OptionalString)),
        Arch = json.OptionalString(b, "arch", path) ?? "",
        Nx = Value(b, "nx", path, json, json.OptionalBool),
        Pie = Value(b, "pie", path, json, json.OptionalString),
        Relro = Value(b, "relro", path, json, json.OptionalString),
        Canary = Value(b, "canary", path, json, json.OptionalBool),
        Fortify = Value(b, "fortify", path, json, json.OptionalBool),
        Stripped = Value(b, "stripped", path, json, json.OptionalBool),
        RPath = Value(b, "rpath", path, json, json.OptionalString),
        RunPath = Value(b, "runpath", path, json, json.OptionalString),
        Cet = json.OptionalObject(b, "cet", path) is { } cet
            ? json.OptionalBool(cet, "ibt", path + ".cet") is { } ibt && json.OptionalBool(cet, "shstk", path + ".cet") is { } shstk ? ibt && shstk : null
            : null,
    };

    /// <summary>A hardening property written as <c>{ "value": ..., "evidence": "..." }</c>.</summary>
    private static T? Value<T>(JsonElement b, string name, string path, ReportJson json, Func<JsonElement, string, string, T?> read) =>
        json.OptionalObject(b, name, path) is { } property ? read(property, "value", ReportJson.Child(path, name)) : default;

    private static Finding ReadFinding(JsonElement f, string path, ReportJson json)
    {
        string severity = json.RequiredString(f, "severity", path);
        long? line = json.OptionalLong(f, "line", path);
        return new Finding
        {
            RuleId = json.RequiredString(f, "ruleId", path),
            Severity = ParseSeverity(severity) ?? throw json.Error(path + ".severity", $"\"{ReportJson.Shorten(severity)}\" is not critical, high, medium, low or info"),
            Message = json.OptionalString(f, "message", path) ?? "",
            Location = json.RequiredString(f, "location", path),
            Path = json.OptionalString(f, "path", path),
            Line = line is null ? null : line is > 0 and <= int.MaxValue ? (int)line : throw json.Error(path + ".line", "out of range"),
            Fingerprint = json.RequiredString(f, "fingerprint", path),
            Evidence = json.OptionalString(f, "evidence", path) ?? "",
        };
    }

    /// <summary>The <see cref="SeverityNames"/> name back to the severity.</summary>
    internal static Severity? ParseSeverity(string name) => name switch
    {
        "critical" => Severity.Critical,
        "high" => Severity.High,
        "medium" => Severity.Medium,
        "low" => Severity.Low,
        "info" => Severity.Info,
        _ => null,
    };

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
            string componentRef = json.RequiredString(v, "componentRef", path);
            var component = byRef.GetValueOrDefault(componentRef);
            var ratings = json.Objects(v, "ratings", path).Select(p => ReadRating(p.Item, p.Path, json)).ToList();
            list.Add(new VulnerabilityFact
            {
                Id = json.RequiredString(v, "id", path),
                Aliases = json.Strings(v, "aliases", path),
                ComponentRef = componentRef,
                ComponentName = component?.Name ?? componentRef,
                ComponentVersion = component?.Version,
                ComponentPurl = component?.Purl,
                Verdict = json.RequiredString(v, "verdict", path),
                Severity = json.OptionalString(v, "severity", path) ?? "unknown",
                Score = Vulnerabilities.Vulnerability.SeverityRating(ratings)?.Score,
                KnownExploited = json.OptionalBool(v, "knownExploited", path) ?? false,
                Epss = json.OptionalObject(v, "epss", path) is { } epss ? json.OptionalDouble(epss, "score", path + ".epss") : null,
                Location = component?.Location ?? imageName,
                Path = component?.Path,
            });
        }

        return list;
    }

    private static Vulnerabilities.Records.CvssRating ReadRating(JsonElement r, string path, ReportJson json) => new(
        json.OptionalString(r, "version", path) ?? "",
        json.OptionalDouble(r, "score", path) ?? 0,
        json.OptionalString(r, "vector", path) ?? "",
        json.OptionalString(r, "severity", path) ?? "unknown",
        json.OptionalString(r, "source", path),
        json.OptionalBool(r, "primary", path) ?? false);

    private static DatabaseFacts? ReadDatabase(JsonElement root, ReportJson json)
    {
        if (json.OptionalObject(root, "database", "") is not { } db)
        {
            return null;
        }

        return new DatabaseFacts(json.RequiredString(db, "path", "database"), json.OptionalTime(db, "lastUpdate", "database"));
    }
}
