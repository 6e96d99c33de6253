using FirmwareGate.Core.Formats;

namespace FirmwareGate.Core.Pipeline;

/// <summary>Everything a front end decides about one scan.</summary>
public sealed record ScanOptions
{
    /// <summary>The firmware image.</summary>
    public required string ImagePath { get; init; }

    /// <summary>When set, every layer is extracted below this folder (which must be empty or absent).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Bomb and size limits.</summary>
    public ReadLimits Limits { get; init; } = ReadLimits.Default;

    /// <summary>Report time; null means SOURCE_DATE_EPOCH, else the clock.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>Use native codecs (liblzma) when present.</summary>
    public bool UseNativeCodecs { get; init; } = true;

    /// <summary>When true, an incomplete analysis does not change the exit code.</summary>
    public bool AllowIncomplete { get; init; }

    /// <summary>Run the analysers (inventory and checks) over the unpacked tree; false for unpack only.</summary>
    public bool Analyze { get; init; } = true;

    /// <summary>Run the security checks (hardening, certificates, keys, accounts, configuration) beside the inventory.</summary>
    public bool Checks { get; init; } = true;

    /// <summary>Folder for scratch files (large decoded layers); the system temp folder by default.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>
    /// The vulnerability database: a database file, or offline record files (a folder or a file) read into a
    /// temporary one; null for the default database (<c>FIRMWAREGATE_DB</c>, else the user's cache folder), which
    /// may not exist: then matching is skipped with a note.
    /// </summary>
    public string? Database { get; init; }

    /// <summary>Match components against the vulnerability database (needs <see cref="Analyze"/>).</summary>
    public bool Vulnerabilities { get; init; } = true;
}
