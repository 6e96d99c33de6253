using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

public sealed class NvdJsonReaderTests
{
    [Fact]
    public void Real_api_page_gives_its_paging_fields_and_all_22_records()
    {
        var sink = new RecordList();
        var counts = new ImportCounts();

        var page = NvdJsonReader.ReadPage(File.ReadAllBytes(SourceFiles.ApiPage), "api-page-1.json", sink, counts);

        Assert.Equal(new NvdPageInfo(22, 0, 22, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)), page);
        Assert.Equal(22, counts.Records);
        Assert.Equal(0, counts.Skipped);
        Assert.Equal(SourceFiles.IndexIds().Order(StringComparer.Ordinal), sink.Records.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(sink.Records, r => Assert.Equal("nvd", r.Source));
    }

    [Fact]
    public void Page_records_arrive_in_page_order()
    {
        var bytes = File.ReadAllBytes(SourceFiles.ApiPage);
        using var doc = JsonDocument.Parse(bytes);
        var expected = doc.RootElement.GetProperty("vulnerabilities").EnumerateArray().Select(v => v.GetProperty("cve").GetProperty("id").GetString()).ToList();
        var sink = new RecordList();

        NvdJsonReader.ReadPage(bytes, "p", sink, new ImportCounts());

        Assert.Equal(expected, sink.Records.Select(r => r.Id));
    }

    [Fact]
    public void Malformed_records_in_a_page_are_skipped_with_their_id_or_position()
    {
        var json = """
            {"resultsPerPage":5,"startIndex":2000,"totalResults":2005,"format":"NVD_CVE","version":"2.0","timestamp":"2026-01-01T00:00:00.000",
             "vulnerabilities":[
               42,
               {"notcve":{}},
               {"cve":{"id":"CVE-2099-0001","configurations":[{"nodes":"not an array"}]}},
               {"cve":{"descriptions":[]}},
               {"cve":{"id":"CVE-2099-0002","sourceIdentifier":"x","published":"2024-01-01T00:00:00.000","lastModified":"2024-01-02T00:00:00.000","vulnStatus":"Received","descriptions":[{"lang":"en","value":"ok"}]}}
             ]}
            """;
        var sink = new RecordList();
        var counts = new ImportCounts();

        var page = NvdJsonReader.ReadPage(SourceFiles.Utf8(json), "page-2", sink, counts);

        Assert.Equal((5, 2000, 2005), (page.ResultsPerPage, page.StartIndex, page.TotalResults));
        Assert.Equal("CVE-2099-0002", Assert.Single(sink.Records).Id);
        Assert.Equal(1, counts.Records);
        Assert.Equal(4, counts.Skipped);
        Assert.StartsWith("page-2#0: not an object", counts.FirstSkipped[0], StringComparison.Ordinal);
        Assert.StartsWith("page-2#1: no cve object", counts.FirstSkipped[1], StringComparison.Ordinal);
        Assert.StartsWith("CVE-2099-0001: ", counts.FirstSkipped[2], StringComparison.Ordinal);
        Assert.StartsWith("page-2#3: ", counts.FirstSkipped[3], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(5000)]
    [InlineData(-2)]
    public void Truncated_page_throws_naming_the_source_and_adds_nothing(int keep)
    {
        var bytes = File.ReadAllBytes(SourceFiles.ApiPage);
        var truncated = bytes[..(keep > 0 ? keep : bytes.Length + keep)];
        var sink = new RecordList();

        var ex = Assert.Throws<VulnerabilitySourceException>(() => NvdJsonReader.ReadPage(truncated, "https://nvd.example/rest?startIndex=0", sink, new ImportCounts()));

        Assert.StartsWith("https://nvd.example/rest?startIndex=0: not valid JSON at line ", ex.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Records);
    }

    [Theory]
    [InlineData("<html><body><h1>503 Service Unavailable</h1></body></html>", "not an NVD CVE API page (starts with '<html><body><h1>503 Serv')")]
    [InlineData("", "not an NVD CVE API page (empty)")]
    [InlineData("[]", "not an NVD CVE API page (starts with '[]')")]
    [InlineData("{\"message\":\"Request forbidden\"}", "not an NVD CVE API page (no vulnerabilities array)")]
    [InlineData("{\"format\":\"NVD_CPE\",\"vulnerabilities\":[]}", "format is 'NVD_CPE', not NVD_CVE")]
    [InlineData("{\"totalResults\":\"many\",\"vulnerabilities\":[]}", "totalResults is not a count")]
    [InlineData("{\"vulnerabilities\":{}}", "vulnerabilities is not an array")]
    [InlineData("{\"vulnerabilities\":[]} trailing", "not valid JSON at line 1, byte 24 (truncated or damaged)")]
    public void Foreign_answers_throw_saying_what_is_wrong(string body, string why)
    {
        var ex = Assert.Throws<VulnerabilitySourceException>(() => NvdJsonReader.ReadPage(SourceFiles.Utf8(body), "resp", new RecordList(), new ImportCounts()));

        Assert.Equal("resp: " + why, ex.Message);
    }

    [Fact]
    public void Empty_last_page_is_a_page()
    {
        var json = """{"resultsPerPage":0,"startIndex":22,"totalResults":22,"format":"NVD_CVE","version":"2.0","timestamp":"2026-11-20T00:00:00.000","vulnerabilities":[]}""";
        var counts = new ImportCounts();

        var page = NvdJsonReader.ReadPage(SourceFiles.Utf8(json), "p", new RecordList(), counts);

        Assert.Equal(new NvdPageInfo(0, 22, 22, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)), page);
        Assert.Equal(0, counts.Records);
    }
}
