using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Database;

/// <summary>The real NVD records and KEV catalogue of the repository, read with the offline sources reader.</summary>
internal static class DatabaseFixtures
{
    public static string NvdFolder => Path.Combine(TestPaths.RepoRoot, "samples", "vulndb", "nvd");

    public static string KevFile => TestPaths.Fixture("Vulnerabilities/kev/known_exploited_vulnerabilities.json");

    public static string ExpectedMatchesFile => TestPaths.Fixture("Vulnerabilities/expected-matches.tsv");

    public static IReadOnlyList<VulnerabilityRecord> NvdRecords() => Read(NvdFolder).Records;

    public static IReadOnlyList<KevEntry> KevEntries() => Read(KevFile).Kev;

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

    private static Collected Read(string path)
    {
        var sink = new Collected();
        var counts = OfflineSources.Read(path, sink);
        Assert.Equal(0, counts.Skipped);
        return sink;
    }

    private sealed class Collected : IRecordSink
    {
        public List<VulnerabilityRecord> Records { get; } = [];

        public List<KevEntry> Kev { get; } = [];

        public void Add(VulnerabilityRecord record) => Records.Add(record);

        public void AddKev(KevEntry entry) => Kev.Add(entry);

        public void AddEpss(EpssScore score) => throw new InvalidOperationException("no EPSS in these fixtures");
    }
}
