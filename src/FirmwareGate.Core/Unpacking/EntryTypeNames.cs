namespace FirmwareGate.Core.Unpacking;

/// <summary>Lower-case names of entry types as reports and manifests write them.</summary>
public static class EntryTypeNames
{
    /// <summary>file, dir, symlink, chardev, blockdev, fifo, socket.</summary>
    public static string Of(EntryType type) => type switch
    {
        EntryType.File => "file",
        EntryType.Dir => "dir",
        EntryType.Symlink => "symlink",
        EntryType.CharDev => "chardev",
        EntryType.BlockDev => "blockdev",
        EntryType.Fifo => "fifo",
        _ => "socket",
    };
}
