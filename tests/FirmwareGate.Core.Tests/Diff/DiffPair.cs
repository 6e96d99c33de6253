using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Diff;

/// <summary>
/// The real before/after pair: the corpus image sysupgrade-armhf.zip (v1) and Fixtures/Diff/sysupgrade-armhf-v2.zip
/// (v2, built from it by make-pair.sh: busybox upgraded, dropbear removed, a private key added), each scanned once
/// against the sample NVD records, with its JSON report and SBOM written to a temporary folder.
/// </summary>
public sealed class DiffPair : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDir _dir = new();
    private readonly Lazy<Side> _before;
    private readonly Lazy<Side> _after;

    public DiffPair()
    {
        _before = new(() => Side.Scan(Path.Combine(TestPaths.Corpus, "sysupgrade-armhf.zip"), _dir.Combine("v1")));
        _after = new(() => Side.Scan(TestPaths.Fixture(Path.Combine("Diff", "sysupgrade-armhf-v2.zip")), _dir.Combine("v2")));
    }

    public static string VulnDb => Path.Combine(TestPaths.RepoRoot, "samples", "vulndb");

    public Side Before => _before.Value;

    public Side After => _after.Value;

    public void Dispose()
    {
        if (_before.IsValueCreated)
        {
            _before.Value.Result.Dispose();
        }

        if (_after.IsValueCreated)
        {
            _after.Value.Result.Dispose();
        }

        _dir.Dispose();
    }

    public static ScanResult ScanWithDatabase(string image) =>
        new ScanPipeline().RunAsync(new ScanOptions { ImagePath = image, Now = Now, Database = VulnDb }, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>One image of the pair: the scan, its facts, and the paths of its JSON report and SBOM.</summary>
    public sealed record Side(ScanResult Result, ScanFacts Facts, string ReportPath, string SbomPath)
    {
        public static Side Scan(string image, string stem)
        {
            var result = ScanWithDatabase(image);
            string report = stem + ".json";
            string sbom = stem + ".cdx.json";
            using (var stream = File.Create(report))
            {
                JsonReportWriter.Write(result, stream, "0.0.0-test");
            }

            using (var stream = File.Create(sbom))
            {
                CycloneDxReportWriter.Write(result, stream, "0.0.0-test");
            }

            return new Side(result, ScanFacts.FromScan(result), report, sbom);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DiffPairCollection : ICollectionFixture<DiffPair>
{
    public const string Name = "diff pair";
}
