namespace FirmwareGate.Core.Checks.Accounts;

/// <summary>One account or stored password: user, flags and hash algorithm, never the hash or password.</summary>
public sealed record AccountInfo : ICheckItem
{
    /// <inheritdoc/>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public required string Location { get; init; }

    /// <summary>User name (or the option name of a password in a configuration file).</summary>
    public required string User { get; init; }

    /// <inheritdoc/>
    public string SortKey => User;
}
