using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Database;

/// <summary>
/// The candidate lookup never drops a record the matcher would call affected or undecidable: every real record,
/// asked for every product it names at every version its entries name, just inside and just outside each bound.
/// </summary>
public sealed class PrefilterTests
{
    [Fact]
    public void NoRecordTheMatcherCallsAffectedOrUndecidableIsLeftOut()
    {
        using var database = VulnerabilityDatabase.OpenInMemory();
        var records = DatabaseFixtures.NvdRecords();
        using (var update = database.BeginUpdate("test"))
        {
            foreach (var record in records)
            {
                update.Add(record);
            }

            update.Commit(DateTimeOffset.UnixEpoch, new());
        }

        var checkedPairs = 0;
        var dropped = 0;
        foreach (var (part, vendor, product, version) in Probes(records))
        {
            var subject = new MatchSubject(product, product, version, $"cpe:2.3:{part}:{vendor}:{product}:{version}:*:*:*:*:*:*:*", null, ComponentType.Application);
            var candidates = database.Candidates(subject).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var record in records)
            {
                var verdict = VulnerabilityMatcher.Evaluate(record, subject, MatchPlatform.Unknown).Verdict;
                checkedPairs++;
                if (verdict is MatchVerdict.Affected or MatchVerdict.Undecidable)
                {
                    Assert.True(candidates.Contains(record.Id), $"{record.Id} is {verdict} for {subject.Cpe} but not a candidate");
                }
                else if (!candidates.Contains(record.Id))
                {
                    dropped++;
                }
            }
        }

        Assert.True(checkedPairs > 1000, $"only {checkedPairs} pairs checked");
        Assert.True(dropped > 0);
    }

    private static IEnumerable<(string Part, string Vendor, string Product, string Version)> Probes(IReadOnlyList<VulnerabilityRecord> records)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var match in records.SelectMany(r => r.Configurations).SelectMany(c => c.Nodes).SelectMany(n => n.Matches).Where(m => m.Vulnerable))
        {
            var fields = match.Criteria.Split(':');
            var versions = new[] { match.VersionStartIncluding, match.VersionStartExcluding, match.VersionEndIncluding, match.VersionEndExcluding, fields[5] is "*" or "-" ? null : fields[5] }
                .Where(v => v is not null)
                .SelectMany(v => Around(v!));
            foreach (var version in versions)
            {
                if (seen.Add($"{fields[2]}:{fields[3]}:{fields[4]}:{version}"))
                {
                    yield return (fields[2], fields[3], fields[4], version);
                }
            }
        }
    }

    // The bound itself, one step below and above in its last number, a patch level and a pre-release after it.
    private static IEnumerable<string> Around(string version)
    {
        yield return version;
        yield return version + "p1";
        yield return version + "-rc1";
        var dot = version.LastIndexOf('.');
        if (dot >= 0 && int.TryParse(version[(dot + 1)..], out var last))
        {
            yield return $"{version[..(dot + 1)]}{last + 1}";
            if (last > 0)
            {
                yield return $"{version[..(dot + 1)]}{last - 1}";
            }
        }
    }
}
