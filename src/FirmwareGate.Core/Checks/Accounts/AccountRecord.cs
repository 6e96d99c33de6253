namespace FirmwareGate.Core.Checks.Accounts;

/// <summary>
/// One raw entry read by <see cref="AccountFileAnalyzer"/>, handed to <see cref="AccountCheckStep"/> in memory only.
/// <see cref="Secret"/> holds the password field (a hash or a plaintext value): it is never written anywhere.
/// </summary>
internal sealed record AccountRecord
{
    public required string LayerLocation { get; init; }

    public required string Path { get; init; }

    public required string Location { get; init; }

    public required string Source { get; init; }

    public required int Line { get; init; }

    public required string User { get; init; }

    public required string Secret { get; init; }

    public int? Uid { get; init; }

    public int? Gid { get; init; }

    public string? Shell { get; init; }

    /// <summary>True when the file may be read by any user (a shadow file with mode o+r).</summary>
    public bool WorldReadable { get; init; }

    public override string ToString() => $"{Location}:{Line} {User}";
}
