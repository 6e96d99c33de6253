using FirmwareGate.Core.Inventory;

namespace FirmwareGate.Core.Tests.Inventory;

public sealed class ProductCatalogTests
{
    [Fact]
    public void Every_package_name_a_product_lists_exactly_maps_to_that_product_whatever_wildcards_others_have()
    {
        var catalog = ProductCatalog.Default;

        // OpenWrt's wpad is hostapd and wpa_supplicant in one package: names two products claim are skipped.
        var shared = catalog.Products.SelectMany(p => p.Packages.Distinct()).GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        foreach (var product in catalog.Products)
        {
            foreach (string package in product.Packages.Where(p => !p.Contains('*', StringComparison.Ordinal) && !p.Contains('?', StringComparison.Ordinal) && !shared.Contains(p)))
            {
                Assert.True(catalog.ByPackage(package)?.Id == product.Id, $"package {package} maps to {catalog.ByPackage(package)?.Id}, not {product.Id}");
            }

            foreach (string soname in product.Sonames.Where(s => !s.Contains('*', StringComparison.Ordinal)))
            {
                Assert.Equal(product.Id, catalog.BySoname(soname)?.Id);
            }
        }
    }

    [Theory]
    [InlineData("tcpdump", null, "tcpdump")]
    [InlineData("tc-full", null, "iproute2")]
    [InlineData("libgcc-s1", "gcc-12", "gcc")]
    [InlineData("libssl3", "openssl", "openssl")]
    [InlineData("no-such-package", "no-such-source", null)]
    public void Debian_and_openwrt_packages_map_to_their_products(string package, string? source, string? product) =>
        Assert.Equal(product, ProductCatalog.Default.ByPackage(package, source)?.Id);
}
