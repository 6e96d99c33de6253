namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>A CA bundle or certificate folder: one item with counts, not one finding per root.</summary>
public sealed record TrustStoreInfo : ICheckItem
{
    /// <inheritdoc/>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public required string Location { get; init; }

    /// <summary><c>bundle</c> (one file of CA certificates) or <c>folder</c> (a directory of one-root files).</summary>
    public required string Kind { get; init; }

    /// <summary>Certificates read.</summary>
    public required int Certificates { get; init; }

    /// <summary>Distinct certificates (by SHA-256 fingerprint).</summary>
    public required int Distinct { get; init; }

    /// <summary>Certificates expired at the scan time.</summary>
    public required int Expired { get; init; }

    /// <summary>Certificates not valid yet at the scan time.</summary>
    public required int NotYetValid { get; init; }

    /// <summary>Certificates signed with MD2, MD5 or SHA-1.</summary>
    public required int WeakSignature { get; init; }

    /// <summary>Certificates with an RSA/DSA key under 2048 bits or an EC key under 256 bits.</summary>
    public required int WeakKey { get; init; }

    /// <summary>PEM blocks labelled as certificates that could not be read.</summary>
    public int Unreadable { get; init; }

    /// <inheritdoc/>
    public string SortKey => "";
}
