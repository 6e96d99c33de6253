using System.Text.RegularExpressions;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Inventory.Signatures;

namespace FirmwareGate.Core.Tests.Inventory.Signatures;

public class ProductCatalogLintTests
{
    private static readonly string[] Required =
    [
        "busybox", "openssl", "dropbear", "openssh", "dnsmasq", "lighttpd", "nginx", "uhttpd", "hostapd", "wpa_supplicant",
        "curl", "libcurl", "zlib", "glibc", "uclibc-ng", "musl", "linux_kernel", "u-boot", "iptables", "nftables", "ppp",
        "samba", "miniupnpd", "avahi", "lua", "sqlite", "expat", "libxml2", "pcre", "pcre2", "ncurses", "bash", "openvpn",
        "wolfssl", "mbedtls", "gnutls", "ntp", "chrony", "strongswan", "libpcap", "tcpdump", "json-c", "libubox", "netifd",
        "dbus", "systemd", "util-linux", "e2fsprogs", "mosquitto", "libgcrypt", "libpng", "libjpeg-turbo", "freetype",
        "libusb", "bluez", "iw", "ethtool", "sudo", "xz", "bzip2", "zstd", "lz4", "libcap", "libnl", "libffi", "gmp",
        "nettle", "libevent", "libuv", "protobuf-c", "gcc", "libxcrypt", "lzo", "pkcs11-helper", "libbsd", "libmd",
        "libcap-ng", "libdaemon", "libmnl", "libnftnl",
    ];

    private static ProductCatalog Catalog => ProductCatalog.Default;

    [Fact]
    public void Catalog_has_at_least_80_products_with_unique_ids()
    {
        Assert.InRange(Catalog.Products.Count, 80, int.MaxValue);
        Assert.Equal(Catalog.Products.Count, Catalog.Products.Select(p => p.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(Catalog.Products, p => Assert.Matches("^[a-z0-9][a-z0-9_.+-]*$", p.Id));
    }

    [Fact]
    public void Every_product_the_issue_names_is_present_by_name()
    {
        var names = Catalog.Products.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = Required.Where(r => !names.Contains(r)).ToList();
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_product_has_a_cpe_vendor_and_product_a_purl_and_a_known_type()
    {
        Assert.All(Catalog.Products, p =>
        {
            Assert.Matches(@"^[a-z0-9_.\-]+:[a-z0-9_.\-]+$", p.Cpe);
            Assert.Matches("^[aoh]$", p.CpePart);
            Assert.Matches(@"^[a-z]+/[A-Za-z0-9_.\-/]+$", p.Purl);
            Assert.Contains(p.Type, (string[])["application", "library", "operating-system", "firmware"]);
            Assert.False(string.IsNullOrWhiteSpace(p.Vendor));
        });
    }

    [Fact]
    public void Every_regex_compiles_with_a_timeout_and_a_version_group()
    {
        foreach (var product in Catalog.Products)
        {
            foreach (string regex in product.Patterns.Select(p => p.Regex).Append(product.VersionFromFileName).OfType<string>())
            {
                var compiled = SignatureIndex.Compile(regex);
                Assert.True(compiled.GetGroupNames().Contains("version"), $"{product.Id}: {regex} has no version group");
                Assert.Equal(SignatureIndex.MatchTimeout, compiled.MatchTimeout);

                // No nested quantifiers: with strings of at most 512 characters, matching stays linear.
                Assert.DoesNotMatch(@"[+*}]\)[+*{]", regex);
            }
        }
    }

    [Fact]
    public void Every_specific_pattern_has_an_anchor_and_bare_patterns_have_file_hints()
    {
        foreach (var product in Catalog.Products)
        {
            foreach (var pattern in product.Patterns)
            {
                if (pattern.Hinted)
                {
                    Assert.NotEmpty(product.Files);
                }
                else
                {
                    string? anchor = pattern.Anchor ?? SignatureIndex.AnchorOf(pattern.Regex);
                    Assert.True(anchor is { Length: >= SignatureIndex.MinAnchorLength }, $"{product.Id}: {pattern.Regex} has no anchor");
                }
            }
        }

        Assert.NotEmpty(SignatureIndex.For(Catalog).Anchors);
    }

    [Fact]
    public void Every_product_with_patterns_has_a_fixture_of_real_strings()
    {
        var withFixture = SignatureFixture.All.Select(f => f.Product).ToHashSet(StringComparer.Ordinal);
        var missing = Catalog.Products.Where(p => p.Patterns.Count > 0 && !withFixture.Contains(p.Id)).Select(p => p.Id).ToList();
        Assert.True(missing.Count == 0, "no fixture: " + string.Join(", ", missing));
        Assert.All(SignatureFixture.All, f => Assert.NotNull(Catalog.ById(f.Product)));
    }

    [Theory]
    [InlineData("^BusyBox v(?<version>\\d+)", "BusyBox v")]
    [InlineData("^SSH-2\\.0-dropbear_(?<version>\\d+)", "SSH-2.0-dropbear_")]
    [InlineData("^@\\(#\\)Bash version (?<version>\\d)", "@(#)Bash version ")]
    [InlineData("lighttpd/(?<version>\\d)", "lighttpd/")]
    [InlineData("abcde?f", "abcd")]
    [InlineData("abcd+e", "abcd")]
    [InlineData("^(?<version>\\d+\\.\\d+)$", null)]
    [InlineData("abc(?<version>x)", null)]
    [InlineData("(?:^|\\s)deflate", null)]
    public void Anchor_is_the_literal_prefix(string regex, string? anchor) =>
        Assert.Equal(anchor, SignatureIndex.AnchorOf(regex));
}
