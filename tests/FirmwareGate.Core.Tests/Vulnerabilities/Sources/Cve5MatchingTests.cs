using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

/// <summary>What the CVE JSON 5 sample says about versions (schema/docs/versions.md), checked through the matcher.</summary>
public sealed class Cve5MatchingTests
{
    [Theory]
    [InlineData("4.14.300", MatchVerdict.NotAffected)] // 0 <= v < 4.19: unaffected
    [InlineData("4.19", MatchVerdict.Affected)]
    [InlineData("5.4.249", MatchVerdict.Affected)]
    [InlineData("5.4.250", MatchVerdict.NotAffected)] // 5.4.250 up to the end of 5.4: unaffected
    [InlineData("5.4.999", MatchVerdict.NotAffected)]
    [InlineData("5.10.1", MatchVerdict.Affected)] // default affected between 5.5 and 6.5
    [InlineData("6.5", MatchVerdict.NotAffected)] // 6.5 and later: unaffected
    [InlineData("6.12.3", MatchVerdict.NotAffected)]
    public void Linux_entry_with_default_affected_and_unaffected_ranges(string version, MatchVerdict expected) =>
        Assert.Equal(expected, Verdict("Linux", "cpe:2.3:o:linux:linux:" + version + ":*:*:*:*:*:*:*", version));

    [Theory]
    [InlineData("0.9", MatchVerdict.Affected)]
    [InlineData("3.0.6", MatchVerdict.Affected)]
    [InlineData("3.0.7", MatchVerdict.NotAffected)] // changes: unaffected from 3.0.7 on
    [InlineData("3.2", MatchVerdict.NotAffected)]
    [InlineData("3.3", MatchVerdict.NotAffected)] // beyond lessThanOrEqual 3.2, defaultStatus unaffected
    public void Library_entry_with_a_change_inside_its_range(string version, MatchVerdict expected) =>
        Assert.Equal(expected, Verdict("libexample", "cpe:2.3:a:example:libexample:" + version + ":*:*:*:*:*:*:*", version));

    [Theory]
    [InlineData("1.8.3", MatchVerdict.Affected)]
    [InlineData("1.8.4", MatchVerdict.Undecidable)] // not in affected[]; cpeApplicability (< 2.4.1 on a Linux kernel) needs the platform
    [InlineData("2.0", MatchVerdict.Affected)]
    [InlineData("2.4.0", MatchVerdict.Affected)]
    [InlineData("2.4.1", MatchVerdict.NotAffected)]
    public void Cpe_entry_matches_its_stretches(string version, MatchVerdict expected) =>
        Assert.Equal(expected, Verdict("exampled", "cpe:2.3:a:example:exampled:" + version + ":*:*:*:*:*:*:*", version));

    private static MatchVerdict Verdict(string name, string cpe, string version)
    {
        var sink = new RecordList();
        OfflineSources.ReadContent(SourceFiles.Utf8(SourceFiles.Cve5Record), "r.json", sink, new ImportCounts());
        var subject = new MatchSubject("c1", name, version, cpe, null, ComponentType.Application);
        return VulnerabilityMatcher.Evaluate(sink.Records[0], subject, MatchPlatform.Unknown).Verdict;
    }
}
