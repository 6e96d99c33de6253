using System.Diagnostics;
using System.Globalization;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Sources;
using Xunit.Abstractions;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

/// <summary>
/// Parse throughput over synthetic NVD pages of 2,000 records. FIRMWAREGATE_SOURCES_BENCH_RECORDS sets the record
/// count (300000 for an NVD-scale run); the default keeps the suite quick.
/// </summary>
[Collection(nameof(ThroughputTests))]
public sealed class ThroughputTests(ITestOutputHelper output)
{
    private const int PerPage = 2000;

    [Fact]
    public void Synthetic_nvd_pages_parse_well_inside_the_import_budget()
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("FIRMWAREGATE_SOURCES_BENCH_RECORDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 20_000;
        using var dir = new TempDir();
        for (var start = 0; start < total; start += PerPage)
        {
            File.WriteAllBytes(dir.Combine(string.Create(CultureInfo.InvariantCulture, $"page-{start:D7}.json")), SyntheticNvdPages.Page(start, Math.Min(PerPage, total - start), total));
        }

        var sink = new CountingSink();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var counts = OfflineSources.Read(dir.Path, sink);
        clock.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;

        // CPU time, not wall time: the build machine is shared, and this test runs alone (its collection is not parallel).
        var perSecond = total / cpu.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total} records: {cpu.TotalSeconds:F2} s CPU, {clock.Elapsed.TotalSeconds:F2} s wall: {perSecond:F0} records per CPU second"));
        Assert.Equal(total, counts.Records);
        Assert.Equal(total * 5L, sink.Matches);

        // Parsing may take at most 75 s CPU of the 3-minute NVD import (300,000 records), JIT warm-up and a Debug build included.
        Assert.True(perSecond > 4_000, $"{perSecond:F0} records per CPU second");
    }

    [CollectionDefinition(nameof(ThroughputTests), DisableParallelization = true)]
    public sealed class Alone
    {
    }

    private sealed class CountingSink : IRecordSink
    {
        public long Matches { get; private set; }

        public void Add(FirmwareGate.Core.Vulnerabilities.Records.VulnerabilityRecord record) =>
            Matches += record.Configurations.Sum(c => c.Nodes.Sum(node => node.Matches.Count));

        public void AddKev(FirmwareGate.Core.Vulnerabilities.Records.KevEntry entry)
        {
        }

        public void AddEpss(FirmwareGate.Core.Vulnerabilities.Records.EpssScore score)
        {
        }
    }
}
