using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Vulnerabilities.Cpe;
using FirmwareGate.Core.Vulnerabilities.Matching;

namespace FirmwareGate.Core.Vulnerabilities;

/// <summary>
/// Turns what a user types into <c>db match</c> into a <see cref="MatchSubject"/>: a CPE 2.3 formatted string, a
/// purl (<c>pkg:type/namespace/name@version</c>), or <c>name@version</c>. Names and purl package names are mapped to
/// CPE vendor:product through the product catalogue the inventory uses, so the query matches the way a scan does.
/// </summary>
public static class ComponentQuery
{
    /// <summary>The subject, or null with <paramref name="error"/> when the text is none of the three forms.</summary>
    public static MatchSubject? Parse(string text, ProductCatalog catalog, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(catalog);
        error = null;
        text = text.Trim();
        if (text.StartsWith("cpe:2.3:", StringComparison.OrdinalIgnoreCase))
        {
            if (CpeName.TryParse(text) is not { } cpe || cpe.Vendor.Length == 0 || cpe.Product.Length == 0)
            {
                error = $"'{text}' is not a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:...)";
                return null;
            }

            string? version = CpeName.IsValue(cpe.Version) ? CpeName.Plain(cpe.Version) : null;
            return new MatchSubject(text, CpeName.Plain(cpe.Product), version, text, null, cpe.Part == "o" ? ComponentType.OperatingSystem : ComponentType.Application);
        }

        if (text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            if (PackageUrl.TryParse(text) is not { } purl)
            {
                error = $"'{text}' is not a purl (pkg:type/namespace/name@version)";
                return null;
            }

            var product = catalog.ByPackage(purl.Name) ?? ByName(catalog, purl.Name);
            return new MatchSubject(text, product?.Name ?? purl.Name, purl.Version, InventoryBuilder.Cpe(product, purl.Version), text, product?.ComponentType ?? ComponentType.Application);
        }

        int at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            error = $"'{text}' is not a CPE 2.3 string, a purl or name@version";
            return null;
        }

        string componentName = text[..at];
        string componentVersion = text[(at + 1)..];
        var known = ByName(catalog, componentName) ?? catalog.ByPackage(componentName);
        return new MatchSubject(text, known?.Name ?? componentName, componentVersion, InventoryBuilder.Cpe(known, componentVersion), null, known?.ComponentType ?? ComponentType.Application);
    }

    private static Product? ByName(ProductCatalog catalog, string name) =>
        catalog.ById(name) ?? catalog.Products.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? catalog.Products.FirstOrDefault(p => p.Cpe is { } cpe && cpe.EndsWith(":" + name, StringComparison.OrdinalIgnoreCase));
}
