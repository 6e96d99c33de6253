using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Checks.Accounts;
using FirmwareGate.Core.Checks.Crypto;
using FirmwareGate.Core.Checks.Hardening;

namespace FirmwareGate.Core.Checks;

/// <summary>What the security checks found, each list in report order (path, location, then the item's own key).</summary>
public sealed record CheckResults
{
    /// <summary>Nothing checked.</summary>
    public static CheckResults Empty { get; } = new();

    /// <summary>ELF executables and shared objects with their hardening.</summary>
    public IReadOnlyList<BinaryHardening> Binaries { get; init; } = [];

    /// <summary>X.509 certificates outside trust stores, and the expired ones inside them.</summary>
    public IReadOnlyList<CertificateInfo> Certificates { get; init; } = [];

    /// <summary>CA bundles, one item each.</summary>
    public IReadOnlyList<TrustStoreInfo> TrustStores { get; init; } = [];

    /// <summary>Private keys.</summary>
    public IReadOnlyList<PrivateKeyInfo> PrivateKeys { get; init; } = [];

    /// <summary>Accounts and stored passwords.</summary>
    public IReadOnlyList<AccountInfo> Accounts { get; init; } = [];

    /// <summary>Findings, ordered by path, location, rule and fingerprint.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>Collects and orders what the walk and its steps reported.</summary>
    public static CheckResults From(AnalysisResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new CheckResults
        {
            Binaries = Ordered(results.Items<BinaryHardening>()),
            Certificates = Ordered(results.Items<CertificateInfo>()),
            TrustStores = Ordered(results.Items<TrustStoreInfo>()),
            PrivateKeys = Ordered(results.Items<PrivateKeyInfo>()),
            Accounts = Ordered(results.Items<AccountInfo>()),
            Findings = [.. results.Items<Finding>()
                .DistinctBy(f => (f.RuleId, f.Location, f.Fingerprint))
                .OrderBy(f => f.Path ?? "", StringComparer.Ordinal)
                .ThenBy(f => f.Location, StringComparer.Ordinal)
                .ThenBy(f => f.RuleId, StringComparer.Ordinal)
                .ThenBy(f => f.Line ?? 0)
                .ThenBy(f => f.Fingerprint, StringComparer.Ordinal)],
        };
    }

    private static List<T> Ordered<T>(IEnumerable<T> items)
        where T : ICheckItem =>
        [.. items
            .OrderBy(i => i.Path, StringComparer.Ordinal)
            .ThenBy(i => i.Location, StringComparer.Ordinal)
            .ThenBy(i => i.SortKey, StringComparer.Ordinal)];
}
