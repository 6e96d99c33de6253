using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

/// <summary>CVE JSON 5 and OSV records written after their published schemas (see <see cref="SourceFiles"/>).</summary>
public sealed class Cve5AndOsvTests
{
    private static VulnerabilityRecord ReadOne(string json, SourceFormat expected)
    {
        var sink = new RecordList();
        var counts = new ImportCounts();
        Assert.Equal(expected, OfflineSources.ReadContent(SourceFiles.Utf8(json), "r.json", sink, counts));
        Assert.Equal(0, counts.Skipped);
        return Assert.Single(sink.Records);
    }

    [Fact]
    public void Cve5_metadata_description_ratings_cwes_and_references()
    {
        var r = ReadOne(SourceFiles.Cve5Record, SourceFormat.Cve5);

        Assert.Equal(("CVE-2024-0001", "cve5", "PUBLISHED"), (r.Id, r.Source, r.Status));
        Assert.Equal("Heap overflow in exampled before 2.4.1.", r.Description);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero), r.Published);
        Assert.Equal(new DateTimeOffset(2024, 3, 5, 12, 30, 0, TimeSpan.Zero), r.LastModified);
        Assert.Equal(
            [
                new CvssRating("3.1", 9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "critical", "examplecna", false),
                new CvssRating("3.1", 8.8, "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "high", "CISA-ADP", false),
            ],
            r.Ratings);
        Assert.Equal(["CWE-122", "CWE-787"], r.Cwes);
        Assert.Equal(["https://example.org/advisory/1", "https://example.org/advisory/2"], r.References);
    }

    [Fact]
    public void Cve5_affected_with_cpes_becomes_one_match_per_cpe_and_stretch()
    {
        var r = ReadOne(SourceFiles.Cve5Record, SourceFormat.Cve5);

        var fromAffected = r.Configurations[0];
        Assert.Equal(CpeOperator.Or, fromAffected.Operator);
        var matches = Assert.Single(fromAffected.Nodes).Matches;
        Assert.Equal(2, matches.Count);
        Assert.All(matches, m => Assert.Equal("cpe:2.3:a:example:exampled:*:*:*:*:*:*:*:*", m.Criteria));
        Assert.Equal(("2.0", null, "2.4.1", null), Bounds(matches[0]));
        Assert.Equal(("1.8.3", null, null, "1.8.3"), Bounds(matches[1]));
        Assert.All(matches, m => Assert.True(m.Vulnerable));
    }

    [Fact]
    public void Cve5_cpe_applicability_keeps_its_and_of_or_nodes()
    {
        var r = ReadOne(SourceFiles.Cve5Record, SourceFormat.Cve5);

        var applicability = r.Configurations[1];
        Assert.Equal(2, r.Configurations.Count);
        Assert.Equal(CpeOperator.And, applicability.Operator);
        Assert.Equal(2, applicability.Nodes.Count);
        var platform = Assert.Single(applicability.Nodes[1].Matches);
        Assert.False(platform.Vulnerable);
        Assert.Equal("cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*", platform.Criteria);
        Assert.Equal("2.4.1", Assert.Single(applicability.Nodes[0].Matches).VersionEndExcluding);
    }

    [Fact]
    public void Cve5_affected_without_cpes_becomes_package_ranges_with_changes_applied()
    {
        var r = ReadOne(SourceFiles.Cve5Record, SourceFormat.Cve5);

        var lib = r.Packages.Single(p => p.Name == "libexample");
        Assert.Equal(("example", "unaffected"), (lib.Vendor, lib.DefaultStatus));
        var range = Assert.Single(lib.Ranges);
        Assert.Equal("SEMVER", range.Type);

        // lessThanOrEqual 3.2, but unaffected from 3.0.7 on: affected below 3.0.7 only.
        Assert.Equal([new RangeEvent("introduced", "0"), new RangeEvent("fixed", "3.0.7")], range.Events);
    }

    [Fact]
    public void Cve5_default_affected_is_the_gaps_between_unaffected_ranges()
    {
        var r = ReadOne(SourceFiles.Cve5Record, SourceFormat.Cve5);

        var linux = r.Packages.Single(p => p.Name == "Linux");
        Assert.Equal("affected", linux.DefaultStatus);

        // Unaffected: below 4.19, 5.4.250 up to the end of 5.4, and from 6.5 on; git ranges are not versions.
        Assert.Equal(
            [
                [new RangeEvent("introduced", "4.19"), new RangeEvent("fixed", "5.4.250")],
                [new RangeEvent("introduced", "5.5"), new RangeEvent("fixed", "6.5")],
            ],
            linux.Ranges.Select(x => x.Events.ToArray()));
        Assert.Empty(linux.Versions);
    }

    [Fact]
    public void Cve5_rejected_record_is_skipped_as_rejected()
    {
        var sink = new RecordList();
        var counts = new ImportCounts();

        OfflineSources.ReadContent(SourceFiles.Utf8(SourceFiles.Cve5Rejected), "r.json", sink, counts);

        Assert.Empty(sink.Records);
        Assert.Equal(["CVE-2024-0002: rejected"], counts.FirstSkipped);
    }

    [Fact]
    public void Osv_record_gives_aliases_computed_cvss_packages_and_cwes()
    {
        var r = ReadOne(SourceFiles.OsvRecord, SourceFormat.Osv);

        Assert.Equal(("GHSA-abcd-1234-wxyz", "osv"), (r.Id, r.Source));
        Assert.Equal(["CVE-2024-1111"], r.Aliases);
        Assert.Equal("Cross-site scripting in examplepkg", r.Description);
        Assert.Equal(new DateTimeOffset(2024, 2, 1, 12, 0, 0, TimeSpan.Zero), r.LastModified);

        // The classic reflected XSS vector scores 6.1 (FIRST CVSS v3.1 calculator).
        Assert.Equal(new CvssRating("3.1", 6.1, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "medium", null, false), Assert.Single(r.Ratings));
        Assert.Equal(["CWE-79"], r.Cwes);
        Assert.Equal(["https://github.com/advisories/GHSA-abcd-1234-wxyz", "https://example.org/examplepkg/commit/1"], r.References);

        var pypi = r.Packages[0];
        Assert.Equal(("PyPI", "examplepkg", "pkg:pypi/examplepkg"), (pypi.Ecosystem, pypi.Name, pypi.Purl));
        Assert.Equal([new RangeEvent("introduced", "0"), new RangeEvent("fixed", "1.2.3")], Assert.Single(pypi.Ranges).Events);
        Assert.Equal("ECOSYSTEM", pypi.Ranges[0].Type);
        Assert.Equal(["1.0", "1.2.2"], pypi.Versions);

        var debian = r.Packages[1];
        Assert.Equal(("Debian:12", "pkg:deb/debian/python-examplepkg"), (debian.Ecosystem, debian.Purl));
        Assert.Equal(new RangeEvent("last_affected", "1.1-1"), debian.Ranges[0].Events[1]);
    }

    [Fact]
    public void Osv_array_reads_each_record_and_skips_withdrawn_ones()
    {
        var json = $"[{SourceFiles.OsvRecord},{SourceFiles.OsvWithdrawn},{{\"id\":\"\",\"modified\":\"2024-01-01T00:00:00Z\"}}]";
        var sink = new RecordList();
        var counts = new ImportCounts();

        var format = OfflineSources.ReadContent(SourceFiles.Utf8(json), "all.json", sink, counts);

        Assert.Equal(SourceFormat.OsvArray, format);
        Assert.Equal("GHSA-abcd-1234-wxyz", Assert.Single(sink.Records).Id);
        Assert.Equal(["GHSA-dead-beef-0000: withdrawn 2024-03-01T00:00:00Z", "all.json#2: no id"], counts.FirstSkipped);
    }

    private static (string?, string?, string?, string?) Bounds(CpeMatch m) =>
        (m.VersionStartIncluding, m.VersionStartExcluding, m.VersionEndExcluding, m.VersionEndIncluding);
}
