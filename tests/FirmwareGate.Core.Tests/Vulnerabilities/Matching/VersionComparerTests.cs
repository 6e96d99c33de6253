using FirmwareGate.Core.Vulnerabilities.Versions;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Matching;

public sealed class VersionComparerTests
{
    [Theory]
    // Numeric, not string, comparison.
    [InlineData("6.1.176", "6.1.76", 1)]
    [InlineData("2.6.14", "2.6.6", 1)]
    [InlineData("1.36.1", "1.36.1", 0)]
    [InlineData("2.4.54", "2.4.9", 1)]
    [InlineData("3.40.1", "3.43.0", -1)]
    [InlineData("6.1", "6.1.0", 0)]
    [InlineData("6.1", "6.1.1", -1)]
    [InlineData("1.02", "1.2", 0)]
    // OpenSSL letters: post-release, before the next number.
    [InlineData("1.1.1w", "1.1.1", 1)]
    [InlineData("1.1.1w", "1.1.1v", 1)]
    [InlineData("1.1.1w", "1.1.2", -1)]
    [InlineData("1.0.2k-fips", "1.0.2k", 0)]
    [InlineData("1.0.2k-fips", "1.0.2l", -1)]
    // Patch levels (sudo, OpenSSH).
    [InlineData("1.9.13p3", "1.9.14", -1)]
    [InlineData("1.9.13p3", "1.9.13", 1)]
    [InlineData("1.9.13p3", "1.9.13p2", 1)]
    [InlineData("1.9.17p1", "1.9.17", 1)]
    [InlineData("9.8p1", "9.8", 1)]
    [InlineData("9.8p1", "9.9", -1)]
    [InlineData("9.8p1", "9.8p1", 0)]
    // Year-based versions.
    [InlineData("2022.83", "2025.88", -1)]
    [InlineData("2023.01", "2025.01-rc1", -1)]
    [InlineData("2025.01", "2025.01-rc1", 1)]
    // Pre-releases sort before the release.
    [InlineData("5.15.0-rc3", "5.15.0", -1)]
    [InlineData("5.15.0-rc3", "5.15.0-rc10", -1)]
    [InlineData("5.15.0-rc3", "5.14.9", 1)]
    [InlineData("5.15-rc3", "5.15.0", -1)]
    [InlineData("2.0.0beta1", "2.0.0rc1", -1)]
    [InlineData("2.0.0alpha", "2.0.0beta", -1)]
    [InlineData("2.0.0-dev", "2.0.0-alpha", -1)]
    [InlineData("1.0~rc1", "1.0", -1)]
    // Leading v, epochs, revisions.
    [InlineData("v1.2.3", "1.2.3", 0)]
    [InlineData("V2.0", "1.9", 1)]
    [InlineData("1:1.0", "2.0", 1)]
    [InlineData("1.36.1-r2", "1.36.1-r10", -1)]
    [InlineData("1.36.1-r2", "1.36.1", 0)]
    [InlineData("2.9.14-2", "2.9.14-1", 1)]
    [InlineData("1.2.3+build5", "1.2.3", 0)]
    public void Orders_embedded_versions(string a, string b, int expected)
    {
        Assert.Equal(expected, VersionComparer.Compare(a, b));
        Assert.Equal(-expected, VersionComparer.Compare(b, a));
    }

    [Theory]
    [InlineData("a1b2c3d4", "1.2.3")] // commit hash vs number
    [InlineData("1.2.3", "4f2e9a1c0b7d")]
    [InlineData("20230115", "1.2.3")] // compact date vs ordinary version
    [InlineData("2022.83", "1.36.1")] // year.release vs ordinary version
    [InlineData("latest", "1.0")] // no digit at all
    [InlineData("", "1.0")]
    [InlineData("1.0", "   ")]
    public void Cannot_compare_different_schemes(string a, string b)
    {
        Assert.Null(VersionComparer.Compare(a, b));
        Assert.Null(VersionComparer.Compare(b, a));
    }

    [Fact]
    public void Overlong_versions_are_undecidable_unless_identical()
    {
        string longer = string.Join('.', Enumerable.Repeat("1", 100));
        Assert.Null(VersionComparer.Compare(longer, "1.0"));
        Assert.Equal(0, VersionComparer.Compare(longer, longer));
    }

    [Theory]
    [InlineData("1.9.13p3", "1.9.13", "p3")]
    [InlineData("9.8p1", "9.8", "p1")]
    [InlineData("5.15.0-rc3", "5.15.0", "rc3")]
    [InlineData("2.0_beta2", "2.0", "beta2")]
    [InlineData("1.1.1w", "1.1.1w", null)]
    [InlineData("1.0.2k-fips", "1.0.2k-fips", null)]
    [InlineData("2.4.54", "2.4.54", null)]
    [InlineData("p3", "p3", null)]
    public void Splits_patch_levels_like_nvd_updates(string version, string expectedVersion, string? expectedUpdate)
    {
        Assert.Equal((expectedVersion, expectedUpdate), VersionComparer.SplitUpdate(version));
    }

    [Fact]
    public void Order_is_transitive_over_a_mixed_list()
    {
        string[] ordered = ["1.0~rc1", "1.0-rc2", "1.0", "1.0a", "1.0b", "1.0p1", "1.0.1", "1.1.1", "1.1.1w", "1.9.13p3", "1.9.14", "6.1.76", "6.1.176"];
        for (int i = 0; i < ordered.Length; i++)
        {
            for (int j = 0; j < ordered.Length; j++)
            {
                Assert.Equal(Math.Sign(i.CompareTo(j)), VersionComparer.Compare(ordered[i], ordered[j]));
            }
        }
    }

    [Theory]
    // dpkg order (Debian Policy 5.6.12): ~ before everything, letters before other characters, epoch first.
    [InlineData("1.0~rc1-1", "1.0-1", -1)]
    [InlineData("1:1.35.0-4", "1.36.1-1", 1)]
    [InlineData("1.35.0-4+deb12u1", "1.35.0-4", 1)]
    [InlineData("1.35.0-4", "1.35.0-10", -1)]
    [InlineData("2.36-9+deb12u4", "2.36-9+deb12u10", -1)]
    [InlineData("1.0a", "1.0+", -1)]
    [InlineData("1.0", "1.0~", 1)]
    [InlineData("3.0.11-1~deb12u2", "3.0.11-1", -1)]
    [InlineData("7.88.1-10+deb12u5", "7.88.1-10+deb12u5", 0)]
    public void Orders_debian_versions(string a, string b, int expected)
    {
        Assert.Equal(expected, DebianVersionComparer.Compare(a, b));
        Assert.Equal(-expected, DebianVersionComparer.Compare(b, a));
    }

    [Theory]
    [InlineData("x:1.0")]
    [InlineData("")]
    [InlineData("-1")]
    public void Rejects_malformed_debian_versions(string bad) => Assert.Null(DebianVersionComparer.Compare(bad, "1.0"));

    [Fact]
    public void Orders_semver_precedence_as_semver_org_lists_it()
    {
        // semver.org section 11's example chain.
        string[] ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1", "v2.1.10"];
        for (int i = 0; i < ordered.Length; i++)
        {
            for (int j = 0; j < ordered.Length; j++)
            {
                Assert.Equal(Math.Sign(i.CompareTo(j)), SemanticVersionComparer.Compare(ordered[i], ordered[j]));
            }
        }

        Assert.Equal(0, SemanticVersionComparer.Compare("1.0.0+build.1", "1.0.0+build.2"));
        Assert.Null(SemanticVersionComparer.Compare("1.0", "1.0.0"));
        Assert.Null(SemanticVersionComparer.Compare("01.0.0", "1.0.0"));
    }

    [Fact]
    public void Ecosystems_pick_their_order()
    {
        Assert.Equal(-1, EcosystemVersions.Compare("Debian:12", "ECOSYSTEM", "1.0~rc1", "1.0"));
        Assert.Equal(-1, EcosystemVersions.Compare("npm", "SEMVER", "1.0.0-beta.2", "1.0.0-beta.11"));
        Assert.Equal(1, EcosystemVersions.Compare("Alpine:v3.19", "ECOSYSTEM", "1.36.1-r10", "1.36.1-r2"));
        Assert.Equal("debian", EcosystemVersions.BaseName("Debian:12"));
    }
}
