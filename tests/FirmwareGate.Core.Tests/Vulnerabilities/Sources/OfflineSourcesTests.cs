using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

public sealed class OfflineSourcesTests
{
    [Fact]
    public void Folder_of_real_nvd_cve_files_reads_every_record_in_path_order()
    {
        var sink = new RecordList();

        var counts = OfflineSources.Read(SourceFiles.NvdFolder, sink);

        var ids = SourceFiles.IndexIds();
        Assert.Equal(ids.Count, counts.Records);
        Assert.Equal(22, ids.Count);
        Assert.Equal(0, counts.Skipped);
        Assert.Equal(ids.Order(StringComparer.Ordinal), sink.Records.Select(r => r.Id));
    }

    [Fact]
    public void Single_real_cve_file_and_its_gzip_read_the_same()
    {
        var file = Path.Combine(SourceFiles.NvdFolder, "CVE-2022-28391.json");
        using var dir = new TempDir();
        var gz = dir.Combine("renamed.bin");
        File.WriteAllBytes(gz, SourceFiles.Gzip(File.ReadAllBytes(file)));
        var plain = new RecordList();
        var zipped = new RecordList();

        OfflineSources.Read(file, plain);
        OfflineSources.Read(gz, zipped);

        Assert.Equal("CVE-2022-28391", Assert.Single(plain.Records).Id);
        Assert.Equal(plain.Records[0] with { Ratings = [], Cwes = [], References = [], Configurations = [] }, zipped.Records[0] with { Ratings = [], Cwes = [], References = [], Configurations = [] });
        Assert.Equal(plain.Records[0].Configurations.Count, zipped.Records[0].Configurations.Count);
    }

    [Fact]
    public void Gzipped_api_page_reads_like_the_plain_one()
    {
        using var dir = new TempDir();
        var gz = dir.Combine("nvdcve-2.0-page.json.gz");
        File.WriteAllBytes(gz, SourceFiles.Gzip(File.ReadAllBytes(SourceFiles.ApiPage)));
        var sink = new RecordList();

        var counts = OfflineSources.Read(gz, sink);

        Assert.Equal(22, counts.Records);
    }

    [Fact]
    public void Mixed_folder_detects_each_format_from_content_and_reports_foreign_json()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("nvd"));
        Directory.CreateDirectory(dir.Combine("osv", "PyPI"));
        File.Copy(Path.Combine(SourceFiles.NvdFolder, "CVE-2023-1801.json"), dir.Combine("nvd", "CVE-2023-1801.json"));
        File.WriteAllBytes(dir.Combine("nvd", "page.data.gz"), SourceFiles.Gzip(File.ReadAllBytes(SourceFiles.ApiPage)));
        File.Copy(SourceFiles.KevCatalogue, dir.Combine("catalog.json"));
        File.Copy(Path.Combine(SourceFiles.KevFolder, "known_exploited_vulnerabilities_schema.json"), dir.Combine("schema.json"));
        File.WriteAllBytes(dir.Combine("epss_scores-2025-08-25.csv.gz"), SourceFiles.Gzip(SourceFiles.Utf8(SourceFiles.EpssCsv)));
        File.WriteAllText(dir.Combine("CVE-2024-0001.json"), SourceFiles.Cve5Record);
        File.WriteAllText(dir.Combine("osv", "PyPI", "GHSA-abcd-1234-wxyz.json"), SourceFiles.OsvRecord);
        File.WriteAllText(dir.Combine("README.md"), "# offline mirror\n");
        File.Copy(SourceFiles.IndexTsv, dir.Combine("index.tsv"));
        File.WriteAllText(dir.Combine("package.json"), """{"name":"mirror-tools","version":"1.0.0"}""");
        var sink = new RecordList();

        var counts = OfflineSources.Read(dir.Path, sink);

        Assert.Equal(1 + 1 + 22 + 1, counts.Records);
        Assert.Equal(1404, counts.Kev);
        Assert.Equal(3, counts.Epss);
        Assert.Equal(["package.json: JSON, but not NVD, CVE JSON 5, OSV or KEV (no identifying keys)"], counts.FirstSkipped);

        // Ordinal path order: CVE-2024-0001.json, catalog.json, epss..., nvd/CVE-2023-1801.json, nvd/page.data.gz, osv/...
        Assert.Equal(("CVE-2024-0001", "cve5"), (sink.Records[0].Id, sink.Records[0].Source));
        Assert.Equal(("CVE-2023-1801", "nvd"), (sink.Records[1].Id, sink.Records[1].Source));
        Assert.Equal(("GHSA-abcd-1234-wxyz", "osv"), (sink.Records[^1].Id, sink.Records[^1].Source));
    }

    [Fact]
    public void Truncated_and_garbage_files_in_a_folder_are_skipped_with_a_reason_the_rest_read()
    {
        using var dir = new TempDir();
        var page = File.ReadAllBytes(SourceFiles.ApiPage);
        File.WriteAllBytes(dir.Combine("a-truncated.json"), page[..(page.Length / 2)]);
        File.WriteAllText(dir.Combine("b-error.json"), "<html><head><title>502 Bad Gateway</title></head></html>");
        File.WriteAllBytes(dir.Combine("c-bad.json.gz"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef]);
        File.Copy(Path.Combine(SourceFiles.NvdFolder, "CVE-2023-1801.json"), dir.Combine("d.json"));
        var sink = new RecordList();

        var counts = OfflineSources.Read(dir.Path, sink);

        Assert.Equal(1, counts.Records);
        Assert.Equal(3, counts.Skipped);
        Assert.StartsWith("a-truncated.json: not valid JSON at line ", counts.FirstSkipped[0], StringComparison.Ordinal);
        Assert.Equal("b-error.json: not a known vulnerability format (starts with '<html><head><title>502 B')", counts.FirstSkipped[1]);
        Assert.StartsWith("c-bad.json.gz: ", counts.FirstSkipped[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Hidden_entries_and_symbolic_links_are_not_read()
    {
        using var dir = new TempDir();
        using var outside = new TempDir();
        var cve = Path.Combine(SourceFiles.NvdFolder, "CVE-2023-1801.json");
        File.Copy(cve, dir.Combine("a.json"));
        Directory.CreateDirectory(dir.Combine(".git"));
        File.Copy(cve, dir.Combine(".git", "b.json"));
        File.Copy(cve, dir.Combine(".c.json"));
        File.Copy(Path.Combine(SourceFiles.NvdFolder, "CVE-2022-28391.json"), outside.Combine("d.json"));
        File.CreateSymbolicLink(dir.Combine("d.json"), outside.Combine("d.json"));
        Directory.CreateSymbolicLink(dir.Combine("linked"), outside.Path);
        var sink = new RecordList();

        var counts = OfflineSources.Read(dir.Path, sink);

        Assert.Equal((1L, 0L), (counts.Records, counts.Skipped));
        Assert.Equal("CVE-2023-1801", Assert.Single(sink.Records).Id);
    }

    [Fact]
    public void Missing_path_throws_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "firmwaregate-no-such-source-" + Guid.NewGuid().ToString("N"));

        var ex = Assert.Throws<VulnerabilitySourceException>(() => OfflineSources.Read(missing, new RecordList()));

        Assert.Equal($"{missing}: no such file or folder", ex.Message);
    }

    [Fact]
    public void Empty_folder_and_folder_of_documents_throw()
    {
        using var dir = new TempDir();
        var empty = Assert.Throws<VulnerabilitySourceException>(() => OfflineSources.Read(dir.Path, new RecordList()));
        File.WriteAllText(dir.Combine("README"), "nothing here");
        File.WriteAllText(dir.Combine("notes.txt"), "nothing here");
        var docs = Assert.Throws<VulnerabilitySourceException>(() => OfflineSources.Read(dir.Path, new RecordList()));

        Assert.Equal($"{dir.Path}: no vulnerability data files in this folder", empty.Message);
        Assert.Equal(empty.Message, docs.Message);
    }

    [Fact]
    public void Folder_of_only_foreign_files_throws_with_the_first_reason()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine("a.json"), """{"hello":"world"}""");
        File.WriteAllBytes(dir.Combine("b.bin"), [0, 1, 2, 3]);

        var ex = Assert.Throws<VulnerabilitySourceException>(() => OfflineSources.Read(dir.Path, new RecordList()));

        Assert.Equal($"{dir.Path}: none of its 2 files is vulnerability data (a.json: JSON, but not NVD, CVE JSON 5, OSV or KEV (no identifying keys))", ex.Message);
    }

    [Fact]
    public void Single_garbage_file_throws_naming_it()
    {
        using var dir = new TempDir();
        var file = dir.Combine("page.json");
        File.WriteAllText(file, "{\"resultsPerPage\":2000,\"format\":\"NVD_CVE\",\"vulnerabilities\":[{\"cve\":");

        var ex = Assert.Throws<VulnerabilitySourceException>(() => OfflineSources.Read(file, new RecordList()));

        Assert.StartsWith($"{file}: not valid JSON at line 1, byte ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_that_expands_past_the_limit_is_refused()
    {
        using var dir = new TempDir();
        var file = dir.Combine("bomb.json.gz");
        File.WriteAllBytes(file, SourceFiles.Gzip(new byte[4 << 20]));
        var limits = new SourceLimits(1 << 20, 1 << 20, 100);

        var ex = Assert.Throws<VulnerabilitySourceException>(() => OfflineSources.Read(file, new RecordList(), limits, CancellationToken.None));

        Assert.Equal($"{file}: content is larger than the 1048576 bytes a source may expand to", ex.Message);
    }

    [Fact]
    public void File_larger_than_the_limit_is_refused()
    {
        using var dir = new TempDir();
        var file = dir.Combine("big.json");
        File.WriteAllBytes(file, new byte[2048]);

        var ex = Assert.Throws<VulnerabilitySourceException>(() => OfflineSources.Read(file, new RecordList(), new SourceLimits(1024, 1024, 10), CancellationToken.None));

        Assert.Equal($"{file}: 2048 bytes is more than the 1024 bytes a source file may have", ex.Message);
    }

    [Fact]
    public void Cancellation_stops_a_folder_read()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => OfflineSources.Read(SourceFiles.NvdFolder, new RecordList(), cts.Token));
    }
}
