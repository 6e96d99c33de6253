using System.Buffers.Binary;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats.Jffs2;

/// <summary>
/// Turns the newest dirents into paths, breadth first from the root inode. Deleted names (ino 0) are
/// dropped; a directory reached twice (a loop or a hard-linked directory) is reported and not entered again;
/// files reached by several names form a hard-link group.
/// </summary>
internal sealed class Jffs2TreeBuilder(Jffs2Filesystem fs, ReadContext context, List<string> warnings)
{
    private const string Fmt = "jffs2";
    private const int DeviceOld = 2;
    private const int DeviceNew = 4;
    private readonly Dictionary<uint, Jffs2FileSource> _files = [];

    public FileSystemTree Build(IEnumerable<Jffs2Dirent> dirents, IReadOnlyDictionary<uint, Jffs2Inode> inodes)
    {
        var children = new Dictionary<uint, List<Jffs2Dirent>>();
        foreach (var d in dirents)
        {
            if (d.Ino == 0)
            {
                continue;
            }

            if (!children.TryGetValue(d.Parent, out var list))
            {
                children[d.Parent] = list = [];
            }

            list.Add(d);
        }

        var entries = new EntryListBuilder(Fmt, context);
        var visited = new HashSet<uint> { Jffs2Layout.RootIno };
        var queue = new Queue<(uint Ino, string Path)>();
        queue.Enqueue((Jffs2Layout.RootIno, ""));
        while (queue.Count > 0)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var (dirIno, dirPath) = queue.Dequeue();
            if (!children.TryGetValue(dirIno, out var list))
            {
                continue;
            }

            list.Sort((a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
            foreach (var d in list)
            {
                AddEntry(entries, d, dirPath, inodes, visited, queue);
            }
        }

        warnings.AddRange(entries.Warnings);
        return entries.Build();
    }

    private void AddEntry(EntryListBuilder entries, Jffs2Dirent d, string dirPath, IReadOnlyDictionary<uint, Jffs2Inode> inodes, HashSet<uint> visited, Queue<(uint, string)> queue)
    {
        string name = EntryName.Decode(d.Name);
        if (d.Name.AsSpan().IndexOfAny((byte)'/', (byte)0) >= 0 || name is "." or "..")
        {
            warnings.Add($"jffs2 at 0x{d.Offset:x}: entry name '{EntryName.Display(name)}' contains '/' or NUL or is a dot entry; not extracted");
            return;
        }

        string raw = dirPath + "/" + name;
        var path = entries.NormalizeOrReject(raw, d.Offset);
        if (path is null)
        {
            return;
        }

        if (!inodes.TryGetValue(d.Ino, out var inode) || !inode.HasMeta)
        {
            warnings.Add($"jffs2 at 0x{d.Offset:x}: '{EntryName.Display(path)}' names inode {d.Ino}, which has no valid inode node; not extracted");
            return;
        }

        var type = CpioReader.TypeOf(inode.Mode);
        if (type == EntryType.Dir && !visited.Add(d.Ino))
        {
            warnings.Add($"jffs2 at 0x{d.Offset:x}: directory '{EntryName.Display(path)}' (inode {d.Ino}) was already reached by another name (a loop or a hard-linked directory); not entered again");
            return;
        }

        var entry = type switch
        {
            EntryType.File => FileEntry(path, inode, d.Ino),
            EntryType.Symlink => SymlinkEntry(path, inode, d),
            EntryType.CharDev or EntryType.BlockDev => DeviceEntry(path, inode, type),
            _ => Meta(path, type, inode),
        };

        if (entry is null)
        {
            return;
        }

        if (type == EntryType.Dir)
        {
            queue.Enqueue((d.Ino, path));
        }
        else if (type == EntryType.File)
        {
            entries.AddToLinkGroup($"jffs2:{d.Ino}", path);
        }

        entries.Add(entry);
    }

    private static FsEntry Meta(string path, EntryType type, Jffs2Inode inode, long size = 0, IByteSource? content = null, string? target = null, int major = 0, int minor = 0) => new()
    {
        Path = path,
        Type = type,
        Mode = (int)(inode.Mode & 0xFFF),
        Uid = inode.Uid,
        Gid = inode.Gid,
        MTime = inode.MTime,
        Size = size,
        Content = content,
        LinkTarget = target,
        Major = major,
        Minor = minor,
    };

    private FsEntry FileEntry(string path, Jffs2Inode inode, uint ino)
    {
        if (!_files.TryGetValue(ino, out var content))
        {
            _files[ino] = content = fs.OpenFile(inode);
        }

        return Meta(path, EntryType.File, inode, content.Length, content);
    }

    private FsEntry? SymlinkEntry(string path, Jffs2Inode inode, Jffs2Dirent d)
    {
        var bytes = ReadAll(inode);
        if (bytes is not null && bytes.Length > context.Limits.MaxPathBytes)
        {
            warnings.Add($"jffs2 at 0x{d.Offset:x}: symlink '{EntryName.Display(path)}' has a target of {bytes.Length} bytes, more than {context.Limits.MaxPathBytes} (MaxPathBytes); not extracted");
            return null;
        }

        return bytes is null ? null : Meta(path, EntryType.Symlink, inode, target: EntryName.Decode(bytes));
    }

    private FsEntry? DeviceEntry(string path, Jffs2Inode inode, EntryType type)
    {
        var bytes = ReadAll(inode);
        if (bytes is null)
        {
            return null;
        }

        // jffs2_device_node: the old 16-bit encoding (major << 8 | minor, what mkfs.jffs2 writes) or new_encode_dev's 32 bits.
        int major = 0;
        int minor = 0;
        if (bytes.Length == DeviceOld)
        {
            uint v = fs.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);
            (major, minor) = ((int)(v >> 8), (int)(v & 0xFF));
        }
        else if (bytes.Length == DeviceNew)
        {
            uint v = fs.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            (major, minor) = ((int)((v & 0xFFF00) >> 8), (int)((v & 0xFF) | ((v >> 12) & 0xFFF00)));
        }
        else
        {
            warnings.Add($"jffs2 at 0x{inode.NodeOffset:x}: device '{EntryName.Display(path)}' has {bytes.Length} bytes of device number, not 2 or 4");
        }

        return Meta(path, type, inode, major: major, minor: minor);
    }

    private byte[]? ReadAll(Jffs2Inode inode)
    {
        try
        {
            return fs.NewestNodeData(inode);
        }
        catch (FirmwareFormatException e) when (e is not LimitExceededException)
        {
            warnings.Add(e.Message);
            return null;
        }
    }
}
