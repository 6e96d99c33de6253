using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Matching;

/// <summary>One cpeMatch entry against one component: versions with updates, NA, other attributes, no version.</summary>
public sealed class CpeEntryMatchingTests
{
    private static CpeMatch Entry(string criteria, string? startIncluding = null, string? endExcluding = null) =>
        new() { Vulnerable = true, Criteria = criteria, VersionStartIncluding = startIncluding, VersionEndExcluding = endExcluding };

    [Theory]
    // sudo's "1.9.17:-": exactly 1.9.17, no patch level.
    [InlineData("cpe:2.3:a:sudo_project:sudo:1.9.17:-:*:*:*:*:*:*", "cpe:2.3:a:sudo_project:sudo:1.9.17:*:*:*:*:*:*:*", null, true)]
    [InlineData("cpe:2.3:a:sudo_project:sudo:1.9.17:-:*:*:*:*:*:*", "cpe:2.3:a:sudo_project:sudo:1.9.17p1:*:*:*:*:*:*:*", null, false)]
    [InlineData("cpe:2.3:a:sudo_project:sudo:1.9.17:-:*:*:*:*:*:*", "cpe:2.3:a:sudo_project:sudo:1.9.17:p1:*:*:*:*:*:*", null, false)]
    // "1.9.13:p3" and a component version 1.9.13p3: the patch level is split off and compared as the update.
    [InlineData("cpe:2.3:a:sudo_project:sudo:1.9.13:p3:*:*:*:*:*:*", "cpe:2.3:a:sudo_project:sudo:*:*:*:*:*:*:*:*", "1.9.13p3", true)]
    [InlineData("cpe:2.3:a:sudo_project:sudo:1.9.13:p3:*:*:*:*:*:*", "cpe:2.3:a:sudo_project:sudo:1.9.13p2:*:*:*:*:*:*:*", null, false)]
    [InlineData("cpe:2.3:a:sudo_project:sudo:1.9.13p3:*:*:*:*:*:*:*", "cpe:2.3:a:sudo_project:sudo:1.9.13:p3:*:*:*:*:*:*", null, true)]
    // Update ANY: every patch level of that version.
    [InlineData("cpe:2.3:a:sudo_project:sudo:1.9.13:*:*:*:*:*:*:*", "cpe:2.3:a:sudo_project:sudo:1.9.13p3:*:*:*:*:*:*:*", null, true)]
    [InlineData("cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*", "cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*", null, false)]
    [InlineData("cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*", "cpe:2.3:a:openssl:openssl:1.0.2k-fips:*:*:*:*:*:*:*", null, true)]
    [InlineData("cpe:2.3:o:linux:linux_kernel:6.8:rc1:*:*:*:*:*:*", "cpe:2.3:o:linux:linux_kernel:6.8.0-rc1:*:*:*:*:*:*:*", null, true)]
    [InlineData("cpe:2.3:o:linux:linux_kernel:6.8:rc1:*:*:*:*:*:*", "cpe:2.3:o:linux:linux_kernel:6.8:*:*:*:*:*:*:*", null, false)]
    [InlineData("cpe:2.3:a:tcpdump:tcpdump:4.99.3:*:*:*:*:*:*:*", "cpe:2.3:a:tcpdump:tcpdump:4.99.3:*:*:*:*:*:*:*", null, true)]
    // NA version only for NA.
    [InlineData("cpe:2.3:o:netapp:h300s_firmware:-:*:*:*:*:*:*:*", "cpe:2.3:o:netapp:h300s_firmware:-:*:*:*:*:*:*:*", null, true)]
    [InlineData("cpe:2.3:o:netapp:h300s_firmware:-:*:*:*:*:*:*:*", "cpe:2.3:o:netapp:h300s_firmware:9.1:*:*:*:*:*:*:*", null, false)]
    // Other attributes: a value in the component must agree; ANY in the component may match.
    [InlineData("cpe:2.3:a:openvpn:openvpn:2.6.5:*:*:*:community:*:*:*", "cpe:2.3:a:openvpn:openvpn:2.6.5:*:*:*:*:*:*:*", null, true)]
    [InlineData("cpe:2.3:a:openvpn:openvpn:2.6.5:*:*:*:community:*:*:*", "cpe:2.3:a:openvpn:openvpn:2.6.5:*:*:*:enterprise:*:*:*", null, false)]
    [InlineData("cpe:2.3:a:vendor:lib:1.0:*:*:*:*:node.js:*:*", "cpe:2.3:a:vendor:lib:1.0:*:*:*:*:python:*:*", null, false)]
    [InlineData(@"cpe:2.3:a:netapp:solidfire_\&_hci_management_node:-:*:*:*:*:*:*:*", @"cpe:2.3:a:netapp:solidfire_\&_hci_management_node:-:*:*:*:*:*:*:*", null, true)]
    // Different product, vendor, part.
    [InlineData("cpe:2.3:a:readymedia_project:readymedia:2.3.1:*:*:*:*:*:*:*", "cpe:2.3:a:miniupnp_project:miniupnpd:2.3.1:*:*:*:*:*:*:*", null, false)]
    [InlineData("cpe:2.3:h:busybox:busybox:1.0:*:*:*:*:*:*:*", "cpe:2.3:a:busybox:busybox:1.0:*:*:*:*:*:*:*", null, false)]
    [InlineData("cpe:2.3:a:BusyBox:BusyBox:1.0:*:*:*:*:*:*:*", "cpe:2.3:a:busybox:busybox:1.0:*:*:*:*:*:*:*", null, true)]
    public void Exact_version_entries(string criteria, string component, string? version, bool expected)
    {
        Assert.Equal(expected, CpeEntryMatcher.Matches(Entry(criteria), component, version, out string? reason));
        if (expected)
        {
            Assert.Null(reason);
        }
    }

    [Fact]
    public void A_range_bound_compares_the_joined_patch_level()
    {
        CpeMatch sudo = Entry("cpe:2.3:a:sudo_project:sudo:*:*:*:*:*:*:*:*", endExcluding: "1.9.17p1");
        Assert.True(CpeEntryMatcher.Matches(sudo, "cpe:2.3:a:sudo_project:sudo:1.9.17:*:*:*:*:*:*:*", null, out _));
        Assert.False(CpeEntryMatcher.Matches(sudo, "cpe:2.3:a:sudo_project:sudo:1.9.17:p1:*:*:*:*:*:*", null, out _));
        Assert.False(CpeEntryMatcher.Matches(sudo, "cpe:2.3:a:sudo_project:sudo:1.9.17p2:*:*:*:*:*:*:*", null, out string? reason));
        Assert.Equal("1.9.17p2 is outside < 1.9.17p1", reason);
    }

    [Fact]
    public void No_version_or_an_incomparable_version_is_undecidable_never_not_affected()
    {
        var record = new VulnerabilityRecord
        {
            Id = "CVE-TEST-2",
            Source = "nvd",
            Configurations = [new CpeConfiguration(CpeOperator.Or, false, [new CpeNode(CpeOperator.Or, false, [Entry("cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:*:*:*:*:*:*:*:*", endExcluding: "2025.88")])])],
        };
        var noVersion = new MatchSubject("d", "dropbear", null, "cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:*:*:*:*:*:*:*:*", null, ComponentType.Application);
        MatchOutcome unknown = VulnerabilityMatcher.Evaluate(record, noVersion, MatchPlatform.Unknown);
        Assert.Equal(MatchVerdict.Undecidable, unknown.Verdict);
        Assert.Contains("no version", unknown.Reason, StringComparison.Ordinal);
        Assert.Equal("cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:*:*:*:*:*:*:*:* versions < 2025.88", unknown.Entry);

        MatchOutcome hash = VulnerabilityMatcher.Evaluate(record, noVersion with { Version = "a1b2c3d4e5" }, MatchPlatform.Unknown);
        Assert.Equal(MatchVerdict.Undecidable, hash.Verdict);
        Assert.Contains("cannot be compared with 2025.88", hash.Reason, StringComparison.Ordinal);

        MatchOutcome semver = VulnerabilityMatcher.Evaluate(record, noVersion with { Version = "0.52" }, MatchPlatform.Unknown);
        Assert.Equal(MatchVerdict.Undecidable, semver.Verdict);

        Assert.Equal(MatchVerdict.Affected, VulnerabilityMatcher.Evaluate(record, noVersion with { Version = "2022.83" }, MatchPlatform.Unknown).Verdict);
        Assert.Equal(MatchVerdict.NotAffected, VulnerabilityMatcher.Evaluate(record, noVersion with { Version = "2025.88" }, MatchPlatform.Unknown).Verdict);
    }

    [Fact]
    public void An_entry_without_bounds_covers_every_version_even_an_unknown_one()
    {
        CpeMatch all = Entry("cpe:2.3:a:vendor:product:*:*:*:*:*:*:*:*");
        Assert.True(CpeEntryMatcher.Matches(all, "cpe:2.3:a:vendor:product:*:*:*:*:*:*:*:*", null, out _));
        Assert.True(CpeEntryMatcher.Matches(all, "cpe:2.3:a:vendor:product:whatever:*:*:*:*:*:*:*", null, out _));
    }

    [Fact]
    public void Not_affected_names_the_nearest_entry_or_says_no_configuration_names_the_product()
    {
        var subject = new MatchSubject("d", "dnsmasq", "2.90", "cpe:2.3:a:thekelleys:dnsmasq:2.90:*:*:*:*:*:*:*", null, ComponentType.Application);
        MatchOutcome near = VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2023-28450"), subject, MatchPlatform.Unknown);
        Assert.Equal(MatchVerdict.NotAffected, near.Verdict);
        Assert.Equal("cpe:2.3:a:thekelleys:dnsmasq:*:*:*:*:*:*:*:* versions < 2.90", near.Entry);
        Assert.Equal("2.90 is outside < 2.90", near.Reason);

        MatchOutcome other = VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2023-33476"), subject with { Cpe = "cpe:2.3:a:miniupnp_project:miniupnpd:2.3.1:*:*:*:*:*:*:*" }, MatchPlatform.Unknown);
        Assert.Null(other.Entry);
        Assert.Equal("no configuration names miniupnp_project:miniupnpd", other.Reason);
    }

    [Fact]
    public void A_component_without_cpe_is_not_matched_against_configurations()
    {
        var subject = new MatchSubject("z", "zlib", "1.2.13", null, null, ComponentType.Library);
        MatchOutcome outcome = VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2023-45853"), subject, MatchPlatform.Unknown);
        Assert.Equal(MatchVerdict.NotAffected, outcome.Verdict);
        Assert.Contains("no CPE", outcome.Reason, StringComparison.Ordinal);
    }
}
