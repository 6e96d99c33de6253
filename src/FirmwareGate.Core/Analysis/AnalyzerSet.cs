using FirmwareGate.Core.Checks.Accounts;
using FirmwareGate.Core.Checks.Config;
using FirmwareGate.Core.Checks.Crypto;
using FirmwareGate.Core.Checks.Hardening;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Inventory.Banners;
using FirmwareGate.Core.Inventory.Elf;
using FirmwareGate.Core.Inventory.PackageDb;
using FirmwareGate.Core.Inventory.Signatures;

namespace FirmwareGate.Core.Analysis;

/// <summary>The analysers a scan runs. Adding an analyser is one line here.</summary>
public static class AnalyzerSet
{
    /// <summary>The file analysers of the walk: the inventory's and the security checks'.</summary>
    public static IReadOnlyList<IFileAnalyzer> CreateDefault(ProductCatalog catalog) =>
        [.. CreateInventory(catalog), .. CreateChecks()];

    /// <summary>The security checks' file analysers (hardening, certificates and keys, accounts, configuration).</summary>
    public static IReadOnlyList<IFileAnalyzer> CreateChecks() =>
    [
        new HardeningAnalyzer(),
        new CryptoAnalyzer(),
        new AccountFileAnalyzer(),
        new TelnetdBootCheck(),
        new SshRootPasswordLoginCheck(),
        new CloudCredentialCheck(),
    ];

    /// <summary>The inventory's file analysers (package databases, signatures, banners, links).</summary>
    public static IReadOnlyList<IFileAnalyzer> CreateInventory(ProductCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return
        [
            new DpkgStatusAnalyzer(catalog),
            new DpkgFileListAnalyzer(),
            new OpkgAnalyzer(catalog),
            new OsReleaseAnalyzer(),
            new BinarySignatureAnalyzer(catalog),
            new FileNameVersionAnalyzer(catalog),
            new ElfLinkAnalyzer(catalog),
            new BannerAnalyzer(catalog),
        ];
    }

    /// <summary>The steps that run once after the walk (pairing keys with certificates, cracking hashes, tree-wide checks).</summary>
    /// <param name="now">The scan time: certificates expire relative to it.</param>
    public static IReadOnlyList<IAnalysisStep> CreateSteps(DateTimeOffset now) =>
    [
        new CryptoStep(now),
        new AccountCheckStep(),
        new TelnetSystemdCheck(),
        new WorldWritableCheck(),
        new SetIdBinaryCheck(),
    ];
}
