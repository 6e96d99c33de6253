using System.Buffers.Binary;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats.RomFs;

/// <summary>
/// A romfs image (Documentation/filesystems/romfs.rst): 16-byte aligned file headers {next, spec, size,
/// checksum, name}, each directory a chain of headers linked by next, a directory's spec pointing at
/// its first header. Modes are the kernel's romfs_modemap plus the exec bit; owners are 0.
/// </summary>
internal sealed class RomFsFilesystem
{
    /// <summary>Bytes of the fixed part of a file header.</summary>
    public const int HeaderSize = 16;

    private const string Fmt = "romfs";
    private const uint TypeMask = 0x7;
    private const uint ExecBit = 0x8;
    private const uint OffsetMask = ~0xFu;
    private const int MaxName = 256;
    private const int MaxHardLinkHops = 64;

    // romfs.rst "type" values.
    private const uint HardLink = 0;
    private const uint Directory = 1;
    private const uint RegularFile = 2;
    private const uint SymbolicLink = 3;
    private const uint BlockDevice = 4;
    private const uint CharDevice = 5;
    private const uint SocketType = 6;
    private const uint FifoType = 7;

    private readonly IByteSource _source;
    private readonly ReadContext _context;
    private readonly HashSet<long> _chained = [];

    public RomFsFilesystem(IByteSource source, long end, ReadContext context)
    {
        _source = source;
        _context = context;
        End = end;
    }

    /// <summary>End of the bytes headers and data may use.</summary>
    public long End { get; }

    public List<string> Warnings { get; } = [];

    public int HeaderCount { get; private set; }

    public int BadChecksums { get; private set; }

    /// <summary>Sum of big-endian 32-bit words; romfs checksums make it zero.</summary>
    public static uint Sum(ReadOnlySpan<byte> bytes)
    {
        uint sum = 0;
        for (int i = 0; i + 4 <= bytes.Length; i += 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(bytes[i..]);
        }

        return sum;
    }

    /// <summary>Offset just past a NUL-terminated name at <paramref name="at"/>, padded to 16 bytes; -1 when none fits.</summary>
    public static long AfterName(IByteSource source, long at, long end, Span<byte> name, out int length)
    {
        int n = source.ReadFully(at, name[..(int)Math.Min(name.Length, Math.Max(0, end - at))]);
        length = name[..n].IndexOf((byte)0);
        return length < 0 ? -1 : (at + length + 1 + 15) & ~15L;
    }

    public FileSystemTree BuildTree(long root)
    {
        var entries = new EntryListBuilder(Fmt, _context);
        var visitedDirs = new HashSet<long>();
        var queue = new Queue<(long First, string Path)>();
        var rootHeader = ReadHeader(root) ?? throw new CorruptDataException(Fmt, root, "the root file header lies outside the image");
        var resolved = Resolve(rootHeader, "/");
        if (resolved is not { Type: Directory })
        {
            throw new CorruptDataException(Fmt, root, "the first file header is not a directory");
        }

        visitedDirs.Add(resolved.Spec & OffsetMask);
        queue.Enqueue((resolved.Spec & OffsetMask, ""));
        while (queue.Count > 0)
        {
            var (first, dirPath) = queue.Dequeue();
            WalkChain(entries, first, dirPath, visitedDirs, queue);
        }

        Warnings.AddRange(entries.Warnings);
        return entries.Build();
    }

    private void WalkChain(EntryListBuilder entries, long at, string dirPath, HashSet<long> visitedDirs, Queue<(long, string)> queue)
    {
        while (at != 0)
        {
            _context.CancellationToken.ThrowIfCancellationRequested();
            if (!_chained.Add(at))
            {
                Warnings.Add($"romfs at 0x{at:x}: file header reached again in '{EntryName.Display(dirPath)}' (a loop in the next chain); the rest of the chain is skipped");
                return;
            }

            var h = ReadHeader(at);
            if (h is null)
            {
                Warnings.Add($"romfs at 0x{at:x}: file header in '{EntryName.Display(dirPath)}' lies outside the image or has no name; the rest of the chain is skipped");
                return;
            }

            HeaderCount++;
            AddEntry(entries, h, dirPath, visitedDirs, queue);
            at = h.Next & OffsetMask;
        }
    }

    private void AddEntry(EntryListBuilder entries, Header h, string dirPath, HashSet<long> visitedDirs, Queue<(long, string)> queue)
    {
        string name = EntryName.Decode(h.Name);
        if (name is "." or ".." || h.Name.Length == 0)
        {
            return;
        }

        var path = entries.NormalizeOrReject(dirPath + "/" + name, h.Offset);
        if (path is null)
        {
            return;
        }

        var target = Resolve(h, path);
        if (target is null)
        {
            return;
        }

        uint type = target.Type;
        var entry = type switch
        {
            Directory => Meta(path, EntryType.Dir, target),
            RegularFile => FileEntry(path, target),
            SymbolicLink => Symlink(path, target),
            BlockDevice => Meta(path, EntryType.BlockDev, target, major: (int)(target.Spec >> 16), minor: (int)(target.Spec & 0xFFFF)),
            CharDevice => Meta(path, EntryType.CharDev, target, major: (int)(target.Spec >> 16), minor: (int)(target.Spec & 0xFFFF)),
            SocketType => Meta(path, EntryType.Socket, target),
            _ => Meta(path, EntryType.Fifo, target),
        };

        if (entry is null)
        {
            return;
        }

        if (type == Directory)
        {
            long first = target.Spec & OffsetMask;
            if (!visitedDirs.Add(first))
            {
                Warnings.Add($"romfs at 0x{h.Offset:x}: directory '{EntryName.Display(path)}' lists entries another directory already listed (a loop or a hard-linked directory); not entered again");
            }
            else
            {
                queue.Enqueue((first, path));
            }
        }
        else if (type == RegularFile)
        {
            entries.AddToLinkGroup($"romfs:{target.Offset}", path);
        }

        entries.Add(entry);
    }

    /// <summary>Follows hard links (type 0, spec = the target header) to the header they name, as romfs_iget does.</summary>
    private Header? Resolve(Header h, string path)
    {
        for (int hops = 0; h.Type == HardLink; hops++)
        {
            long target = h.Spec & OffsetMask;
            var next = hops < MaxHardLinkHops ? ReadHeader(target) : null;
            if (next is null)
            {
                Warnings.Add($"romfs at 0x{h.Offset:x}: hard link '{EntryName.Display(path)}' points at 0x{target:x}, outside the image or after {MaxHardLinkHops} links (a loop); not extracted");
                return null;
            }

            h = next;
        }

        return h;
    }

    private static FsEntry Meta(string path, EntryType type, Header h, long size = 0, IByteSource? content = null, string? target = null, int major = 0, int minor = 0) => new()
    {
        Path = path,
        Type = type,
        Mode = ModeOf(h),
        Size = size,
        Content = content,
        LinkTarget = target,
        Major = major,
        Minor = minor,
    };

    // romfs_modemap in fs/romfs/super.c: directories and files 0644, symlinks 0777, devices 0600,
    // sockets and fifos 0644; the exec bit adds 0111.
    private static int ModeOf(Header h)
    {
        int mode = h.Type switch
        {
            SymbolicLink => 0x1FF,
            BlockDevice or CharDevice => 0x180,
            _ => 0x1A4,
        };
        return (h.Next & ExecBit) != 0 ? mode | 0x49 : mode;
    }

    private FsEntry? FileEntry(string path, Header h)
    {
        if (!DataFits(h, path))
        {
            return null;
        }

        return Meta(path, EntryType.File, h, h.Size, _source.Slice(h.DataOffset, h.Size));
    }

    private FsEntry? Symlink(string path, Header h)
    {
        if (h.Size > _context.Limits.MaxPathBytes)
        {
            Warnings.Add($"romfs at 0x{h.Offset:x}: symlink '{EntryName.Display(path)}' has a target of {h.Size} bytes, more than {_context.Limits.MaxPathBytes} (MaxPathBytes); not extracted");
            return null;
        }

        if (!DataFits(h, path))
        {
            return null;
        }

        var bytes = new byte[h.Size];
        _source.ReadExactly(h.DataOffset, bytes, Fmt);
        return Meta(path, EntryType.Symlink, h, target: EntryName.Decode(bytes));
    }

    private bool DataFits(Header h, string path)
    {
        if (h.DataOffset + h.Size <= End)
        {
            return true;
        }

        Warnings.Add($"romfs at 0x{h.Offset:x}: '{EntryName.Display(path)}' has {h.Size} bytes of data at 0x{h.DataOffset:x}, past the end of the image at 0x{End:x}; not extracted");
        return false;
    }

    /// <summary>Reads the header at <paramref name="at"/>; null when it or its name does not fit the image.</summary>
    private Header? ReadHeader(long at)
    {
        if (at < HeaderSize || (at & 15) != 0 || at + HeaderSize > End)
        {
            return null;
        }

        Span<byte> buf = stackalloc byte[HeaderSize + MaxName];
        int n = _source.ReadFully(at, buf[..(int)Math.Min(buf.Length, End - at)]);
        if (n < HeaderSize)
        {
            return null;
        }

        var name = buf[HeaderSize..n];
        int len = name.IndexOf((byte)0);
        if (len < 0)
        {
            return null;
        }

        long dataOffset = (at + HeaderSize + len + 1 + 15) & ~15L;
        int metaLength = (int)(dataOffset - at);
        if (metaLength <= n && Sum(buf[..metaLength]) != 0)
        {
            BadChecksums++;
        }

        return new Header(
            at,
            BinaryPrimitives.ReadUInt32BigEndian(buf),
            BinaryPrimitives.ReadUInt32BigEndian(buf[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(buf[8..]),
            name[..len].ToArray(),
            dataOffset);
    }

    private sealed record Header(long Offset, uint Next, uint Spec, uint Size, byte[] Name, long DataOffset)
    {
        public uint Type => Next & TypeMask;
    }
}
