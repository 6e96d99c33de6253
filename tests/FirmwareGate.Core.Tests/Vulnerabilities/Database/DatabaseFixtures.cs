using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Database;

/// <summary>
/// The real NVD records and KEV catalogue of the repository, read into records for the database tests. The NVD
/// fields read here are those of the NVD CVE API 2.0 schema (id, vulnStatus, published, lastModified, descriptions,
/// configurations[].nodes[].cpeMatch[]); the full parser is tested with the sources.
/// </summary>
internal static class DatabaseFixtures
{
    public static string NvdFolder => Path.Combine(TestPaths.RepoRoot, "samples", "vulndb", "nvd");

    public static string KevFile => TestPaths.Fixture("Vulnerabilities/kev/known_exploited_vulnerabilities.json");

    public static string ExpectedMatchesFile => TestPaths.Fixture("Vulnerabilities/expected-matches.tsv");

    public static IReadOnlyList<VulnerabilityRecord> NvdRecords() =>
        [.. Directory.GetFiles(NvdFolder, "CVE-*.json").Order(StringComparer.Ordinal).Select(f => ReadNvd(File.ReadAllBytes(f)))];

    public static IReadOnlyList<KevEntry> KevEntries()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(KevFile));
        return [.. document.RootElement.GetProperty("vulnerabilities").EnumerateArray().Select(v => new KevEntry
        {
            CveId = v.GetProperty("cveID").GetString()!,
            Name = v.GetProperty("vulnerabilityName").GetString(),
            VendorProject = v.GetProperty("vendorProject").GetString(),
            Product = v.GetProperty("product").GetString(),
            DateAdded = v.GetProperty("dateAdded").GetString(),
            DueDate = v.GetProperty("dueDate").GetString(),
            RequiredAction = v.GetProperty("requiredAction").GetString(),
            KnownRansomwareCampaignUse = v.GetProperty("knownRansomwareCampaignUse").GetString(),
        })];
    }

    /// <summary>Rows of expected-matches.tsv: cve, vendor:product, version, verdict.</summary>
    public static IReadOnlyList<string[]> ExpectedMatches() =>
        [.. File.ReadAllLines(ExpectedMatchesFile).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))];

    public static ImportCounts Import(VulnerabilityDatabase database, string source, DateTimeOffset at, bool withKev = true)
    {
        var counts = new ImportCounts();
        using var update = database.BeginUpdate(source);
        foreach (var record in NvdRecords())
        {
            update.Add(record);
            counts.Records++;
        }

        if (withKev)
        {
            foreach (var entry in KevEntries())
            {
                update.AddKev(entry);
                counts.Kev++;
            }
        }

        update.Commit(at, counts);
        return counts;
    }

    public static MatchSubject Subject(string vendorProduct, string version)
    {
        var (vendor, product) = (vendorProduct.Split(':')[0], vendorProduct.Split(':')[1]);
        return new MatchSubject(product, product, version, $"cpe:2.3:a:{vendor}:{product}:{version}:*:*:*:*:*:*:*", null, ComponentType.Application);
    }

    public static VulnerabilityRecord ReadNvd(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var cve = document.RootElement;
        return new VulnerabilityRecord
        {
            Id = cve.GetProperty("id").GetString()!,
            Source = "nvd",
            Status = cve.GetProperty("vulnStatus").GetString(),
            Published = Date(cve, "published"),
            LastModified = Date(cve, "lastModified"),
            Description = cve.GetProperty("descriptions").EnumerateArray().First(d => d.GetProperty("lang").GetString() == "en").GetProperty("value").GetString(),
            Configurations = cve.TryGetProperty("configurations", out var configurations) ? [.. configurations.EnumerateArray().Select(Configuration)] : [],
        };
    }

    private static CpeConfiguration Configuration(JsonElement c) =>
        new(Operator(c), Negate(c), [.. c.GetProperty("nodes").EnumerateArray().Select(n => new CpeNode(Operator(n), Negate(n), [.. n.GetProperty("cpeMatch").EnumerateArray().Select(Match)]))]);

    private static CpeMatch Match(JsonElement m) => new()
    {
        Vulnerable = m.GetProperty("vulnerable").GetBoolean(),
        Criteria = m.GetProperty("criteria").GetString()!,
        VersionStartIncluding = Optional(m, "versionStartIncluding"),
        VersionStartExcluding = Optional(m, "versionStartExcluding"),
        VersionEndIncluding = Optional(m, "versionEndIncluding"),
        VersionEndExcluding = Optional(m, "versionEndExcluding"),
        MatchCriteriaId = Optional(m, "matchCriteriaId"),
    };

    private static CpeOperator Operator(JsonElement e) => Optional(e, "operator") == "AND" ? CpeOperator.And : CpeOperator.Or;

    private static bool Negate(JsonElement e) => e.TryGetProperty("negate", out var n) && n.GetBoolean();

    private static string? Optional(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    // NVD timestamps carry no offset and are UTC.
    private static DateTimeOffset Date(JsonElement e, string name) =>
        DateTimeOffset.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
