using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Inventory.PackageDb;
using FirmwareGate.Core.Tests.Support;
using static FirmwareGate.Core.Tests.Inventory.PackageDb.PackageDbRun;

namespace FirmwareGate.Core.Tests.Inventory.PackageDb;

/// <summary>
/// Real files copied from the corpus images and Debian packages (tests/fixtures/packagedb.sh), checked against
/// the image manifests: the corpus's own when present, else the extract committed next to the fixtures.
/// </summary>
public sealed class PackageDbFixtureTests
{
    private const string Router = "router.trx@0x4bb9d4:trx/squashfs(xz)";
    private const string Gateway = "gateway.img@0xbc0000:squashfs(zstd)";

    private static ManifestComponents Manifest(string image, string fixture) =>
        ManifestComponents.Load(TestPaths.CorpusPresent ? Path.Combine(TestPaths.Corpus, image + ".manifest.json") : TestPathsFixture(fixture + ".manifest.json"));

    private static string SourceOf(string purl) => purl["pkg:deb/debian/".Length..purl.IndexOf('@')];

    [Fact]
    public void Dpkg_status_gives_every_manifest_package_with_its_upstream_version_and_purl()
    {
        var manifest = Manifest("gateway-arm64", "gateway");
        var results = Walk([FixtureLayer("gateway", Gateway)]);
        var byPackage = results.Packages().ToDictionary(o => o.Package!, StringComparer.Ordinal);
        var expected = manifest.Components.Where(c => c.InPackageDb).ToList();
        Assert.Equal(expected.Sum(c => c.Packages.Count), byPackage.Count);
        foreach (var c in expected)
        {
            foreach (string package in c.Packages)
            {
                var o = byPackage[package];
                Assert.Equal(c.Version, o.Version);
                Assert.Equal(c.Purl.Replace("&distro=debian-12", "", StringComparison.Ordinal), o.Purl); // no /etc/debian_version
                Assert.Equal(o.Product?.Name ?? SourceOf(c.Purl), o.Name);
                Assert.Equal(Gateway + ":/var/lib/dpkg/status", o.Location);
                Assert.Equal("/var/lib/dpkg/status", o.Path);
                Assert.StartsWith($"dpkg: {package} {c.DebianVersion}", o.Detail, StringComparison.Ordinal);
            }
        }

        Assert.Equal("openssl", byPackage["libssl3"].Product?.Id);
        Assert.Equal(ComponentType.Library, byPackage["libssl3"].Type);
        Assert.Equal("dpkg: libssl3 3.0.20-1~deb12u2 (source openssl)", byPackage["libssl3"].Detail);
        Assert.Equal(ComponentType.Library, byPackage["libexpat1"].Type); // no catalog product: "lib" prefix
        Assert.Equal(ComponentType.Application, byPackage["chrony"].Type);
        Assert.Empty(results.Warnings);
    }

    [Fact]
    public void Opkg_status_with_control_files_gives_every_manifest_package()
    {
        var manifest = Manifest("router-mipsel", "router");
        var results = Walk([FixtureLayer("router", Router)]);
        var byPackage = results.Packages().ToDictionary(o => o.Package!, StringComparer.Ordinal);
        var withControl = Directory.GetFiles(TestPathsFixture("router/usr/lib/opkg/info"), "*.control").Select(f => Path.GetFileNameWithoutExtension(f)).ToHashSet();
        Assert.Equal(manifest.Components.Where(c => c.InPackageDb).Sum(c => c.Packages.Count), byPackage.Count);
        foreach (var c in manifest.Components.Where(c => c.InPackageDb))
        {
            foreach (string package in c.Packages)
            {
                var o = byPackage[package];
                Assert.Equal(c.Version, o.Version);
                Assert.Equal(Router + ":/usr/lib/opkg/status", o.Location);

                // The status file has no Source; the control file does. AcmeWrt is not OpenWrt: no namespace.
                string source = withControl.Contains(package) ? SourceOf(c.Purl) : package;
                Assert.Equal(o.Product?.Name ?? source, o.Name);
                Assert.Matches($"^pkg:opkg/{package.Replace("+", "%2B", StringComparison.Ordinal)}@[^?]+\\?arch=mipsel$", o.Purl);
            }
        }

        // hostapd's control file names its Debian source, wpa; the catalog maps the package to the product.
        Assert.Equal("hostapd", byPackage["hostapd"].Name);
        Assert.Equal("hostapd", byPackage["hostapd"].Product?.Id);
        Assert.Equal("mbedtls", byPackage["libmbedtls14"].Name);
        Assert.Equal("pkg:opkg/hostapd@2.10-12+deb12u3?arch=mipsel", byPackage["hostapd"].Purl);
        Assert.Empty(results.Warnings);
    }

    [Fact]
    public void File_lists_hold_the_manifest_files_of_their_packages()
    {
        foreach (var (image, fixture, location, info) in new[] { ("gateway-arm64", "gateway", Gateway, "var/lib/dpkg/info"), ("router-mipsel", "router", Router, "usr/lib/opkg/info") })
        {
            var manifest = Manifest(image, fixture);
            var lists = Walk([FixtureLayer(fixture, location)]).Items<PackageFiles>().ToDictionary(p => p.Package, StringComparer.Ordinal);
            string dir = TestPathsFixture(Path.Combine(fixture, info));
            Assert.Equal(Directory.GetFiles(dir, "*.list").Length, lists.Count);
            foreach (var (package, files) in lists)
            {
                Assert.Equal(location, files.LayerLocation);
                var lines = File.ReadAllLines(Path.Combine(dir, package + ".list")).Where(l => l.Length > 0 && l != "/.").ToList();
                Assert.Equal(lines, files.Paths);
            }

            var complete = manifest.Components.Where(c => c.InPackageDb && c.Packages.All(lists.ContainsKey)).ToList();
            Assert.NotEmpty(complete);
            foreach (var c in complete)
            {
                var listed = c.Packages.SelectMany(p => lists[p].Paths).ToHashSet(StringComparer.Ordinal);
                Assert.All(c.Files, f => Assert.Contains(f, listed));
            }
        }
    }

    [Fact]
    public void Openwrt_release_names_the_os_once_per_layer()
    {
        var results = Walk([FixtureLayer("router", Router)]);
        var system = Assert.Single(results.Systems());
        Assert.Equal("acmewrt", system.Name);
        Assert.Equal("23.05.2", system.Version);
        Assert.Null(system.Cpe);
        Assert.Null(system.Vendor);
        Assert.Equal(Router + ":/etc/openwrt_release", system.Location);
        Assert.Equal("/etc/openwrt_release: DISTRIB_ID=AcmeWrt DISTRIB_RELEASE=23.05.2 DISTRIB_REVISION=r23630-842932a63d", system.Detail);

        var records = results.Items<OsRelease>().OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(["/etc/openwrt_release", "/etc/openwrt_version"], records.Select(r => r.Path));
        string manifestPath = TestPaths.CorpusPresent ? Path.Combine(TestPaths.Corpus, "router-mipsel.manifest.json") : TestPathsFixture("router.manifest.json");
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifestPath));
        var os = doc.RootElement.GetProperty("os").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(os.OrderBy(kv => kv.Key, StringComparer.Ordinal), records[0].Fields.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)));
        Assert.Equal("r23630-842932a63d", records[1].Fields[OsRelease.ValueKey]);
    }

    [Fact]
    public void Genuine_openwrt_gets_the_openwrt_namespace_and_cpe()
    {
        var layer = FixtureLayer("router", Router);
        var files = layer.FileSystem!.Entries.Where(e => e.Type == Unpacking.EntryType.File)
            .Select(e => (e.Path, e.Path == "/etc/openwrt_release"
                ? Bytes(File.ReadAllText(TestPathsFixture("router/etc/openwrt_release")).Replace("AcmeWrt", "OpenWrt", StringComparison.Ordinal))
                : File.ReadAllBytes(TestPathsFixture("router" + e.Path))));
        var results = Walk([Layer(files, Router)]);
        Assert.All(results.Packages(), o => Assert.StartsWith("pkg:opkg/openwrt/" + o.Package + "@", o.Purl, StringComparison.Ordinal));
        var os = Assert.Single(results.Systems());
        Assert.Equal(("openwrt", "23.05.2", "OpenWrt"), (os.Name, os.Version, os.Vendor));
        Assert.Equal("cpe:2.3:o:openwrt:openwrt:23.05.2:*:*:*:*:*:*:*", os.Cpe);
    }

    [Fact]
    public void Debian_base_files_give_namespace_distro_and_the_debian_os()
    {
        var files = new List<(string, byte[])>
        {
            ("/var/lib/dpkg/status", File.ReadAllBytes(TestPathsFixture("gateway/var/lib/dpkg/status"))),
            ("/usr/lib/os-release", File.ReadAllBytes(TestPathsFixture("debian/usr/lib/os-release"))),
            ("/etc/os-release", Bytes("-> ../usr/lib/os-release")), // as base-files installs it
            ("/etc/debian_version", File.ReadAllBytes(TestPathsFixture("debian/etc/debian_version"))),
        };
        var results = Walk([Layer(files)]);
        var busybox = Assert.Single(results.Packages(), o => o.Package == "busybox");
        Assert.Equal("pkg:deb/debian/busybox@1:1.35.0-4+deb12u1+b1?arch=arm64&distro=debian-12", busybox.Purl);

        var os = Assert.Single(results.Systems());
        Assert.Equal(("debian", "12", "Debian"), (os.Name, os.Version, os.Vendor));
        Assert.Equal("cpe:2.3:o:debian:debian_linux:12:*:*:*:*:*:*:*", os.Cpe);
        Assert.Equal("/usr/lib/os-release", os.Path);
        Assert.Equal("/usr/lib/os-release: ID=debian VERSION_ID=12", os.Detail);
        Assert.Equal("12.15", Assert.Single(results.Items<OsRelease>(), r => r.Path == "/etc/debian_version").Fields[OsRelease.ValueKey]);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", Assert.Single(results.Items<OsRelease>(), r => r.Path == "/usr/lib/os-release").Fields["PRETTY_NAME"]);
    }

    [Fact]
    public void Ubuntu_os_release_gives_the_ubuntu_namespace_and_ignores_a_codename_debian_version()
    {
        const string ubuntu = "PRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.3 LTS (Jammy Jellyfish)\"\n"
            + "VERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\nUBUNTU_CODENAME=jammy\n";
        var results = Walk(
            ("/var/lib/dpkg/status", File.ReadAllBytes(TestPathsFixture("gateway/var/lib/dpkg/status"))),
            ("/usr/lib/os-release", Bytes(ubuntu)),
            ("/etc/debian_version", Bytes("bookworm/sid\n")));
        Assert.Equal("pkg:deb/ubuntu/openssl@3.0.20-1~deb12u2?arch=arm64&distro=ubuntu-22.04", Assert.Single(results.Packages(), o => o.Package == "libssl3").Purl);
        var os = Assert.Single(results.Systems());
        Assert.Equal(("ubuntu", "22.04", "cpe:2.3:o:canonical:ubuntu_linux:22.04:*:*:*:*:*:*:*"), (os.Name, os.Version, os.Cpe));
    }

    [Theory]
    [InlineData("/etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME=\"Alpine Linux v3.18\"\n", "alpine", "3.18.4", "cpe:2.3:o:alpinelinux:alpine_linux:3.18.4:*:*:*:*:*:*:*")]
    [InlineData("/etc/alpine-release", "3.18.4\n", "alpine", "3.18.4", "cpe:2.3:o:alpinelinux:alpine_linux:3.18.4:*:*:*:*:*:*:*")]
    [InlineData("/etc/os-release", "NAME=Buildroot\nVERSION=2023.02.1\nID=buildroot\nVERSION_ID=2023.02.1\nPRETTY_NAME=\"Buildroot 2023.02.1\"\n", "buildroot", "2023.02.1", "cpe:2.3:a:buildroot:buildroot:2023.02.1:*:*:*:*:*:*:*")]
    [InlineData("/etc/os-release", "ID=poky\nNAME=\"Poky (Yocto Project Reference Distro)\"\nVERSION=\"4.0.4 (kirkstone)\"\nVERSION_ID=4.0.4\n", "poky", "4.0.4", null)]
    [InlineData("/etc/issue", "Poky (Yocto Project Reference Distro) 4.0.4 \\n \\l\n\n", "poky", "4.0.4", null)]
    [InlineData("/etc/os-release", "NAME=Fedora\nVERSION=\"38 (Container Image)\"\nID=fedora\nVERSION_ID=38\nCPE_NAME=\"cpe:/o:fedoraproject:fedora:38\"\n", "fedora", "38", "cpe:2.3:o:fedoraproject:fedora:38:*:*:*:*:*:*:*")]
    [InlineData("/etc/os-release", "NAME=\"Rocky Linux\"\nVERSION=\"9.2 (Blue Onyx)\"\nID=\"rocky\"\nVERSION_ID=\"9.2\"\nCPE_NAME=\"cpe:/o:rocky:rocky:9::baseos\"\n", "rocky", "9.2", "cpe:2.3:o:rocky:rocky:9:*:*:*:*:*:*:*")]
    [InlineData("/etc/lsb-release", "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION=\"Ubuntu 22.04.3 LTS\"\n", "ubuntu", "22.04", "cpe:2.3:o:canonical:ubuntu_linux:22.04:*:*:*:*:*:*:*")]
    [InlineData("/etc/debian_version", "trixie/sid\n", "debian", null, null)]
    [InlineData("/etc/openwrt_version", "19.07.10\n", "openwrt", "19.07.10", "cpe:2.3:o:openwrt:openwrt:19.07.10:*:*:*:*:*:*:*")]
    public void Release_file_names_the_os(string path, string content, string name, string? version, string? cpe)
    {
        var os = Assert.Single(Walk((path, Bytes(content))).Systems());
        Assert.Equal((name, version, cpe), (os.Name, os.Version, os.Cpe));
        Assert.Equal(path, os.Path);
        Assert.Equal(1.0, os.Confidence);
    }

    [Theory]
    [InlineData("/etc/issue", "Debian GNU/Linux 12 \\n \\l\n")]
    [InlineData("/etc/openwrt_version", "r23630-842932a63d\n")]
    [InlineData("/etc/version", "20230412081511\n")]
    public void One_line_files_that_name_no_release_give_no_os(string path, string content)
    {
        var results = Walk((path, Bytes(content)));
        Assert.Empty(results.Systems());
        Assert.Equal(content.TrimEnd('\n'), Assert.Single(results.Items<OsRelease>()).Fields[OsRelease.ValueKey]);
    }

    [Fact]
    public void Distroless_status_d_files_are_installed_packages()
    {
        string status = File.ReadAllText(TestPathsFixture("gateway/var/lib/dpkg/status"));
        int start = status.IndexOf("Package: libssl3\n", StringComparison.Ordinal);
        string stanza = status[start..status.IndexOf("\n\n", start, StringComparison.Ordinal)].Replace("Status: install ok installed\n", "", StringComparison.Ordinal);
        var results = Walk(
            ("/var/lib/dpkg/status.d/libssl3", Bytes(stanza + "\n")),
            ("/var/lib/dpkg/status.d/libssl3.md5sums", Bytes("0123456789abcdef0123456789abcdef  usr/lib/aarch64-linux-gnu/libssl.so.3\n")));
        var o = Assert.Single(results.Packages());
        Assert.Equal(("libssl3", "3.0.20", "openssl"), (o.Package, o.Version, o.Name));
        Assert.Equal("/var/lib/dpkg/status.d/libssl3", o.Path);
        Assert.Empty(results.Warnings);
    }

    [Fact]
    public void Machine_readable_copyright_files_give_the_package_licences()
    {
        var files = new List<(string, byte[])> { ("/var/lib/dpkg/status", File.ReadAllBytes(TestPathsFixture("gateway/var/lib/dpkg/status"))) };
        foreach (string package in new[] { "zlib1g", "libssl3", "busybox", "libcap2" })
        {
            files.Add(($"/usr/share/doc/{package}/copyright", File.ReadAllBytes(TestPathsFixture("copyright/" + package))));
        }

        var byPackage = Walk([Layer(files)]).Packages().ToDictionary(o => o.Package!, StringComparer.Ordinal);
        Assert.Equal(["Zlib"], byPackage["zlib1g"].Licenses);
        Assert.Equal(["Apache-2.0", "Artistic", "GPL-1.0-or-later"], byPackage["libssl3"].Licenses);
        Assert.Equal(["BSD-3-Clause", "GPL-2.0-only", "GPL-2.0-or-later"], byPackage["libcap2"].Licenses);
        Assert.Empty(byPackage["busybox"].Licenses); // free-form copyright file: no reliable licence names
        Assert.Empty(byPackage["libexpat1"].Licenses); // no copyright file in the image
    }

    [Fact]
    public void Dbus_copyright_keeps_exceptions_and_unknown_names()
    {
        var licenses = LicenseNames.FromDebianCopyright(File.ReadAllBytes(TestPathsFixture("copyright/libdbus-1-3")));
        string[] expected =
        [
            "AFL-2.1", "BSD-3-Clause", "BSD-3-clause-generic", "FSF-unlimited-permission", "GPL-2.0-or-later",
            "GPL-2.0-or-later with Autoconf exception", "LGPL-2.1-or-later", "MIT", "Tcl-BSDish", "autoconf-archive-permissive",
            "g10-permissive",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), licenses);
    }

    [Theory]
    [InlineData("GPL-2.0-or-later", new[] { "GPL-2.0-or-later" })]
    [InlineData("GPL-2.0+ BSD-3-Clause", new[] { "BSD-3-Clause", "GPL-2.0-or-later" })]
    [InlineData("LGPL-2.1, GPL-2.0", new[] { "GPL-2.0", "LGPL-2.1-only" })]
    [InlineData("ISC", new[] { "ISC" })]
    public void Opkg_license_field_gives_the_package_licences(string field, string[] expected)
    {
        var results = Walk(("/usr/lib/opkg/info/uhttpd.control", Bytes($"Package: uhttpd\nVersion: 2023-06-25-34a8a74d-2\nDepends: libc, libubox20230523\nLicense: {field}\nSection: net\nArchitecture: mipsel_24kc\nInstalled-Size: 30720\nDescription:  uHTTPd is a tiny single threaded HTTP server\n")));
        var o = Assert.Single(results.Packages());
        Assert.Equal(expected, o.Licenses);
        Assert.Equal("2023-06-25-34a8a74d", o.Version);
        Assert.Equal("pkg:opkg/uhttpd@2023-06-25-34a8a74d-2?arch=mipsel_24kc", o.Purl);
        Assert.Equal("/usr/lib/opkg/info/uhttpd.control", o.Path);
    }
}
