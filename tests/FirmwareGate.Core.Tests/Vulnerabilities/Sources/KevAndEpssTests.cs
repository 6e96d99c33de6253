using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

public sealed class KevAndEpssTests
{
    [Fact]
    public void Real_kev_catalogue_gives_as_many_entries_as_its_count_field()
    {
        var bytes = File.ReadAllBytes(SourceFiles.KevCatalogue);
        using var doc = JsonDocument.Parse(bytes);
        var declared = doc.RootElement.GetProperty("count").GetInt32();
        var sink = new RecordList();

        var counts = OfflineSources.Read(SourceFiles.KevCatalogue, sink);

        Assert.Equal(1404, declared);
        Assert.Equal(declared, counts.Kev);
        Assert.Equal(declared, sink.Kev.Count);
        Assert.Equal(0, counts.Skipped);
        var first = sink.Kev[0];
        Assert.Equal("CVE-2025-48384", first.CveId);
        Assert.Equal(("Git", "Git", "Git Link Following Vulnerability"), (first.VendorProject, first.Product, first.Name));
        Assert.Equal(("2025-08-25", "2025-09-15", "Unknown"), (first.DateAdded, first.DueDate, first.KnownRansomwareCampaignUse));
        Assert.StartsWith("Apply mitigations per vendor instructions", first.RequiredAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Kev_folder_with_its_schema_reads_the_catalogue_and_ignores_the_schema()
    {
        var sink = new RecordList();

        var counts = OfflineSources.Read(SourceFiles.KevFolder, sink);

        Assert.Equal((1404L, 0L, 0L), (counts.Kev, counts.Records, counts.Skipped));
    }

    [Fact]
    public void Kev_entry_without_cve_id_is_skipped()
    {
        var json = """{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2025.08.25","count":2,"vulnerabilities":[{"vendorProject":"x"},{"cveID":"cve-2021-44228","product":"Log4j"}]}""";
        var sink = new RecordList();
        var counts = new ImportCounts();

        OfflineSources.ReadContent(SourceFiles.Utf8(json), "kev.json", sink, counts);

        Assert.Equal("CVE-2021-44228", Assert.Single(sink.Kev).CveId);
        Assert.Equal(["kev.json#0: no cveID"], counts.FirstSkipped);
    }

    [Fact]
    public void Epss_csv_gives_scores_with_the_date_of_its_first_line()
    {
        var sink = new RecordList();
        var counts = new ImportCounts();

        var format = OfflineSources.ReadContent(SourceFiles.Utf8(SourceFiles.EpssCsv), "epss.csv", sink, counts);

        Assert.Equal(SourceFormat.Epss, format);
        Assert.Equal(3, counts.Epss);
        Assert.Equal(new FirmwareGate.Core.Vulnerabilities.Records.EpssScore("CVE-2024-3094", 0.84552, 0.99328, "2025-08-25"), sink.Epss[2]);
        Assert.Equal(["CVE-1999-0001", "CVE-2023-45853", "CVE-2024-3094"], sink.Epss.Select(e => e.CveId));
    }

    [Fact]
    public void Gzipped_epss_reads_like_plain_with_crlf_lines()
    {
        var crlf = SourceFiles.EpssCsv.Replace("\n", "\r\n", StringComparison.Ordinal);
        var sink = new RecordList();

        OfflineSources.ReadContent(SourceFiles.Gzip(SourceFiles.Utf8(crlf)), "epss_scores-2025-08-25.csv.gz", sink, new ImportCounts());

        Assert.Equal([0.01141, 0.00395, 0.84552], sink.Epss.Select(e => e.Score));
        Assert.All(sink.Epss, e => Assert.Equal("2025-08-25", e.Date));
    }

    [Fact]
    public void Malformed_epss_lines_are_skipped_with_their_line()
    {
        var csv = "#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\ncve,epss,percentile\nCVE-2024-0001,0.5,0.9\nnot,a,cve\nCVE-2024-0002,1.5,0.2\nCVE-2024-0003,0.1\nCVE-2024-0004,0.1,0.2,0.3\n";
        var sink = new RecordList();
        var counts = new ImportCounts();

        OfflineSources.ReadContent(SourceFiles.Utf8(csv), "e.csv", sink, counts);

        Assert.Equal("CVE-2024-0001", Assert.Single(sink.Epss).CveId);
        Assert.Equal(
            ["e.csv:4: no CVE id", "CVE-2024-0002: score or percentile is not a number from 0 to 1", "e.csv:6: not three fields", "e.csv:7: not three fields"],
            counts.FirstSkipped);
    }

    [Fact]
    public void Csv_without_the_epss_header_is_refused()
    {
        var ex = Assert.Throws<VulnerabilitySourceException>(() =>
            OfflineSources.ReadContent(SourceFiles.Utf8("#model_version:v1,score_date:2025-01-01\ncve,score\n"), "x.csv", new RecordList(), new ImportCounts()));

        Assert.Equal("x.csv: not an EPSS file (line 2 is not the header cve,epss,percentile)", ex.Message);
    }
}
