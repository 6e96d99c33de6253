using FirmwareGate.Core.Inventory;
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
            var fields = SplitCpe(text);
            if (fields.Count < 6 || fields[2].Length != 1 || fields[3].Length == 0 || fields[4].Length == 0)
            {
                error = $"'{text}' is not a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:...)";
                return null;
            }

            string? version = fields[5] is "*" or "-" or "" ? null : Unescape(fields[5]);
            return new MatchSubject(text, Unescape(fields[4]), version, text, null, fields[2] == "o" ? ComponentType.OperatingSystem : ComponentType.Application);
        }

        if (text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParsePurl(text, out string name, out string? purlVersion))
            {
                error = $"'{text}' is not a purl (pkg:type/namespace/name@version)";
                return null;
            }

            var product = catalog.ByPackage(name) ?? ByName(catalog, name);
            return new MatchSubject(text, product?.Name ?? name, purlVersion, InventoryBuilder.Cpe(product, purlVersion), text, product?.ComponentType ?? ComponentType.Application);
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

    private static bool TryParsePurl(string purl, out string name, out string? version)
    {
        name = "";
        version = null;
        string rest = purl[4..];
        int cut = rest.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            rest = rest[..cut];
        }

        int at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            version = Uri.UnescapeDataString(rest[(at + 1)..]);
            rest = rest[..at];
        }

        string[] parts = rest.Trim('/').Split('/');
        if (parts.Length < 2 || parts[0].Length == 0 || parts[^1].Length == 0)
        {
            return false;
        }

        name = Uri.UnescapeDataString(parts[^1]);
        version = version is { Length: > 0 } ? version : null;
        return true;
    }

    private static List<string> SplitCpe(string cpe)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        for (int i = 0; i < cpe.Length; i++)
        {
            if (cpe[i] == '\\' && i + 1 < cpe.Length)
            {
                current.Append(cpe[i]).Append(cpe[i + 1]);
                i++;
            }
            else if (cpe[i] == ':')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(cpe[i]);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }

    private static string Unescape(string value) => value.Replace("\\", "", StringComparison.Ordinal);
}
