namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>One private key found in the image: attributes only, never key material.</summary>
public sealed record PrivateKeyInfo : ICheckItem
{
    /// <inheritdoc/>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public required string Location { get; init; }

    /// <inheritdoc/>
    public string SortKey => "";
}
