using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Inventory;

namespace FirmwareGate.Core.Tests.Inventory;

/// <summary>The merge step: sightings to components, one per product and version.</summary>
public sealed class InventoryBuilderTests
{
    private const string Root = "fw.bin@0x40000:squashfs(xz)";
    private const string Initramfs = "fw.bin@0x0:fit/ramdisk/gzip/cpio";
    private static readonly Product OpenSsl = ProductCatalog.Default.ById("openssl")!;
    private static readonly Product BusyBox = ProductCatalog.Default.ById("busybox")!;
    private static readonly Product Curl = ProductCatalog.Default.ById("curl")!;
    private static readonly Product LibCurl = ProductCatalog.Default.ById("libcurl")!;

    [Fact]
    public void Sightings_of_one_product_and_version_make_one_component_carrying_every_piece_of_evidence()
    {
        var inventory = Build(
            PackageDb(OpenSsl, "3.0.20", "libssl3", "pkg:deb/debian/openssl@3.0.20-1~deb12u2?arch=arm64"),
            Seen(OpenSsl, "3.0.20", Root, "/usr/lib/libcrypto.so.3", EvidenceMethod.BinarySignature, sha256: "ab12"),
            Seen(OpenSsl, null, Root, "/usr/lib/libssl.so.3", EvidenceMethod.ElfSoname));

        var c = Assert.Single(inventory.Components);
        Assert.Equal(("openssl", "3.0.20"), (c.Name, c.Version));
        Assert.Equal("pkg:deb/debian/openssl@3.0.20-1~deb12u2?arch=arm64", c.Purl);
        Assert.Equal("cpe:2.3:a:openssl:openssl:3.0.20:*:*:*:*:*:*:*", c.Cpe);
        Assert.Equal("ab12", c.Sha256);
        Assert.Equal([EvidenceMethod.PackageDb, EvidenceMethod.BinarySignature, EvidenceMethod.ElfSoname], c.Evidence.Select(e => e.Method).Order());
    }

    [Fact]
    public void Two_versions_of_one_product_are_two_components_with_distinct_refs()
    {
        var inventory = Build(
            Seen(BusyBox, "1.35.0", Root, "/bin/busybox", EvidenceMethod.BinarySignature),
            Seen(BusyBox, "1.36.1", Initramfs, "/bin/busybox", EvidenceMethod.BinarySignature));

        Assert.Equal(["busybox@1.35.0", "busybox@1.36.1"], inventory.Components.Select(c => c.BomRef));
        Assert.Equal(Root + ":/bin/busybox", Assert.Single(inventory.Components[0].Evidence).Location);
    }

    [Fact]
    public void A_versionless_sighting_joins_the_component_in_its_own_filesystem_and_never_borrows_across()
    {
        var inventory = Build(
            Seen(OpenSsl, "3.0.20", Root, "/usr/lib/libcrypto.so.3", EvidenceMethod.BinarySignature),
            Seen(OpenSsl, "1.1.1w", Initramfs, "/lib/libcrypto.so.1.1", EvidenceMethod.BinarySignature),
            Seen(OpenSsl, null, Initramfs, "/lib/libssl.so.1.1", EvidenceMethod.ElfSoname),
            Seen(OpenSsl, null, "fw.bin@0x900000:squashfs(lzo)", "/lib/libssl.so.3", EvidenceMethod.ElfSoname),
            Seen(LibCurl, null, Root, "/usr/lib/libcurl.so.4", EvidenceMethod.ElfSoname));

        var old = Assert.Single(inventory.Components, c => c.Version == "1.1.1w");
        Assert.Contains(old.Evidence, e => e.Path == "/lib/libssl.so.1.1");

        // A third filesystem with two candidate versions elsewhere: no version is borrowed.
        var unknown = Assert.Single(inventory.Components, c => c.Name == "openssl" && c.Version is null);
        Assert.Equal("/lib/libssl.so.3", Assert.Single(unknown.Evidence).Path);
        Assert.Equal("cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", unknown.Cpe);
        Assert.Equal("pkg:generic/openssl", unknown.Purl);

        var libcurl = Assert.Single(inventory.Components, c => c.Name == "libcurl");
        Assert.Null(libcurl.Version);
        Assert.Equal("libcurl", libcurl.BomRef);
    }

    [Fact]
    public void Dt_needed_links_become_dependencies_through_sonames_and_package_file_lists()
    {
        var sink = new AnalysisSink();
        sink.Add(Seen(Curl, "7.88.1", Root, "/usr/bin/curl", EvidenceMethod.BinarySignature));
        sink.Add(PackageDb(LibCurl, "7.88.1", "libcurl4", "pkg:deb/debian/curl@7.88.1-10?arch=armel"));
        sink.Add(PackageDb(OpenSsl, "3.0.20", "libssl3", "pkg:deb/debian/openssl@3.0.20-1?arch=armel"));
        sink.Add(new PackageFiles(Root, "libcurl4", ["/usr/lib/libcurl.so.4.8.0"]));
        sink.Add(new PackageFiles(Root, "libssl3", ["/usr/lib/libssl.so.3", "/usr/lib/libcrypto.so.3"]));
        sink.Add(new ElfLinkInfo(Root, "/usr/bin/curl", null, ["libcurl.so.4", "libc.so.6"]));
        sink.Add(new ElfLinkInfo(Root, "/usr/lib/libcurl.so.4.8.0", "libcurl.so.4", ["libssl.so.3", "libcrypto.so.3"]));
        sink.Add(new ElfLinkInfo(Root, "/usr/lib/libssl.so.3", "libssl.so.3", ["libcrypto.so.3"]));
        sink.Add(new ElfLinkInfo(Root, "/usr/lib/libcrypto.so.3", "libcrypto.so.3", []));
        // The same SONAME in another filesystem does not satisfy a link in this one.
        sink.Add(new ElfLinkInfo(Initramfs, "/usr/lib/libcurl.so.4", "libcurl.so.4", []));

        var inventory = InventoryBuilder.Build(new AnalysisResults(sink));

        var curl = Assert.Single(inventory.Components, c => c.Name == "curl");
        var libcurl = Assert.Single(inventory.Components, c => c.Name == "libcurl");
        var openssl = Assert.Single(inventory.Components, c => c.Name == "openssl");
        Assert.Equal([libcurl.BomRef], curl.DependsOn);
        Assert.Equal([openssl.BomRef], libcurl.DependsOn);
        Assert.Empty(openssl.DependsOn);
    }

    [Fact]
    public void The_os_release_component_is_the_operating_system_and_nothing_is_invented()
    {
        Assert.Empty(InventoryBuilder.Build(new AnalysisResults(new AnalysisSink())).Components);

        var inventory = Build(new ComponentObservation
        {
            Name = "acmewrt",
            Version = "23.05.2",
            Type = ComponentType.OperatingSystem,
            Method = EvidenceMethod.PackageDb,
            Confidence = 1,
            Location = Root + ":/etc/openwrt_release",
            Path = "/etc/openwrt_release",
        });

        Assert.Equal("23.05.2", inventory.OperatingSystem?.Version);
        Assert.Null(inventory.OperatingSystem?.Cpe);
    }

    [Theory]
    [InlineData("1.9.13p3", "1.9.13p3")]
    [InlineData("2.1.12-stable", "2.1.12-stable")]
    [InlineData("1:2.3", "1\\:2.3")]
    [InlineData("1.0+git20230101", "1.0\\+git20230101")]
    [InlineData("a*b?", "a\\*b\\?")]
    public void Cpe_versions_are_escaped_as_the_cpe_2_3_formatted_string_requires(string version, string escaped) =>
        Assert.Equal(escaped, InventoryBuilder.CpeEscape(version));

    private static InventoryResult Build(params ComponentObservation[] observations)
    {
        var sink = new AnalysisSink();
        foreach (var o in observations)
        {
            sink.Add(o);
        }

        return InventoryBuilder.Build(new AnalysisResults(sink));
    }

    private static ComponentObservation Seen(Product product, string? version, string layer, string path, EvidenceMethod method, string? sha256 = null) => new()
    {
        Product = product,
        Name = product.Name,
        Version = version,
        Method = method,
        Confidence = method == EvidenceMethod.ElfSoname ? 0.5 : 0.9,
        Location = layer + ":" + path,
        Path = path,
        Detail = method.ToString(),
        FileSha256 = sha256,
    };

    private static ComponentObservation PackageDb(Product product, string version, string package, string purl) => new()
    {
        Product = product,
        Name = product.Name,
        Version = version,
        Purl = purl,
        Method = EvidenceMethod.PackageDb,
        Confidence = 1,
        Location = Root + ":/var/lib/dpkg/status",
        Path = "/var/lib/dpkg/status",
        Detail = "dpkg: " + package,
        Package = package,
    };
}
