using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats.Yaffs2;

/// <summary>
/// Turns the newest object headers into paths, breadth first from the root object (id 1). Objects whose
/// parent is the fake "unlinked" (3) or "deleted" (4) directory are gone; objects in lost+found (2) appear
/// under /lost+found. A directory reached twice is not entered again, so parent loops end; hard links name
/// their file object (equiv_id) and form a link group with it.
/// </summary>
internal sealed class Yaffs2TreeBuilder(Yaffs2Filesystem fs, ReadContext context)
{
    private const string Fmt = "yaffs2";
    private readonly Dictionary<uint, Yaffs2FileSource> _files = [];
    private Dictionary<uint, List<(uint ChunkId, Yaffs2Filesystem.ChunkRef At)>> _data = [];

    public List<string> Warnings { get; } = [];

    public int Deleted { get; private set; }

    public FileSystemTree Build()
    {
        _data = fs.DataByObject();
        var children = new Dictionary<uint, List<uint>>();
        foreach (var (id, h) in fs.Headers)
        {
            uint parent = h.Header.ParentId;
            if (id <= Yaffs2Layout.DeletedId && id != Yaffs2Layout.LostAndFoundId)
            {
                continue; // The root's own header (attributes only) and the fake directories.
            }

            if (parent is Yaffs2Layout.UnlinkedId or Yaffs2Layout.DeletedId)
            {
                Deleted++;
                continue;
            }

            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(id);
        }

        var entries = new EntryListBuilder(Fmt, context);
        var visited = new HashSet<uint> { Yaffs2Layout.RootId };
        var queue = new Queue<(uint Id, string Path)>();
        queue.Enqueue((Yaffs2Layout.RootId, ""));
        if (children.ContainsKey(Yaffs2Layout.LostAndFoundId) && !fs.Headers.ContainsKey(Yaffs2Layout.LostAndFoundId))
        {
            entries.Add(new FsEntry { Path = "/lost+found", Type = EntryType.Dir, Mode = 0x1ED });
            visited.Add(Yaffs2Layout.LostAndFoundId);
            queue.Enqueue((Yaffs2Layout.LostAndFoundId, "/lost+found"));
        }

        while (queue.Count > 0)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var (dirId, dirPath) = queue.Dequeue();
            if (!children.TryGetValue(dirId, out var list))
            {
                continue;
            }

            list.Sort((a, b) => fs.Headers[a].Header.Name.AsSpan().SequenceCompareTo(fs.Headers[b].Header.Name));
            foreach (uint id in list)
            {
                AddEntry(entries, id, dirPath, visited, queue);
            }
        }

        int unreachable = children.Where(c => !visited.Contains(c.Key)).Sum(c => c.Value.Count);
        if (unreachable > 0)
        {
            Warnings.Add($"{Fmt}: {unreachable} objects are not reachable from the root (a missing parent, a parent that is not a directory, or a loop); not extracted");
        }

        Warnings.AddRange(entries.Warnings);
        return entries.Build();
    }

    private void AddEntry(EntryListBuilder entries, uint id, string dirPath, HashSet<uint> visited, Queue<(uint, string)> queue)
    {
        var (h, at) = fs.Headers[id];
        string name = EntryName.Decode(h.Name);
        if (h.Name.Length == 0 || h.Name.AsSpan().IndexOf((byte)'/') >= 0 || name is "." or "..")
        {
            Warnings.Add($"{Fmt} at 0x{at.Offset:x}: object {id} has the name '{EntryName.Display(name)}' (empty, a dot entry or with '/'); not extracted");
            return;
        }

        var path = entries.NormalizeOrReject(dirPath + "/" + name, at.Offset);
        if (path is null)
        {
            return;
        }

        FsEntry? entry = h.Type switch
        {
            Yaffs2Layout.TypeFile => FileEntry(path, id, h),
            Yaffs2Layout.TypeSymlink => Meta(path, EntryType.Symlink, h, target: EntryName.Decode(h.Alias)),
            Yaffs2Layout.TypeDirectory => Meta(path, EntryType.Dir, h),
            Yaffs2Layout.TypeHardLink => HardLinkEntry(path, h, at),
            _ => SpecialEntry(path, h, at),
        };
        if (entry is null)
        {
            return;
        }

        if (h.Type == Yaffs2Layout.TypeDirectory)
        {
            if (!visited.Add(id))
            {
                Warnings.Add($"{Fmt} at 0x{at.Offset:x}: directory '{EntryName.Display(path)}' (object {id}) was reached twice (a loop); not entered again");
                return;
            }

            queue.Enqueue((id, path));
        }

        entries.Add(entry);
        if (entry.Type == EntryType.File)
        {
            entries.AddToLinkGroup($"yaffs2:{(h.Type == Yaffs2Layout.TypeHardLink ? h.EquivId : id)}", path);
        }
    }

    private static FsEntry Meta(string path, EntryType type, Yaffs2ObjectHeader h, long size = 0, IByteSource? content = null, string? target = null, int major = 0, int minor = 0) => new()
    {
        Path = path,
        Type = type,
        Mode = (int)(h.Mode & 0xFFF),
        Uid = h.Uid,
        Gid = h.Gid,
        MTime = h.MTime,
        Size = size,
        Content = content,
        LinkTarget = target,
        Major = major,
        Minor = minor,
    };

    private FsEntry FileEntry(string path, uint id, Yaffs2ObjectHeader h)
    {
        if (!_files.TryGetValue(id, out var content))
        {
            long size = h.FileSize;
            if (size > context.Limits.MaxTotalBytes)
            {
                Warnings.Add($"{Fmt}: file '{EntryName.Display(path)}' claims {size} bytes, more than {context.Limits.MaxTotalBytes} (--max-total-bytes); cut to its data");
                size = _data.TryGetValue(id, out var c) && c.Count > 0 ? Math.Min(size, (long)c.Max(x => x.ChunkId) * fs.Geometry.DataBytes) : 0;
            }

            _files[id] = content = fs.OpenFile(id, size, _data.GetValueOrDefault(id) ?? []);
        }

        return Meta(path, EntryType.File, h, content.Length, content);
    }

    private FsEntry? HardLinkEntry(string path, Yaffs2ObjectHeader h, Yaffs2Filesystem.ChunkRef at)
    {
        if (!fs.Headers.TryGetValue(h.EquivId, out var target) || target.Header.Type != Yaffs2Layout.TypeFile
            || target.Header.ParentId is Yaffs2Layout.UnlinkedId or Yaffs2Layout.DeletedId)
        {
            Warnings.Add($"{Fmt} at 0x{at.Offset:x}: hard link '{EntryName.Display(path)}' names object {h.EquivId}, which is not a live file; not extracted");
            return null;
        }

        return FileEntry(path, h.EquivId, target.Header);
    }

    private FsEntry? SpecialEntry(string path, Yaffs2ObjectHeader h, Yaffs2Filesystem.ChunkRef at)
    {
        var type = CpioReader.TypeOf(h.Mode);
        if (type is not (EntryType.CharDev or EntryType.BlockDev or EntryType.Fifo or EntryType.Socket))
        {
            Warnings.Add($"{Fmt} at 0x{at.Offset:x}: special object '{EntryName.Display(path)}' has mode 0{Convert.ToString(h.Mode, 8)}, not a device, fifo or socket; not extracted");
            return null;
        }

        // st_rdev as glibc's makedev (and the kernel's new_encode_dev) lays it out in 32 bits.
        uint v = h.Rdev;
        int major = (int)((v & 0xFFF00) >> 8);
        int minor = (int)((v & 0xFF) | ((v >> 12) & 0xFFF00));
        return Meta(path, type, h, major: type is EntryType.CharDev or EntryType.BlockDev ? major : 0, minor: type is EntryType.CharDev or EntryType.BlockDev ? minor : 0);
    }
}
