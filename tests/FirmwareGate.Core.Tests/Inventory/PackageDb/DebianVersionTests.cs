using System.Text.Json;
using FirmwareGate.Core.Inventory.PackageDb;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Inventory.PackageDb;

public sealed class DebianVersionTests
{
    /// <summary>Every (Debian version, upstream version) pair the corpus manifests record.</summary>
    public static TheoryData<string, string> ManifestVersions()
    {
        var data = new TheoryData<string, string>();
        if (!TestPaths.CorpusPresent)
        {
            data.Add("corpus-absent", "corpus-absent");
            return data;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var manifest in Directory.GetFiles(TestPaths.Corpus, "*.manifest.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
            foreach (var c in doc.RootElement.GetProperty("components").EnumerateArray())
            {
                string debian = c.GetProperty("debian_version").GetString()!;
                if (seen.Add(debian))
                {
                    data.Add(debian, c.GetProperty("version").GetString()!);
                }
            }
        }

        return data;
    }

    [CorpusTheory]
    [MemberData(nameof(ManifestVersions))]
    public void Upstream_version_matches_the_manifest(string debianVersion, string upstream) =>
        Assert.Equal(upstream, DebianVersion.Upstream(debianVersion));

    // Real bookworm versions and the upstream versions the corpus manifests give for them (kept here so the
    // rules are checked without the corpus), plus forms the corpus does not have.
    [Theory]
    [InlineData("1:1.2.13.dfsg-1", "1.2.13")]
    [InlineData("1.5.4+dfsg2-5", "1.5.4")]
    [InlineData("2.1.12-stable-8", "2.1.12-stable")]
    [InlineData("1.9.13p3-1+deb12u4", "1.9.13p3")]
    [InlineData("1:2.66-4+deb12u3+b1", "2.66")]
    [InlineData("2.90-4~deb12u2", "2.90")]
    [InlineData("2023.01+dfsg-2+deb12u3", "2023.01")]
    [InlineData("2:6.2.1+dfsg1-1.1", "6.2.1")]
    [InlineData("2.9.14+dfsg-1.3~deb12u6", "2.9.14")]
    [InlineData("2.4.9-1+1.1+b1", "2.4.9")]
    [InlineData("3.7.0-0.2+b1", "3.7.0")]
    [InlineData("1:1.35.0-4+deb12u1+b1", "1.35.0")]
    [InlineData("1.35.0-4+deb12u1+b1", "1.35.0")] // opkg status of the router: the epoch dropped
    [InlineData("2:1.0.26-1", "1.0.26")]
    [InlineData("12.4+deb12u15", "12.4+deb12u15")] // base-files: a native package has no revision to strip
    [InlineData("6.4", "6.4")]
    [InlineData("1.2+really1.1-1", "1.1")]
    [InlineData("1.0+ds.1-2", "1.0")]
    [InlineData("4.2~repack3-1", "4.2")]
    [InlineData("1.36.1-1", "1.36.1")] // OpenWrt PKG_VERSION-PKG_RELEASE
    [InlineData("2023-01-19-fb4a3c40-1", "2023-01-19-fb4a3c40")]
    public void Upstream_version_strips_epoch_revision_and_repack(string version, string upstream) =>
        Assert.Equal(upstream, DebianVersion.Upstream(version));

    [Theory]
    [InlineData("")]
    [InlineData("1:")]
    [InlineData(":1.0")]
    [InlineData("a:1.0")]
    [InlineData("1.0 beta")]
    [InlineData("1.0/2")]
    [InlineData("1.0\u00e9")]
    [InlineData("-1")]
    public void Malformed_versions_have_no_upstream(string version)
    {
        Assert.False(DebianVersion.IsValid(version) && DebianVersion.Upstream(version) is not null);
        Assert.Null(DebianVersion.Upstream(version));
    }

    [Fact]
    public void Overlong_version_is_rejected()
    {
        Assert.Null(DebianVersion.Upstream(new string('1', DebianVersion.MaxLength + 1)));
        Assert.Equal(new string('1', DebianVersion.MaxLength), DebianVersion.Upstream(new string('1', DebianVersion.MaxLength)));
    }
}
