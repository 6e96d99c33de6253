using FirmwareGate.Core.Inventory;

namespace FirmwareGate.Core.Analysis;

/// <summary>The analysers a scan runs. Adding an analyser is one line here.</summary>
public static class AnalyzerSet
{
    /// <summary>The file analysers of the walk.</summary>
    public static IReadOnlyList<IFileAnalyzer> CreateDefault(ProductCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return
        [
            new Inventory.Elf.ElfLinkAnalyzer(catalog),
            new Inventory.Banners.BannerAnalyzer(catalog),
        ];
    }
}
