namespace FirmwareGate.Core.Unpacking;

/// <summary>What a filesystem entry is.</summary>
public enum EntryType
{
    /// <summary>Regular file.</summary>
    File,

    /// <summary>Directory.</summary>
    Dir,

    /// <summary>Symbolic link.</summary>
    Symlink,

    /// <summary>Character device (recorded, never created).</summary>
    CharDev,

    /// <summary>Block device (recorded, never created).</summary>
    BlockDev,

    /// <summary>Named pipe.</summary>
    Fifo,

    /// <summary>Unix socket.</summary>
    Socket,
}
