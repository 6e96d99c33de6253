using System.IO.Enumeration;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FirmwareGate.Core.Inventory;

/// <summary>The product catalog: signatures and name mappings, loaded from the embedded <c>products.json</c>.</summary>
public sealed class ProductCatalog
{
    private static readonly Lazy<ProductCatalog> DefaultCatalog = new(() =>
    {
        using var stream = typeof(ProductCatalog).Assembly.GetManifestResourceStream("FirmwareGate.Core.Inventory.products.json")
            ?? throw new InvalidOperationException("products.json is not embedded");
        return Load(stream);
    });

    private readonly Dictionary<string, Product> _byId;

    /// <summary>Creates a catalog from products; ids must be unique.</summary>
    public ProductCatalog(IEnumerable<Product> products)
    {
        Products = [.. products.Select(WithEmptyLists).OrderBy(p => p.Id, StringComparer.Ordinal)];
        _byId = Products.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>The catalog that ships with FirmwareGate.</summary>
    public static ProductCatalog Default => DefaultCatalog.Value;

    /// <summary>All products, by id.</summary>
    public IReadOnlyList<Product> Products { get; }

    /// <summary>Reads a catalog in the products.json format.</summary>
    public static ProductCatalog Load(Stream json)
    {
        var file = JsonSerializer.Deserialize(json, CatalogJsonContext.Default.CatalogFile)
            ?? throw new InvalidDataException("products.json is empty");
        return new ProductCatalog(file.Products);
    }

    /// <summary>The product with this id, or null.</summary>
    public Product? ById(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The product a binary package belongs to, by its name, else by its source package name.</summary>
    /// <remarks>An exact name in any product wins over a wildcard pattern ("tcpdump" is tcpdump's, not iproute2's "tc-*").</remarks>
    public Product? ByPackage(string package, string? source = null) =>
        Best(p => p.Packages, package) ?? (source is null ? null : Best(p => p.Sources, source));

    /// <summary>The product whose libraries carry this SONAME (an exact name before a pattern).</summary>
    public Product? BySoname(string soname) => Best(p => p.Sonames, soname);

    private Product? Best(Func<Product, IReadOnlyList<string>?> names, string name) =>
        Products.FirstOrDefault(p => names(p)?.Contains(name, StringComparer.Ordinal) == true)
        ?? Products.FirstOrDefault(p => Matches(names(p) ?? [], name));

    /// <summary>Products whose file-name hints match.</summary>
    public IEnumerable<Product> ByFileName(string fileName) => Products.Where(p => Matches(p.Files, fileName));

    // The JSON source generator sets a property missing from the document to null, not to its initializer.
    private static Product WithEmptyLists(Product p) => p with
    {
        Packages = p.Packages ?? [],
        Sources = p.Sources ?? [],
        Files = p.Files ?? [],
        Sonames = p.Sonames ?? [],
        Patterns = p.Patterns ?? [],
        CpePart = p.CpePart ?? "a",
        Type = p.Type ?? "application",
    };

    /// <summary>True when <paramref name="name"/> matches one of the wildcard patterns ('*', '?'), case-sensitively.</summary>
    public static bool Matches(IReadOnlyList<string> patterns, string name)
    {
        // The JSON source generator leaves a list null when the product omits it (the initialiser does not run).
        foreach (string pattern in patterns ?? [])
        {
            if (FileSystemName.MatchesSimpleExpression(pattern, name, ignoreCase: false))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The products.json document.</summary>
internal sealed record CatalogFile
{
    /// <summary>Products.</summary>
    public required IReadOnlyList<Product> Products { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CatalogFile))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
