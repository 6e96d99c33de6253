using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Matching;

/// <summary>
/// OSV range semantics on small records shaped like the OSV schema (ossf.github.io/osv-schema, "affected",
/// "affected[].ranges[].events" and "Evaluation"): events introduced/fixed/last_affected/limit, SEMVER,
/// ECOSYSTEM and GIT ranges, explicit versions; and CVE JSON 5 affected entries without CPEs
/// (cve-schema "affected[].versions", "defaultStatus").
/// </summary>
public sealed class PackageMatchingTests
{
    private static VulnerabilityRecord Osv(PackageAffected affected) => new() { Id = "OSV-TEST-1", Source = "osv", Packages = [affected] };

    private static PackageRange Range(string type, params (string Kind, string Version)[] events) =>
        new(type, [.. events.Select(e => new RangeEvent(e.Kind, e.Version))]);

    private static MatchSubject Purl(string purl) => new("c", "c", null, null, purl, ComponentType.Library);

    private static MatchVerdict Verdict(VulnerabilityRecord record, MatchSubject subject) =>
        VulnerabilityMatcher.Evaluate(record, subject, MatchPlatform.Unknown).Verdict;

    [Theory]
    [InlineData("0.9.9", MatchVerdict.NotAffected)]
    [InlineData("1.0.0", MatchVerdict.Affected)]
    [InlineData("1.4.9", MatchVerdict.Affected)]
    [InlineData("1.5.0", MatchVerdict.NotAffected)]
    [InlineData("1.9.0", MatchVerdict.NotAffected)]
    [InlineData("2.0.0-rc.1", MatchVerdict.NotAffected)]
    [InlineData("2.0.0", MatchVerdict.Affected)]
    [InlineData("2.3.1", MatchVerdict.Affected)]
    [InlineData("2.3.2", MatchVerdict.NotAffected)]
    public void Semver_range_with_two_intervals_fixed_and_last_affected(string version, MatchVerdict expected)
    {
        // Events given out of order on purpose: evaluation sorts them.
        var record = Osv(new PackageAffected
        {
            Ecosystem = "npm",
            Name = "@scope/lib",
            Ranges = [Range("SEMVER", ("introduced", "2.0.0"), ("last_affected", "2.3.1"), ("introduced", "1.0.0"), ("fixed", "1.5.0"))],
        });
        Assert.Equal(expected, Verdict(record, Purl($"pkg:npm/%40scope/lib@{version}")));
    }

    [Theory]
    [InlineData("0.1", MatchVerdict.Affected)]
    [InlineData("1:1.35.0-4", MatchVerdict.Affected)]
    [InlineData("1:1.35.0-4+deb12u1", MatchVerdict.NotAffected)]
    [InlineData("1:1.36.1-1", MatchVerdict.NotAffected)]
    public void Debian_ecosystem_range_from_zero_uses_dpkg_order(string version, MatchVerdict expected)
    {
        var record = Osv(new PackageAffected
        {
            Ecosystem = "Debian:12",
            Name = "busybox",
            Ranges = [Range("ECOSYSTEM", ("introduced", "0"), ("fixed", "1:1.35.0-4+deb12u1"))],
        });
        MatchOutcome outcome = VulnerabilityMatcher.Evaluate(record, Purl($"pkg:deb/debian/busybox@{Uri.EscapeDataString(version)}?arch=mipsel&distro=debian-12"), MatchPlatform.Unknown);
        Assert.Equal(expected, outcome.Verdict);
        Assert.Equal("osv-ecosystem", outcome.Method);
    }

    [Fact]
    public void Limit_events_cap_the_range()
    {
        var record = Osv(new PackageAffected
        {
            Ecosystem = "PyPI",
            Name = "requests",
            Ranges = [Range("ECOSYSTEM", ("introduced", "0"), ("limit", "2.0"))],
        });
        Assert.Equal(MatchVerdict.Affected, Verdict(record, Purl("pkg:pypi/requests@1.9")));
        Assert.Equal(MatchVerdict.NotAffected, Verdict(record, Purl("pkg:pypi/requests@2.0")));
    }

    [Fact]
    public void Purl_given_by_the_record_matches_type_namespace_and_name()
    {
        var record = Osv(new PackageAffected
        {
            Ecosystem = "Alpine:v3.19",
            Name = "busybox",
            Purl = "pkg:apk/alpine/busybox",
            Ranges = [Range("ECOSYSTEM", ("introduced", "0"), ("fixed", "1.36.1-r16"))],
        });
        MatchOutcome outcome = VulnerabilityMatcher.Evaluate(record, Purl("pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64"), MatchPlatform.Unknown);
        Assert.Equal((MatchVerdict.Affected, "osv-purl"), (outcome.Verdict, outcome.Method));
        Assert.Contains("fixed 1.36.1-r16", outcome.Entry, StringComparison.Ordinal);
        Assert.Equal(MatchVerdict.NotAffected, Verdict(record, Purl("pkg:apk/alpine/busybox@1.36.1-r16")));
        Assert.Equal(MatchVerdict.NotAffected, Verdict(record, Purl("pkg:apk/wolfi/busybox@1.36.1-r1")));
    }

    [Fact]
    public void Git_ranges_are_undecidable_unless_versions_lists_the_version()
    {
        var record = Osv(new PackageAffected
        {
            Ecosystem = "OSS-Fuzz",
            Name = "zlib",
            Purl = "pkg:generic/zlib",
            Ranges = [Range("GIT", ("introduced", "0"), ("fixed", "73331a6a0481067628f065ffe87bb1d8f787d10c"))],
            Versions = ["v1.2.13", "1.3"],
        });
        MatchOutcome listed = VulnerabilityMatcher.Evaluate(record, Purl("pkg:generic/zlib@1.3"), MatchPlatform.Unknown);
        Assert.Equal(MatchVerdict.Affected, listed.Verdict);
        Assert.Equal(MatchVerdict.Affected, Verdict(record, Purl("pkg:generic/zlib@1.2.13")));
        MatchOutcome other = VulnerabilityMatcher.Evaluate(record, Purl("pkg:generic/zlib@1.3.1"), MatchPlatform.Unknown);
        Assert.Equal(MatchVerdict.Undecidable, other.Verdict);
        Assert.Contains("git", other.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Maven_and_go_names_come_from_the_purl_namespace()
    {
        var maven = Osv(new PackageAffected
        {
            Ecosystem = "Maven",
            Name = "org.apache.logging.log4j:log4j-core",
            Ranges = [Range("ECOSYSTEM", ("introduced", "2.0-beta9"), ("fixed", "2.15.0"))],
        });
        Assert.Equal(MatchVerdict.Affected, Verdict(maven, Purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")));
        Assert.Equal(MatchVerdict.NotAffected, Verdict(maven, Purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0")));
        Assert.Equal(MatchVerdict.NotAffected, Verdict(maven, Purl("pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1")));

        var go = Osv(new PackageAffected
        {
            Ecosystem = "Go",
            Name = "golang.org/x/net",
            Ranges = [Range("SEMVER", ("introduced", "0"), ("fixed", "0.17.0"))],
        });
        Assert.Equal(MatchVerdict.Affected, Verdict(go, Purl("pkg:golang/golang.org/x/net@v0.16.0")));
        Assert.Equal(MatchVerdict.NotAffected, Verdict(go, Purl("pkg:golang/golang.org/x/net@v0.17.0")));
    }

    [Fact]
    public void A_version_the_ecosystem_cannot_order_is_undecidable_and_no_version_too()
    {
        var record = Osv(new PackageAffected
        {
            Ecosystem = "crates.io",
            Name = "openssl",
            Ranges = [Range("SEMVER", ("introduced", "0.10.0"), ("fixed", "0.10.55"))],
        });
        Assert.Equal(MatchVerdict.Undecidable, Verdict(record, Purl("pkg:cargo/openssl@0.10")));
        Assert.Equal(MatchVerdict.Undecidable, Verdict(record, Purl("pkg:cargo/openssl")));
        Assert.Equal(MatchVerdict.Affected, Verdict(record, Purl("pkg:cargo/openssl@0.10.54")));
    }

    [Theory]
    [InlineData("2.5.0", "unaffected", MatchVerdict.Affected)]
    [InlineData("2.6.0", "unaffected", MatchVerdict.NotAffected)]
    [InlineData("2.6.0", "affected", MatchVerdict.Affected)]
    [InlineData("2.6.0", "unknown", MatchVerdict.Undecidable)]
    public void Cve5_affected_without_cpe_matches_vendor_and_product_then_default_status(string version, string defaultStatus, MatchVerdict expected)
    {
        // CVE JSON 5 "affected": vendor, product, versions [{version: "2.0.0", lessThan: "2.6.0", status: "affected"}].
        var record = new VulnerabilityRecord
        {
            Id = "CVE-TEST-5",
            Source = "cve5",
            Packages = [new PackageAffected
            {
                Vendor = "libexpat project",
                Name = "libexpat",
                DefaultStatus = defaultStatus,
                Ranges = [Range("ECOSYSTEM", ("introduced", "2.0.0"), ("fixed", "2.6.0"))],
            }],
        };
        var subject = new MatchSubject("e", "libexpat", version, "cpe:2.3:a:libexpat_project:libexpat:*:*:*:*:*:*:*:*", null, ComponentType.Library);
        MatchOutcome outcome = VulnerabilityMatcher.Evaluate(record, subject, MatchPlatform.Unknown);
        Assert.Equal((expected, "cve5-affected"), (outcome.Verdict, outcome.Method));
    }

    [Fact]
    public void Another_package_is_not_affected()
    {
        var record = Osv(new PackageAffected { Ecosystem = "PyPI", Name = "django", Ranges = [Range("ECOSYSTEM", ("introduced", "0"))] });
        MatchOutcome outcome = VulnerabilityMatcher.Evaluate(record, Purl("pkg:pypi/flask@2.0"), MatchPlatform.Unknown);
        Assert.Equal(MatchVerdict.NotAffected, outcome.Verdict);
        Assert.Equal(MatchVerdict.Affected, Verdict(record, Purl("pkg:pypi/Django@4.2")));
    }

    [Theory]
    [InlineData("pkg:deb/debian/busybox@1%3A1.35.0-4?arch=mipsel", "deb", "debian", "busybox", "1:1.35.0-4")]
    [InlineData("pkg:npm/%40angular/core@16.0.0", "npm", "@angular", "core", "16.0.0")]
    [InlineData("pkg:golang/github.com/gorilla/mux@v1.8.0#sub", "golang", "github.com/gorilla", "mux", "v1.8.0")]
    [InlineData("pkg:generic/openssl", "generic", null, "openssl", null)]
    public void Parses_package_urls(string text, string type, string? ns, string name, string? version)
    {
        PackageUrl? purl = PackageUrl.TryParse(text);
        Assert.Equal(new PackageUrl(type, ns, name, version), purl);
    }

    [Theory]
    [InlineData("npm/left-pad@1.0.0")]
    [InlineData("pkg:npm")]
    [InlineData("")]
    public void Rejects_non_purls(string text) => Assert.Null(PackageUrl.TryParse(text));
}
