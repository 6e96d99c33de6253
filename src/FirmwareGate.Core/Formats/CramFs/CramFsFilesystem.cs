using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats.CramFs;

/// <summary>
/// A cramfs image (fs/cramfs/README, fs/cramfs/inode.c): directories are runs of inodes with their
/// names, found breadth first from the root; a file's data is a table of block pointers followed by
/// zlib streams, one per block of <see cref="BlockSize"/> bytes. All offsets count from the start of
/// the image, boot block included.
/// </summary>
internal sealed class CramFsFilesystem
{
    private const string Fmt = "cramfs";
    private const uint BlockFlagUncompressed = 1u << 31;
    private const uint BlockFlagDirect = 1u << 30;
    private const uint BlockFlags = BlockFlagUncompressed | BlockFlagDirect;
    private const int DirectShift = 2;
    private const int DefaultBlockSize = 4096;

    // mkfs.cramfs -b must equal the page size of the machine that mounts the image: 4 KiB almost
    // everywhere, 16 or 64 KiB on some arm64, mips and powerpc kernels. The superblock does not say.
    private static readonly int[] BlockSizes = [4096, 8192, 16384, 32768, 65536];

    private readonly IByteSource _source;
    private readonly ReadContext _context;
    private long _maxEnd;

    public CramFsFilesystem(IByteSource source, CramFsSuperblock superblock, ReadContext context)
    {
        _source = source;
        _context = context;
        Superblock = superblock;
        long claimed = superblock.HasFsid2 ? superblock.ImageSize : source.Length;
        End = Math.Min(claimed, source.Length);
        _maxEnd = superblock.Start + CramFsSuperblock.Size;
    }

    public CramFsSuperblock Superblock { get; }

    public bool BigEndian => Superblock.BigEndian;

    /// <summary>End of the bytes any structure may use: the claimed size, or the source if shorter.</summary>
    public long End { get; }

    /// <summary>Data block size (the page size of the machine the image was made for).</summary>
    public int BlockSize { get; private set; } = DefaultBlockSize;

    /// <summary>Highest byte any structure read so far ends at.</summary>
    public long MaxEnd => _maxEnd;

    public List<string> Warnings { get; } = [];

    public int InodeCount { get; private set; }

    /// <summary>Compares fsid.crc with the CRC-32 of the image from the superblock to its size, the crc field read as zero.</summary>
    public bool? VerifyCrc()
    {
        if (!Superblock.HasFsid2 || Superblock.ImageSize > _source.Length)
        {
            return null;
        }

        var crc = new Crc32();
        long start = Superblock.Start;
        long crcAt = start + CramFsSuperblock.CrcOffset;
        Append(crc, start, crcAt);
        crc.Append(stackalloc byte[4]);
        Append(crc, crcAt + 4, Superblock.ImageSize);
        return crc.GetCurrentHashAsUInt32() == Superblock.Crc;
    }

    private void Append(Crc32 crc, long from, long to)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (long off = from; off < to; off += 1 << 20)
            {
                _context.CancellationToken.ThrowIfCancellationRequested();
                int n = _source.ReadFully(off, buffer.AsSpan(0, (int)Math.Min(1 << 20, to - off)));
                crc.Append(buffer.AsSpan(0, n));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public FileSystemTree BuildTree()
    {
        var entries = new EntryListBuilder(Fmt, _context);
        var visited = new HashSet<long>();
        var queue = new Queue<(CramFsInode Dir, string Path)>();
        queue.Enqueue((Superblock.Root, ""));
        CramFsInode? largest = null;
        Span<byte> raw = stackalloc byte[CramFsInode.Size12];
        Span<byte> name = stackalloc byte[256];
        while (queue.Count > 0)
        {
            var (dir, dirPath) = queue.Dequeue();
            if (dir.Offset == 0 || dir.Size == 0)
            {
                continue;
            }

            long pos = dir.Offset;
            long stop = pos + dir.Size;
            if (!visited.Add(pos))
            {
                Warnings.Add($"cramfs at 0x{pos:x}: directory '{EntryName.Display(dirPath)}' lists entries another directory already listed (a loop); not entered again");
                continue;
            }

            if (stop > End)
            {
                Warnings.Add($"cramfs at 0x{pos:x}: directory '{EntryName.Display(dirPath)}' of {dir.Size} bytes runs past the end of the image at 0x{End:x}; reading what is there");
                stop = End;
            }

            while (pos + CramFsInode.Size12 <= stop)
            {
                _context.CancellationToken.ThrowIfCancellationRequested();
                _source.ReadExactly(pos, raw, Fmt);
                var inode = CramFsInode.Parse(raw, BigEndian);
                if (inode.NameLength == 0 || pos + inode.RecordLength > stop)
                {
                    Warnings.Add($"cramfs at 0x{pos:x}: entry in '{EntryName.Display(dirPath)}' has a name of {inode.NameLength} bytes that does not fit its directory; the rest of the directory is skipped");
                    break;
                }

                var nameBytes = name[..inode.NameLength];
                _source.ReadExactly(pos + CramFsInode.Size12, nameBytes, Fmt);
                int len = nameBytes.IndexOf((byte)0);
                nameBytes = len < 0 ? nameBytes : nameBytes[..len];
                long at = pos;
                pos += inode.RecordLength;
                Extend(pos);
                InodeCount++;
                var child = AddEntry(entries, inode, nameBytes, dirPath, at);
                if (child is { } path && (inode.Mode & 0xF000) == 0x4000)
                {
                    queue.Enqueue((inode, path));
                }
                else if (child is not null && (inode.Mode & 0xF000) == 0x8000 && inode.Size > (largest?.Size ?? DefaultBlockSize))
                {
                    largest = inode;
                }
            }
        }

        if (largest is { } big)
        {
            BlockSize = InferBlockSize(big);
        }

        Warnings.AddRange(entries.Warnings);
        return entries.Build();
    }

    private string? AddEntry(EntryListBuilder entries, CramFsInode inode, ReadOnlySpan<byte> nameBytes, string dirPath, long at)
    {
        string name = EntryName.Decode(nameBytes);
        if (nameBytes.IsEmpty || nameBytes.IndexOf((byte)'/') >= 0 || name is "." or "..")
        {
            Warnings.Add($"cramfs at 0x{at:x}: entry name '{EntryName.Display(name)}' in '{EntryName.Display(dirPath)}' is empty, contains '/' or is a dot entry; not extracted");
            return null;
        }

        var path = entries.NormalizeOrReject(dirPath + "/" + name, at);
        if (path is null)
        {
            return null;
        }

        var type = CpioReader.TypeOf(inode.Mode);
        FsEntry? entry = type switch
        {
            EntryType.File => File(path, inode, at),
            EntryType.Symlink => Symlink(path, inode, at),
            EntryType.CharDev or EntryType.BlockDev => Device(path, type, inode),
            _ => Meta(path, type, inode),
        };

        if (entry is null)
        {
            return null;
        }

        entries.Add(entry);
        return path;
    }

    private static FsEntry Meta(string path, EntryType type, CramFsInode inode, long size = 0, IByteSource? content = null, string? target = null, int major = 0, int minor = 0) => new()
    {
        Path = path,
        Type = type,
        Mode = (int)(inode.Mode & 0xFFF),
        Uid = inode.Uid,
        Gid = inode.Gid,
        Size = size,
        Content = content,
        LinkTarget = target,
        Major = major,
        Minor = minor,
    };

    private FsEntry? File(string path, CramFsInode inode, long at)
    {
        if (inode.Size > 0 && (inode.Offset == 0 || inode.Offset >= End))
        {
            Warnings.Add($"cramfs at 0x{at:x}: file '{EntryName.Display(path)}' of {inode.Size} bytes has its data at 0x{inode.Offset:x}, outside the image; not extracted");
            return null;
        }

        IByteSource content = inode.Size == 0 ? new MemoryByteSource(ReadOnlyMemory<byte>.Empty) : new CramFsFileSource(this, inode);
        return Meta(path, EntryType.File, inode, inode.Size, content);
    }

    private FsEntry? Symlink(string path, CramFsInode inode, long at)
    {
        if (inode.Size > _context.Limits.MaxPathBytes || inode.Offset == 0 || inode.Offset >= End)
        {
            Warnings.Add($"cramfs at 0x{at:x}: symlink '{EntryName.Display(path)}' has a target of {inode.Size} bytes at 0x{inode.Offset:x}, longer than {_context.Limits.MaxPathBytes} (MaxPathBytes) or outside the image; not extracted");
            return null;
        }

        var bytes = new byte[inode.Size];
        try
        {
            new CramFsFileSource(this, inode).ReadExactly(0, bytes, Fmt);
        }
        catch (FirmwareFormatException e) when (e is not LimitExceededException)
        {
            Warnings.Add($"cramfs at 0x{at:x}: symlink '{EntryName.Display(path)}': {e.Message}; not extracted");
            return null;
        }

        return Meta(path, EntryType.Symlink, inode, target: EntryName.Decode(bytes));
    }

    private static FsEntry Device(string path, EntryType type, CramFsInode inode)
    {
        // The size field holds st_rdev cut to 24 bits (glibc's makedev: minor's low byte, 12 bits of
        // major, then the next bits of minor).
        uint v = inode.Size;
        int major = (int)((v >> 8) & 0xFFF);
        int minor = (int)((v & 0xFF) | ((v >> 12) & 0xFFF00));
        return Meta(path, type, inode, major: major, minor: minor);
    }

    /// <summary>
    /// Finds the block size at which the largest file's first block decodes to a whole block: with the
    /// wrong size the pointer table has the wrong length, so block 0 starts at the wrong byte.
    /// </summary>
    private int InferBlockSize(CramFsInode inode)
    {
        foreach (int candidate in BlockSizes)
        {
            BlockSize = candidate;
            try
            {
                var probe = new byte[candidate];
                int expected = (int)Math.Min(candidate, inode.Size);
                ReadBlock(inode, 0, probe.AsSpan(0, expected));
                return candidate;
            }
            catch (FirmwareFormatException e) when (e is not LimitExceededException)
            {
                // Not this size.
            }
        }

        Warnings.Add($"cramfs: no block size from 4 to 64 KiB decodes the largest file's first block; assuming {DefaultBlockSize}");
        return DefaultBlockSize;
    }

    public uint ReadPointer(long at)
    {
        if (at < 0 || at + 4 > End)
        {
            throw new CorruptDataException(Fmt, at, $"block pointer at 0x{at:x} lies outside the image (0x{End:x} bytes)");
        }

        Span<byte> b = stackalloc byte[4];
        _source.ReadExactly(at, b, Fmt);
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    /// <summary>
    /// Decodes block <paramref name="index"/> of a file into <paramref name="destination"/> (the block's
    /// full length), as cramfs_read_folio does: a zero-length block is a hole; with extended block pointers
    /// a block may be stored uncompressed or found by a direct pointer.
    /// </summary>
    public void ReadBlock(CramFsInode inode, long index, Span<byte> destination)
    {
        long blocks = BlockCount(inode);
        long table = inode.Offset;
        uint pointer = ReadPointer(table + (index * 4));
        bool ext = Superblock.ExtBlockPointers;
        bool uncompressed = ext && (pointer & BlockFlagUncompressed) != 0;
        long start;
        long length;
        if (ext && (pointer & BlockFlagDirect) != 0)
        {
            start = (long)(pointer & ~BlockFlags) << DirectShift;
            if (uncompressed)
            {
                length = destination.Length;
            }
            else
            {
                length = ReadU16(start);
                start += 2;
            }
        }
        else
        {
            long end = ext ? pointer & ~BlockFlags : pointer;
            start = index == 0 ? table + (blocks * 4) : PreviousEnd(table + ((index - 1) * 4), ext);
            length = end - start;
        }

        if (length < 0 || start < 0 || start + length > End)
        {
            throw new CorruptDataException(Fmt, table, $"block {index} of a file spans 0x{start:x}..0x{start + length:x}, outside the image (0x{End:x} bytes)");
        }

        Extend(start + length);
        if (length == 0)
        {
            destination.Clear();
            return;
        }

        if (uncompressed)
        {
            if (length != destination.Length)
            {
                throw new CorruptDataException(Fmt, start, $"uncompressed block of {length} bytes where {destination.Length} are expected");
            }

            _source.ReadExactly(start, destination, Fmt);
            return;
        }

        Inflate(start, (int)Math.Min(length, int.MaxValue), destination);
    }

    private long PreviousEnd(long at, bool ext)
    {
        uint previous = ReadPointer(at);
        if (!ext || (previous & BlockFlagDirect) == 0)
        {
            return ext ? previous & ~BlockFlags : previous;
        }

        // The previous block was found by a direct pointer: this one follows it.
        long start = (long)(previous & ~BlockFlags) << DirectShift;
        return (previous & BlockFlagUncompressed) != 0 ? start + BlockSize : start + 2 + ReadU16(start);
    }

    private int ReadU16(long at)
    {
        if (at < 0 || at + 2 > End)
        {
            throw new CorruptDataException(Fmt, at, $"block length at 0x{at:x} lies outside the image");
        }

        Span<byte> b = stackalloc byte[2];
        _source.ReadExactly(at, b, Fmt);
        return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    public long BlockCount(CramFsInode inode) => (inode.Size + (long)BlockSize - 1) / BlockSize;

    private unsafe void Inflate(long start, int length, Span<byte> destination)
    {
        // The kernel refuses compressed blocks longer than two pages; zlib cannot expand a page by more.
        if (length > (2 * BlockSize) + 64)
        {
            throw new CorruptDataException(Fmt, start, $"compressed block of {length} bytes is longer than a {BlockSize}-byte block can need");
        }

        byte[] input = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            _source.ReadExactly(start, input.AsSpan(0, length), Fmt);
            int total = 0;
            fixed (byte* p = input)
            {
                using var ms = new UnmanagedMemoryStream(p, length);
                using var z = new ZLibStream(ms, CompressionMode.Decompress);
                int n;
                while (total < destination.Length && (n = z.Read(destination[total..])) > 0)
                {
                    total += n;
                }

                // One byte more than the block holds means the stream is not this block's.
                Span<byte> extra = stackalloc byte[1];
                if (total == destination.Length && z.Read(extra) > 0)
                {
                    total++;
                }
            }

            if (total != destination.Length)
            {
                throw new CorruptDataException(Fmt, start, $"zlib block decodes to {(total > destination.Length ? "more than " + destination.Length : total)} bytes, {destination.Length} expected");
            }
        }
        catch (InvalidDataException e)
        {
            throw new CorruptDataException(Fmt, start, $"zlib block does not decode: {e.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    private void Extend(long end)
    {
        long seen = Volatile.Read(ref _maxEnd);
        while (end > seen)
        {
            long prior = Interlocked.CompareExchange(ref _maxEnd, end, seen);
            if (prior == seen)
            {
                break;
            }

            seen = prior;
        }
    }
}
