namespace FirmwareGate.Core.Checks.Hardening;

/// <summary>The hardening properties of one ELF executable or shared object, each with its evidence.</summary>
public sealed record BinaryHardening : ICheckItem
{
    /// <inheritdoc/>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public required string Location { get; init; }

    /// <inheritdoc/>
    public string SortKey => "";
}
