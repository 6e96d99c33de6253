using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Unpacking;

/// <summary>One entry of a filesystem or archive layer, as the image describes it.</summary>
public sealed class FsEntry
{
    private readonly long _size;

    /// <summary>Absolute path inside the filesystem, '/'-separated, normalised (no '.', '..' or empty parts).</summary>
    public required string Path { get; init; }

    /// <summary>Entry type.</summary>
    public required EntryType Type { get; init; }

    /// <summary>Permission bits including setuid, setgid and sticky (07777).</summary>
    public int Mode { get; init; }

    /// <summary>Owner.</summary>
    public long Uid { get; init; }

    /// <summary>Group.</summary>
    public long Gid { get; init; }

    /// <summary>Content size for files, the target's length in bytes for symlinks (as <c>ls -l</c> shows), 0 otherwise.</summary>
    public long Size
    {
        get => Type == EntryType.Symlink && LinkTarget is not null ? EntryName.ToBytes(LinkTarget).Length : _size;
        init => _size = value;
    }

    /// <summary>Symlink target, verbatim.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>Device major number.</summary>
    public int Major { get; init; }

    /// <summary>Device minor number.</summary>
    public int Minor { get; init; }

    /// <summary>For the second and later names of a hard-link group: the first path (normalised).</summary>
    public string? HardLinkTo { get; set; }

    /// <summary>Modification time (seconds since the epoch), as stored.</summary>
    public long MTime { get; init; }

    /// <summary>Extended attribute names, when the format has them.</summary>
    public IReadOnlyList<string>? XattrNames { get; init; }

    /// <summary>Reads the content of a regular file; null for other types.</summary>
    public IByteSource? Content { get; init; }
}
