using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Matching;

/// <summary>AND configurations and platform entries, on the real records and on small ones in NVD's shape.</summary>
public sealed class PlatformConfigurationTests
{
    private static readonly MatchSubject NetAppFirmware = Subject("fw", "cpe:2.3:o:netapp:h300s_firmware:-:*:*:*:*:*:*:*", null, ComponentType.OperatingSystem);
    private static readonly MatchSubject NetAppHardware = Subject("hw", "cpe:2.3:h:netapp:h300s:-:*:*:*:*:*:*:*", null, ComponentType.Firmware);
    private static readonly MatchSubject OpenWrt = Subject("os", "cpe:2.3:o:openwrt:openwrt:23.05.3:*:*:*:*:*:*:*", "23.05.3", ComponentType.OperatingSystem);
    private static readonly MatchSubject Debian11 = Subject("deb", "cpe:2.3:o:debian:debian_linux:11.0:*:*:*:*:*:*:*", "11.0", ComponentType.OperatingSystem);

    [Fact]
    public void Netapp_firmware_with_unknown_platform_is_undecidable_and_names_the_hardware()
    {
        MatchOutcome outcome = VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2022-43680"), NetAppFirmware, MatchPlatform.Unknown);
        Assert.Equal(MatchVerdict.Undecidable, outcome.Verdict);
        Assert.Equal("cpe:2.3:o:netapp:h300s_firmware:-:*:*:*:*:*:*:*", outcome.Entry);
        Assert.Contains("cpe:2.3:h:netapp:h300s:-:*:*:*:*:*:*:*", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("h500s", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Netapp_firmware_on_its_hardware_is_affected()
    {
        var platform = new MatchPlatform([NetAppFirmware, NetAppHardware], NetAppFirmware);
        MatchOutcome outcome = VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2022-43680"), NetAppFirmware, platform);
        Assert.Equal(MatchVerdict.Affected, outcome.Verdict);
    }

    [Fact]
    public void Netapp_firmware_in_an_image_whose_os_is_known_and_other_is_not_affected()
    {
        var platform = new MatchPlatform([NetAppFirmware, OpenWrt], OpenWrt);
        MatchOutcome outcome = VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2022-43680"), NetAppFirmware, platform);
        Assert.Equal(MatchVerdict.NotAffected, outcome.Verdict);
        Assert.Contains("h300s", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("openwrt", outcome.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2.4.9", MatchVerdict.Affected)]
    [InlineData("2.5.0", MatchVerdict.NotAffected)]
    public void Libexpat_is_decided_by_its_own_configuration_whatever_the_debian_and_netapp_nodes(string version, MatchVerdict expected)
    {
        MatchSubject expat = Subject("expat", $"cpe:2.3:a:libexpat_project:libexpat:{version}:*:*:*:*:*:*:*", version, ComponentType.Library);
        foreach (MatchPlatform platform in new[] { MatchPlatform.Unknown, new MatchPlatform([expat, Debian11], Debian11), new MatchPlatform([expat, OpenWrt], OpenWrt) })
        {
            Assert.Equal(expected, VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2022-43680"), expat, platform).Verdict);
        }
    }

    [Fact]
    public void Debian_node_of_a_record_is_affected_for_the_debian_os_itself()
    {
        Assert.Equal(MatchVerdict.Affected, VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2022-43680"), Debian11, MatchPlatform.Unknown).Verdict);
        MatchSubject debian12 = Debian11 with { Cpe = "cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*", Version = "12.0" };
        Assert.Equal(MatchVerdict.NotAffected, VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2022-43680"), debian12, MatchPlatform.Unknown).Verdict);
    }

    [Theory]
    [InlineData("1.30.1", MatchVerdict.Affected)]
    [InlineData("1.33.1", MatchVerdict.Affected)]
    [InlineData("1.33.2", MatchVerdict.NotAffected)]
    [InlineData("1.15.9", MatchVerdict.NotAffected)]
    public void Busybox_on_fedora_is_decided_by_the_busybox_range_alone(string version, MatchVerdict expected)
    {
        MatchSubject busybox = Subject("bb", $"cpe:2.3:a:busybox:busybox:{version}:*:*:*:*:*:*:*", version, ComponentType.Application);
        MatchSubject fedora = Subject("f", "cpe:2.3:o:fedoraproject:fedora:34:*:*:*:*:*:*:*", "34", ComponentType.OperatingSystem);
        foreach (MatchPlatform platform in new[] { MatchPlatform.Unknown, new MatchPlatform([busybox, fedora], fedora) })
        {
            Assert.Equal(expected, VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2021-42386"), busybox, platform).Verdict);
        }

        Assert.Equal(MatchVerdict.NotAffected, VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2021-42386"), fedora with { Cpe = "cpe:2.3:o:fedoraproject:fedora:35:*:*:*:*:*:*:*" }, MatchPlatform.Unknown).Verdict);
        Assert.Equal(MatchVerdict.Affected, VulnerabilityMatcher.Evaluate(NvdSamples.Get("CVE-2021-42386"), fedora, MatchPlatform.Unknown).Verdict);
    }

    // An application that is only vulnerable on one OS: AND of the vulnerable application and a vulnerable:false OS.
    private static readonly VulnerabilityRecord OpensslOnWindows = new()
    {
        Id = "CVE-TEST-0001",
        Source = "nvd",
        Configurations =
        [
            new CpeConfiguration(CpeOperator.And, false,
            [
                new CpeNode(CpeOperator.Or, false, [new CpeMatch { Vulnerable = true, Criteria = "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", VersionEndExcluding = "3.0.8" }]),
                new CpeNode(CpeOperator.Or, false, [new CpeMatch { Vulnerable = false, Criteria = "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*" }]),
            ]),
        ],
    };

    private static readonly MatchSubject OpenSsl = Subject("ssl", "cpe:2.3:a:openssl:openssl:3.0.2:*:*:*:*:*:*:*", "3.0.2", ComponentType.Library);

    [Fact]
    public void And_with_a_platform_os_is_undecidable_when_the_os_is_unknown()
    {
        MatchOutcome outcome = VulnerabilityMatcher.Evaluate(OpensslOnWindows, OpenSsl, MatchPlatform.Unknown);
        Assert.Equal(MatchVerdict.Undecidable, outcome.Verdict);
        Assert.Contains("cpe:2.3:o:microsoft:windows:-", outcome.Reason, StringComparison.Ordinal);
        Assert.StartsWith("cpe:2.3:a:openssl:openssl:*", outcome.Entry, StringComparison.Ordinal);
    }

    [Fact]
    public void And_with_a_platform_os_is_not_affected_on_another_known_os_and_affected_on_that_os()
    {
        Assert.Equal(MatchVerdict.NotAffected, VulnerabilityMatcher.Evaluate(OpensslOnWindows, OpenSsl, new MatchPlatform([OpenSsl, OpenWrt], OpenWrt)).Verdict);
        MatchSubject windows = Subject("win", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", null, ComponentType.OperatingSystem);
        Assert.Equal(MatchVerdict.Affected, VulnerabilityMatcher.Evaluate(OpensslOnWindows, OpenSsl, new MatchPlatform([OpenSsl], windows)).Verdict);
        MatchSubject fixedSsl = OpenSsl with { Cpe = "cpe:2.3:a:openssl:openssl:3.0.8:*:*:*:*:*:*:*", Version = "3.0.8" };
        Assert.Equal(MatchVerdict.NotAffected, VulnerabilityMatcher.Evaluate(OpensslOnWindows, fixedSsl, new MatchPlatform([fixedSsl], windows)).Verdict);
    }

    [Fact]
    public void And_with_an_application_platform_is_undecidable_unless_the_image_has_it()
    {
        VulnerabilityRecord record = OpensslOnWindows with
        {
            Configurations =
            [
                new CpeConfiguration(CpeOperator.And, false,
                [
                    OpensslOnWindows.Configurations[0].Nodes[0],
                    new CpeNode(CpeOperator.Or, false, [new CpeMatch { Vulnerable = false, Criteria = "cpe:2.3:a:nodejs:node.js:*:*:*:*:*:*:*:*", VersionStartIncluding = "18.0.0" }]),
                ]),
            ],
        };
        Assert.Equal(MatchVerdict.Undecidable, VulnerabilityMatcher.Evaluate(record, OpenSsl, new MatchPlatform([OpenSsl, OpenWrt], OpenWrt)).Verdict);
        MatchSubject node = Subject("node", "cpe:2.3:a:nodejs:node.js:18.19.0:*:*:*:*:*:*:*", "18.19.0", ComponentType.Application);
        Assert.Equal(MatchVerdict.Affected, VulnerabilityMatcher.Evaluate(record, OpenSsl, new MatchPlatform([OpenSsl, node, OpenWrt], OpenWrt)).Verdict);
        MatchSubject oldNode = node with { Cpe = "cpe:2.3:a:nodejs:node.js:16.20.0:*:*:*:*:*:*:*", Version = "16.20.0" };
        Assert.Equal(MatchVerdict.Undecidable, VulnerabilityMatcher.Evaluate(record, OpenSsl, new MatchPlatform([OpenSsl, oldNode, OpenWrt], OpenWrt)).Verdict);
    }

    [Fact]
    public void And_with_a_vulnerable_os_entry_needs_that_os()
    {
        // NVD also writes "app on OS" with both entries vulnerable: true.
        VulnerabilityRecord record = OpensslOnWindows with
        {
            Configurations =
            [
                new CpeConfiguration(CpeOperator.And, false,
                [
                    OpensslOnWindows.Configurations[0].Nodes[0],
                    new CpeNode(CpeOperator.Or, false, [new CpeMatch { Vulnerable = true, Criteria = "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*", VersionEndExcluding = "5.0" }]),
                ]),
            ],
        };
        MatchSubject oldKernel = Subject("k", "cpe:2.3:o:linux:linux_kernel:4.19.0:*:*:*:*:*:*:*", "4.19.0", ComponentType.OperatingSystem);
        MatchSubject newKernel = oldKernel with { Cpe = "cpe:2.3:o:linux:linux_kernel:6.1.0:*:*:*:*:*:*:*", Version = "6.1.0" };
        Assert.Equal(MatchVerdict.Undecidable, VulnerabilityMatcher.Evaluate(record, OpenSsl, MatchPlatform.Unknown).Verdict);
        Assert.Equal(MatchVerdict.Affected, VulnerabilityMatcher.Evaluate(record, OpenSsl, new MatchPlatform([OpenSsl, oldKernel], oldKernel)).Verdict);
        Assert.Equal(MatchVerdict.NotAffected, VulnerabilityMatcher.Evaluate(record, OpenSsl, new MatchPlatform([OpenSsl, newKernel], newKernel)).Verdict);
    }

    [Fact]
    public void Negated_node_inverts_the_platform()
    {
        // Vulnerable everywhere except on Windows.
        VulnerabilityRecord record = OpensslOnWindows with
        {
            Configurations =
            [
                new CpeConfiguration(CpeOperator.And, false,
                [
                    OpensslOnWindows.Configurations[0].Nodes[0],
                    OpensslOnWindows.Configurations[0].Nodes[1] with { Negate = true },
                ]),
            ],
        };
        MatchSubject windows = Subject("win", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", null, ComponentType.OperatingSystem);
        Assert.Equal(MatchVerdict.Affected, VulnerabilityMatcher.Evaluate(record, OpenSsl, new MatchPlatform([OpenSsl, OpenWrt], OpenWrt)).Verdict);
        Assert.Equal(MatchVerdict.NotAffected, VulnerabilityMatcher.Evaluate(record, OpenSsl, new MatchPlatform([OpenSsl], windows)).Verdict);
    }

    private static MatchSubject Subject(string bomRef, string cpe, string? version, ComponentType type) =>
        new(bomRef, bomRef, version, cpe, null, type);
}
