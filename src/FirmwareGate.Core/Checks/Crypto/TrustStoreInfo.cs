namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>A CA bundle or certificate folder: one item with counts, not one finding per root.</summary>
public sealed record TrustStoreInfo : ICheckItem
{
    /// <inheritdoc/>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public required string Location { get; init; }

    /// <inheritdoc/>
    public string SortKey => "";
}
