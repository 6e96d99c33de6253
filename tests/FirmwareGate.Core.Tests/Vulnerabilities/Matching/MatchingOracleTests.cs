using System.Globalization;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Matching;

/// <summary>
/// The verdicts of expected-matches.tsv, and for every vulnerable range of the 22 real NVD records the versions
/// just inside and just outside each bound, whose expected side is worked out here from the bound's numbers alone.
/// </summary>
public sealed class MatchingOracleTests
{
    public static TheoryData<string, string, string, string> ExpectedMatches()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (string line in File.ReadLines(TestPaths.Fixture("Vulnerabilities/expected-matches.tsv")).Skip(1))
        {
            string[] f = line.Split('\t');
            if (f.Length >= 4)
            {
                data.Add(f[0], f[1], f[2], f[3]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExpectedMatches))]
    public void Each_record_gives_the_expected_verdict_for_the_corpus_version(string cve, string vendorProduct, string version, string verdict)
    {
        MatchVerdict expected = verdict switch
        {
            "affected" => MatchVerdict.Affected,
            "not_affected" => MatchVerdict.NotAffected,
            "no_cpe_data" => MatchVerdict.NoCpeData,
            _ => throw new InvalidDataException(verdict),
        };
        VulnerabilityRecord record = NvdSamples.Get(cve);
        string part = PartOf(vendorProduct);

        // The version in the CPE, and the CPE without version plus the component's version: the same verdict.
        var inCpe = new MatchSubject("c1", vendorProduct, version, $"cpe:2.3:{part}:{vendorProduct}:{version}:*:*:*:*:*:*:*", null, ComponentType.Application);
        var besideCpe = inCpe with { Cpe = $"cpe:2.3:{part}:{vendorProduct}:*:*:*:*:*:*:*:*" };
        foreach (MatchSubject subject in new[] { inCpe, besideCpe })
        {
            MatchOutcome outcome = VulnerabilityMatcher.Evaluate(record, subject, MatchPlatform.Unknown);
            Assert.True(expected == outcome.Verdict, $"{cve} {subject.Cpe}: expected {expected}, got {outcome}");
            Assert.Equal(expected == MatchVerdict.NoCpeData ? "description" : "nvd-cpe", outcome.Method);
            if (expected == MatchVerdict.Affected)
            {
                Assert.Contains(vendorProduct, outcome.Entry, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Affected_entry_reads_as_criteria_and_range()
    {
        var subject = new MatchSubject("bb", "busybox", "1.35.0", "cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*", null, ComponentType.Application);
        MatchOutcome outcome = VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2022-48174"), subject, MatchPlatform.Unknown);
        Assert.Equal("cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:* versions <= 1.36.1", outcome.Entry);
        Assert.True(outcome.Decidable);
    }

    [Fact]
    public void No_cpe_data_holds_whatever_the_component()
    {
        var other = new MatchSubject("x", "anything", null, null, "pkg:npm/left-pad@1.0.0", ComponentType.Library);
        foreach (string cve in new[] { "CVE-2023-4911", "CVE-2024-57256", "CVE-2025-47203" })
        {
            MatchOutcome outcome = VulnerabilityMatcher.Evaluate(NvdSamples.Get(cve), other, MatchPlatform.Unknown);
            Assert.Equal((MatchVerdict.NoCpeData, "description"), (outcome.Verdict, outcome.Method));
            Assert.False(outcome.Decidable);
        }
    }

    public static TheoryData<string, int> RangeEntries()
    {
        var data = new TheoryData<string, int>();
        foreach (VulnerabilityRecord record in NvdSamples.Records.Values.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            List<CpeMatch> ranged = RangedEntries(record);
            for (int i = 0; i < ranged.Count; i++)
            {
                data.Add(record.Id, i);
            }
        }

        return data;
    }

    [Fact]
    public void The_records_hold_thirty_ranged_vulnerable_entries()
    {
        // Guards the theory below against silently testing nothing.
        Assert.Equal(30, NvdSamples.Records.Values.Sum(r => RangedEntries(r).Count));
    }

    [Theory]
    [MemberData(nameof(RangeEntries))]
    public void Versions_just_inside_and_outside_every_bound_agree_with_the_record(string cve, int index)
    {
        VulnerabilityRecord record = NvdSamples.Get(cve);
        CpeMatch entry = RangedEntries(record)[index];
        var single = record with { Configurations = [new CpeConfiguration(CpeOperator.Or, false, [new CpeNode(CpeOperator.Or, false, [entry])])] };
        string[] bounds = [.. new[] { entry.VersionStartIncluding, entry.VersionStartExcluding, entry.VersionEndIncluding, entry.VersionEndExcluding }.OfType<string>()];
        int checkedVersions = 0;
        foreach (string version in bounds.SelectMany(Neighbours).Distinct(StringComparer.Ordinal))
        {
            bool inside = Inside(entry, version);
            var subject = new MatchSubject("c", cve, version, WithVersion(entry.Criteria, version), null, ComponentType.Application);
            MatchOutcome alone = VulnerabilityMatcher.Evaluate(single, subject, MatchPlatform.Unknown);
            Assert.True(
                (inside ? MatchVerdict.Affected : MatchVerdict.NotAffected) == alone.Verdict,
                $"{CpeEntryMatcherText(entry)} with {version}: expected inside={inside}, got {alone}");

            // In the whole record, a version inside this range is affected (other entries may add more).
            if (inside)
            {
                Assert.Equal(MatchVerdict.Affected, VulnerabilityMatcher.Evaluate(record, subject, MatchPlatform.Unknown).Verdict);
            }

            checkedVersions++;
        }

        Assert.True(checkedVersions >= bounds.Length + 1);
    }

    private static string CpeEntryMatcherText(CpeMatch entry) => CpeEntryMatcher.Describe(entry);

    private static List<CpeMatch> RangedEntries(VulnerabilityRecord record) =>
        [.. record.Configurations.SelectMany(c => c.Nodes).SelectMany(n => n.Matches)
            .Where(m => m.Vulnerable && (m.VersionStartIncluding ?? m.VersionStartExcluding ?? m.VersionEndIncluding ?? m.VersionEndExcluding) is not null)];

    // The bound, and the versions just below and just above it in its last number: 2.0.16 -> 2.0.15, 2.0.16, 2.0.17.
    // A last number of 0 borrows from the one before: 2.0.0 -> 1.999.999 (x.y.0 -> x.(y-1).999).
    private static IEnumerable<string> Neighbours(string bound)
    {
        int[] n = Numbers(bound);
        yield return bound;
        yield return string.Join('.', n[..^1].Append(n[^1] + 1));
        int last = Array.FindLastIndex(n, x => x > 0);
        if (last >= 0)
        {
            int[] below = [.. n];
            below[last]--;
            for (int i = last + 1; i < below.Length; i++)
            {
                below[i] = 999;
            }

            yield return string.Join('.', below);
        }
    }

    // The expected side from plain integer tuples (the bounds here are all dotted numbers), missing parts as 0.
    private static bool Inside(CpeMatch entry, string version)
    {
        int[] v = Numbers(version);
        return (entry.VersionStartIncluding is not { } si || Tuple(v, Numbers(si)) >= 0)
            && (entry.VersionStartExcluding is not { } se || Tuple(v, Numbers(se)) > 0)
            && (entry.VersionEndIncluding is not { } ei || Tuple(v, Numbers(ei)) <= 0)
            && (entry.VersionEndExcluding is not { } ee || Tuple(v, Numbers(ee)) < 0);
    }

    private static int Tuple(int[] a, int[] b)
    {
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            int c = (i < a.Length ? a[i] : 0).CompareTo(i < b.Length ? b[i] : 0);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    private static int[] Numbers(string version) =>
        [.. version.Split('.').Select(p => int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture))];

    // The criteria with its version attribute (the fifth after "cpe:2.3:") replaced.
    private static string WithVersion(string criteria, string version)
    {
        string[] f = criteria.Split(':');
        Assert.Equal("*", f[5]);
        f[5] = version;
        return string.Join(':', f);
    }

    private static string PartOf(string vendorProduct)
    {
        foreach (string line in File.ReadLines(TestPaths.Fixture("Vulnerabilities/index.tsv")).Skip(1))
        {
            string? hit = line.Split('\t')[^1].Split(' ').FirstOrDefault(p => p.EndsWith(":" + vendorProduct, StringComparison.Ordinal));
            if (hit is not null)
            {
                return hit[..1];
            }
        }

        return "a";
    }
}
