using FirmwareGate.Core.Inventory.PackageDb;

namespace FirmwareGate.Core.Tests.Inventory.PackageDb;

public sealed class PackageUrlTests
{
    // Expected strings are what packageurl-js 2.0.1 (the parser of ../shared/bin/validate-cyclonedx) writes
    // for the same parts: new PackageURL(type, namespace, name, version, qualifiers).toString().
    [Theory]
    [InlineData("deb", "debian", "libsigc++-2.0", "1:2.0~rc1+dfsg-1", "amd64", "debian-12", "pkg:deb/debian/libsigc%2B%2B-2.0@1:2.0~rc1+dfsg-1?arch=amd64&distro=debian-12")]
    [InlineData("deb", "debian", "busybox", "1:1.35.0-4+deb12u1+b1", "mipsel", "debian-12", "pkg:deb/debian/busybox@1:1.35.0-4+deb12u1+b1?arch=mipsel&distro=debian-12")]
    [InlineData("opkg", "openwrt", "libstdcpp6", "12.3.0-4", "mipsel_24kc", null, "pkg:opkg/openwrt/libstdcpp6@12.3.0-4?arch=mipsel_24kc")]
    [InlineData("opkg", null, "busybox", null, null, null, "pkg:opkg/busybox")]
    public void Purl_is_written_as_packageurl_js_writes_it(string type, string? ns, string name, string? version, string? arch, string? distro, string expected) =>
        Assert.Equal(expected, PackageUrl.Create(type, ns, name, version, ("distro", distro), ("arch", arch)));
}
