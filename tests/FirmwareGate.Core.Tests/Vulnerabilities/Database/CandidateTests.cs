using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Database;

/// <summary>The real NVD records in a real SQLite file, asked for the corpus components' candidates.</summary>
public sealed class CandidateTests : IDisposable
{
    private static readonly DateTimeOffset ImportedAt = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _temp = new();
    private readonly VulnerabilityDatabase _database;

    public CandidateTests()
    {
        var path = _temp.Combine("db", "vulndb.sqlite");
        using (var writer = VulnerabilityDatabase.OpenWrite(path))
        {
            DatabaseFixtures.Import(writer, "offline:samples/vulndb/nvd", ImportedAt);
        }

        _database = VulnerabilityDatabase.OpenRead(path);
    }

    public static TheoryData<string, string, string, string> DecidingRows()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var row in DatabaseFixtures.ExpectedMatches())
        {
            data.Add(row[0], row[1], row[2], row[3]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DecidingRows))]
    public void EveryRecordTheOracleCallsAffectedOrUnconfirmedIsACandidate(string cve, string vendorProduct, string version, string verdict)
    {
        var ids = _database.Candidates(DatabaseFixtures.Subject(vendorProduct, version)).Select(r => r.Id).ToList();

        if (verdict is "affected" or "no_cpe_data")
        {
            Assert.Contains(cve, ids);
        }

        Assert.Equal(ids.Distinct().Order(StringComparer.Ordinal), ids);
    }

    [Theory]
    [MemberData(nameof(DecidingRows))]
    public void CandidatesNameTheProductOrHaveNoCpeData(string cve, string vendorProduct, string version, string verdict)
    {
        _ = cve;
        _ = verdict;
        var product = vendorProduct.Split(':')[1];
        foreach (var record in _database.Candidates(DatabaseFixtures.Subject(vendorProduct, version)))
        {
            var criteria = record.Configurations.SelectMany(c => c.Nodes).SelectMany(n => n.Matches).Where(m => m.Vulnerable).Select(m => m.Criteria).ToList();
            Assert.True(
                criteria.Count == 0 || criteria.Any(c => c.Split(':')[4] == product),
                $"{record.Id} is a candidate of {vendorProduct} but names only {string.Join(", ", criteria.Take(3))}");
        }
    }

    [Theory]
    [MemberData(nameof(DecidingRows))]
    public void CandidatesAndTheMatcherGiveTheOraclesVerdict(string cve, string vendorProduct, string version, string verdict)
    {
        var subject = DatabaseFixtures.Subject(vendorProduct, version);
        var platform = new MatchPlatform([subject], null);

        var record = _database.Candidates(subject).SingleOrDefault(r => r.Id == cve);
        var outcome = record is null ? MatchVerdict.NotAffected : VulnerabilityMatcher.Evaluate(record, subject, platform).Verdict;

        var expected = verdict switch
        {
            "affected" => MatchVerdict.Affected,
            "no_cpe_data" => MatchVerdict.NoCpeData,
            _ => MatchVerdict.NotAffected,
        };
        Assert.Equal(expected, outcome);
    }

    [Fact]
    public void TheVersionPrefilterDropsOnlyRecordsCertainlyOutsideTheirRanges()
    {
        // busybox 1.35.0: CVE-2021-42386 covers 1.16.0 to 1.33.1 only (expected-matches.tsv), the other two include it.
        var ids = _database.Candidates(DatabaseFixtures.Subject("busybox:busybox", "1.35.0")).Select(r => r.Id);
        var unknownVersion = _database.Candidates(DatabaseFixtures.Subject("busybox:busybox", "*")).Select(r => r.Id);
        var uncomparable = _database.Candidates(new MatchSubject("busybox", "busybox", "git-abc", "cpe:2.3:a:busybox:busybox:git-abc:*:*:*:*:*:*:*", null, ComponentType.Application)).Select(r => r.Id);

        Assert.Equal(["CVE-2022-28391", "CVE-2022-48174"], ids);
        Assert.Equal(["CVE-2021-42386", "CVE-2022-28391", "CVE-2022-48174"], unknownVersion);
        Assert.Equal(["CVE-2021-42386", "CVE-2022-28391", "CVE-2022-48174"], uncomparable);
    }

    [Fact]
    public void ASimilarProductIsNotACandidate()
    {
        // CVE-2023-33476 is about readymedia_project:readymedia, not miniupnpd (expected-matches.tsv).
        var ids = _database.Candidates(DatabaseFixtures.Subject("miniupnp_project:miniupnpd", "2.3.1")).Select(r => r.Id);

        Assert.DoesNotContain("CVE-2023-33476", ids);
    }

    [Fact]
    public void CorpusComponentsFindTheirRecords()
    {
        var busybox = Ids(DatabaseFixtures.Subject("busybox:busybox", "1.35.0"));
        var zlib = Ids(DatabaseFixtures.Subject("zlib:zlib", "1.2.13"));
        var kernel = Ids(Kernel("6.1.50"));
        var newerKernel = Ids(Kernel("6.1.176"));

        Assert.Equal(["CVE-2022-28391", "CVE-2022-48174"], busybox);
        Assert.Equal(["CVE-2023-45853"], zlib);
        Assert.Equal(["CVE-2024-1086"], kernel);

        // 6.1 <= v < 6.1.76 does not hold for 6.1.176 (numerically), nor does any other range of the record.
        Assert.Empty(newerKernel);

        static MatchSubject Kernel(string version) =>
            new("linux", "linux_kernel", version, $"cpe:2.3:o:linux:linux_kernel:{version}:*:*:*:*:*:*:*", null, ComponentType.OperatingSystem);
    }

    [Fact]
    public void AComponentWithoutCpeFindsRecordsWithoutCpeDataByDescriptionWords()
    {
        // Dropbear has no CPE in the inventory; CVE-2025-47203 ("Received") only says "Dropbear SSH" in prose.
        var dropbear = new MatchSubject("dropbear", "dropbear", "2022.83", null, null, ComponentType.Application);
        var uboot = new MatchSubject("u-boot", "U-Boot", "2023.01", null, null, ComponentType.Firmware);

        Assert.Equal(["CVE-2025-47203"], Ids(dropbear));
        Assert.Equal(["CVE-2024-57256"], Ids(uboot));
    }

    [Fact]
    public void DescriptionWordsMatchWholeWordsOnly()
    {
        // "dropbea" and "boot" alone are parts of words or phrases in the descriptions, never the whole name.
        var partial = new MatchSubject("dropbea", "dropbea", "1", null, null, ComponentType.Application);

        Assert.Empty(Ids(partial));
    }

    [Fact]
    public void ASubjectWithAPurlFindsPackageRecordsByNameAndPurl()
    {
        using var database = VulnerabilityDatabase.OpenInMemory();
        using (var update = database.BeginUpdate("offline:osv"))
        {
            update.Add(new VulnerabilityRecord
            {
                Id = "DSA-0000-1",
                Source = "osv",
                LastModified = ImportedAt,
                Packages = [new PackageAffected { Ecosystem = "Debian:12", Name = "openssl", Ranges = [new PackageRange("ECOSYSTEM", [new RangeEvent("introduced", "0"), new RangeEvent("fixed", "3.0.15-1")])] }],
            });
            update.Add(new VulnerabilityRecord
            {
                Id = "GHSA-xxxx-yyyy-zzzz",
                Source = "osv",
                LastModified = ImportedAt,
                Packages = [new PackageAffected { Ecosystem = "npm", Name = "@scope/left-pad", Purl = "pkg:npm/%40scope/left-pad" }],
            });
            update.Commit(ImportedAt, new());
        }

        var openssl = new MatchSubject("openssl", "openssl", "3.0.11-1~deb12u2", null, "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=armhf", ComponentType.Library);
        var leftPad = new MatchSubject("left-pad", "left-pad", "1.0.0", null, "pkg:npm/%40scope/left-pad@1.0.0", ComponentType.Library);
        var other = new MatchSubject("libssl", "libssl", "3.0.11", null, "pkg:deb/debian/libssl3@3.0.11", ComponentType.Library);

        Assert.Equal(["DSA-0000-1"], database.Candidates(openssl).Select(r => r.Id));
        Assert.Equal(["GHSA-xxxx-yyyy-zzzz"], database.Candidates(leftPad).Select(r => r.Id));
        Assert.Empty(database.Candidates(other));
    }

    [Fact]
    public void CandidatesComeBackWholeAsImported()
    {
        var source = DatabaseFixtures.NvdRecords().Single(r => r.Id == "CVE-2023-45853");

        var stored = Assert.Single(_database.Candidates(DatabaseFixtures.Subject("zlib:zlib", "1.2.13")));

        Assert.Equal(source.Description, stored.Description);
        Assert.Equal(source.LastModified, stored.LastModified);
        Assert.Equal(source.Status, stored.Status);
        var expected = source.Configurations.SelectMany(c => c.Nodes).SelectMany(n => n.Matches);
        var actual = stored.Configurations.SelectMany(c => c.Nodes).SelectMany(n => n.Matches);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void KevComesFromTheCatalogue()
    {
        var kev = _database.Kev("cve-2023-4911");

        Assert.NotNull(kev);
        Assert.Equal("CVE-2023-4911", kev.CveId);
        Assert.Equal("GNU", kev.VendorProject);
        Assert.Null(_database.Kev("CVE-1999-0001"));
    }

    public void Dispose()
    {
        _database.Dispose();
        _temp.Dispose();
    }

    private List<string> Ids(MatchSubject subject) => [.. _database.Candidates(subject).Select(r => r.Id)];
}
