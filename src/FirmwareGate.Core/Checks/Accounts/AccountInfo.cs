namespace FirmwareGate.Core.Checks.Accounts;

/// <summary>One account or stored password: user, flags and hash algorithm, never the hash or password.</summary>
public sealed record AccountInfo : ICheckItem
{
    /// <inheritdoc/>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public required string Location { get; init; }

    /// <summary>User name (or the option name of a password in a configuration file, or a group name).</summary>
    public required string User { get; init; }

    /// <summary>The kind of file: <c>shadow</c>, <c>passwd</c>, <c>group</c>, <c>htpasswd</c>, <c>smbpasswd</c> or <c>config</c>.</summary>
    public required string Source { get; init; }

    /// <summary>Numeric user id from /etc/passwd; null when unknown (no passwd entry, or not a system account).</summary>
    public int? Uid { get; init; }

    /// <summary>Numeric group id; null when unknown.</summary>
    public int? Gid { get; init; }

    /// <summary>Login shell from /etc/passwd; null when unknown.</summary>
    public string? Shell { get; init; }

    /// <summary>True when the shell lets the user log in (not nologin, false or sync); null when no shell is known.</summary>
    public bool? LoginShell { get; init; }

    /// <summary>Storage scheme (<see cref="Crypt.HashAlgorithms"/>): des, md5crypt, sha512crypt, yescrypt, plaintext, empty, none...</summary>
    public required string Algorithm { get; init; }

    /// <summary>True when no password is needed at all.</summary>
    public bool Empty { get; init; }

    /// <summary>True when the password is disabled ("!" or "*" prefix, or no usable hash).</summary>
    public bool Locked { get; init; }

    /// <summary>True when the dictionary check ran for this hash (false for an algorithm this host cannot compute).</summary>
    public bool Checked { get; init; }

    /// <summary>Dictionary candidates computed against this hash (up to the match, or the budget for its cost).</summary>
    public int CandidatesTried { get; init; }

    /// <summary>True when the password is in the default-password dictionary; null when not checked.</summary>
    public bool? MatchesDefaultPassword { get; init; }

    /// <summary>1-based line of the entry in its file.</summary>
    public int Line { get; init; }

    /// <inheritdoc/>
    public string SortKey => $"{Line:D8}:{User}";
}
