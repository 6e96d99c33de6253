namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>One X.509 certificate found in the image: attributes only.</summary>
public sealed record CertificateInfo : ICheckItem
{
    /// <inheritdoc/>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public required string Location { get; init; }

    /// <summary>SHA-256 of the DER encoding, lower-case hex.</summary>
    public required string Sha256Fingerprint { get; init; }

    /// <inheritdoc/>
    public string SortKey => Sha256Fingerprint;
}
