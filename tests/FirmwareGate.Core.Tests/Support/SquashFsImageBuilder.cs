using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Text;

namespace FirmwareGate.Core.Tests.Support;

/// <summary>
/// Builds SquashFS 4.0 images byte by byte (squashfs_fs.h), so tests can craft any structure,
/// including ones mksquashfs never writes: loops, listings shared by many directories, lying table
/// sizes. Metadata blocks are stored uncompressed unless <see cref="CompressMetadata"/> is set
/// (then zlib, the gzip compressor); data blocks are stored. Inodes and listings are written in
/// the order the test adds them. Inode references handed out are positions in the inode stream,
/// resolved to (block, offset) when the image is built, so the inode table may be compressed and a
/// listing may point at an inode added later (<see cref="NextInodeRef"/>, for loops). The
/// directory table is always stored, one header per entry, so listings have known places and sizes.
/// </summary>
internal sealed class SquashFsImageBuilder
{
    /// <summary>Superblock field offsets, for tests that patch a built image.</summary>
    public static class Field
    {
        public const int InodeCount = 4;
        public const int BlockSize = 12;
        public const int FragmentCount = 16;
        public const int IdCount = 26;
        public const int BytesUsed = 40;
        public const int IdTable = 48;
        public const int XattrIdTable = 56;
        public const int InodeTable = 64;
        public const int DirectoryTable = 72;
        public const int FragmentTable = 80;
    }

    public const ushort TypeDir = 1;
    public const ushort TypeFile = 2;
    public const ushort TypeSymlink = 3;
    public const uint NoFragment = 0xFFFFFFFF;
    public const uint StoredBit = 1 << 24;
    public const long SuperblockEnd = SuperblockSize;
    private const int MetaSize = 8192;
    private const ulong RawBit = 1UL << 63;

    private readonly MetaStream _inodes = new();
    private readonly MetaStream _dirs = new();
    private readonly MemoryStream _data = new();
    private readonly List<(long Start, uint Size)> _fragments = [];
    private readonly List<uint> _ids = [0];
    private readonly List<(long At, ulong Inode)> _fixups = [];
    private uint _inodeNumber;

    public uint BlockSize { get; init; } = 4096;

    /// <summary>Compress metadata blocks with zlib (a few bytes of zeros decode to 8 KiB).</summary>
    public bool CompressMetadata { get; init; }

    /// <summary>
    /// Another spelling of the inode at stream position <paramref name="position"/> in a stored inode
    /// table: <paramref name="back"/> blocks earlier, with the offset running past that block's end.
    /// </summary>
    public static ulong StoredAlias(ulong position, int back)
    {
        ulong k = (position / MetaSize) - (ulong)back;
        return RawBit | ((k * (MetaSize + 2)) << 16) | (position - (k * MetaSize));
    }

    /// <summary>The reference the next inode will get (a stream position until the image is built).</summary>
    public ulong NextInodeRef => (ulong)_inodes.Position;

    /// <summary>Appends raw bytes to the data area; returns their offset in the image.</summary>
    public long AddData(ReadOnlySpan<byte> bytes)
    {
        long at = SuperblockSize + _data.Length;
        _data.Write(bytes);
        return at;
    }

    /// <summary>Adds a fragment block (stored) holding <paramref name="bytes"/>; returns its index.</summary>
    public uint AddFragment(ReadOnlySpan<byte> bytes)
    {
        long at = AddData(bytes);
        _fragments.Add((at, (uint)bytes.Length | StoredBit));
        return (uint)(_fragments.Count - 1);
    }

    /// <summary>Writes a directory listing; returns where it is and its size as the inode states it.</summary>
    public Listing AddListing(IEnumerable<(string Name, ulong Inode, ushort Type)> entries) =>
        AddListingBytes(entries.Select(e => (Encoding.UTF8.GetBytes(e.Name), e.Inode, e.Type)));

    /// <summary>Writes a directory listing of raw byte names.</summary>
    public Listing AddListingBytes(IEnumerable<(byte[] Name, ulong Inode, ushort Type)> entries)
    {
        long start = _dirs.Position;
        Span<byte> h = stackalloc byte[20];
        foreach (var (name, inode, type) in entries)
        {
            // One header per entry: its inode block is patched in once the inode table is laid out.
            _fixups.Add((_dirs.Position, inode));
            BinaryPrimitives.WriteUInt32LittleEndian(h, 0);
            BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 1);
            BinaryPrimitives.WriteInt16LittleEndian(h[14..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(h[16..], type);
            BinaryPrimitives.WriteUInt16LittleEndian(h[18..], (ushort)(name.Length - 1));
            _dirs.Write(h);
            _dirs.Write(name);
        }

        var (dirBlock, dirOffset) = _dirs.Split(start);
        return new Listing(dirBlock, dirOffset, _dirs.Position - start + 3);
    }

    /// <summary>An empty listing (size 3, nothing stored), as mksquashfs writes for an empty directory.</summary>
    public Listing EmptyListing()
    {
        var (dirBlock, dirOffset) = _dirs.Split(_dirs.Position);
        return new Listing(dirBlock, dirOffset, 3);
    }

    /// <summary>Writes a directory inode over <paramref name="listing"/>: basic (type 1), or extended (type 8) when the listing exceeds 64 KiB.</summary>
    public ulong AddDirectory(Listing listing, int mode = 0x1ED)
    {
        ulong reference = NextInodeRef;
        if (listing.Size > ushort.MaxValue)
        {
            Header(8, mode, uid: 0);
            Span<byte> x = stackalloc byte[24];
            BinaryPrimitives.WriteUInt32LittleEndian(x, 2);
            BinaryPrimitives.WriteUInt32LittleEndian(x[4..], (uint)listing.Size);
            BinaryPrimitives.WriteUInt32LittleEndian(x[8..], (uint)listing.Block);
            BinaryPrimitives.WriteUInt32LittleEndian(x[12..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(x[16..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(x[18..], (ushort)listing.Offset);
            BinaryPrimitives.WriteUInt32LittleEndian(x[20..], NoFragment);
            _inodes.Write(x);
            return reference;
        }

        Header(TypeDir, mode, uid: 0);
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)listing.Block);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(b[8..], (ushort)listing.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(b[10..], (ushort)listing.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], 1);
        _inodes.Write(b);
        return reference;
    }

    /// <summary>Writes a basic file inode (type 2) with the given block list.</summary>
    public ulong AddFile(long dataStart, uint size, IReadOnlyList<uint> blocks, uint fragment = NoFragment, uint fragmentOffset = 0, ushort type = TypeFile, int uid = 0)
    {
        ulong reference = NextInodeRef;
        Header(type, 0x1A4, uid);
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)dataStart);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], fragment);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], fragmentOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], size);
        _inodes.Write(b);
        var list = new byte[blocks.Count * 4];
        for (int i = 0; i < blocks.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(list.AsSpan(i * 4), blocks[i]);
        }

        _inodes.Write(list);
        return reference;
    }

    /// <summary>Writes an extended file inode (type 9) of <paramref name="size"/> bytes, every block sparse.</summary>
    public ulong AddSparseFile(long size)
    {
        ulong reference = NextInodeRef;
        Header(9, 0x1A4, uid: 0);
        Span<byte> b = stackalloc byte[40];
        BinaryPrimitives.WriteUInt64LittleEndian(b, SuperblockSize);
        BinaryPrimitives.WriteUInt64LittleEndian(b[8..], (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], (ulong)size);
        BinaryPrimitives.WriteUInt32LittleEndian(b[24..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(b[28..], NoFragment);
        BinaryPrimitives.WriteUInt32LittleEndian(b[32..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(b[36..], NoFragment);
        _inodes.Write(b);
        _inodes.WriteZeros((size + BlockSize - 1) / BlockSize * 4);
        return reference;
    }

    /// <summary>Writes a basic symlink inode (type 3).</summary>
    public ulong AddSymlink(byte[] target)
    {
        ulong reference = NextInodeRef;
        Header(TypeSymlink, 0x1FF, uid: 0);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(b, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)target.Length);
        _inodes.Write(b);
        _inodes.Write(target);
        return reference;
    }

    /// <summary>Writes raw bytes in the inode table (a corrupt inode); returns their reference.</summary>
    public ulong AddRawInode(ReadOnlySpan<byte> bytes)
    {
        ulong reference = NextInodeRef;
        _inodes.Write(bytes);
        return reference;
    }

    /// <summary>Pads the inode table with zeros up to the start of the next metadata block.</summary>
    public void PadInodesToBlock() => _inodes.WriteZeros((MetaSize - (_inodes.Position % MetaSize)) % MetaSize);

    /// <summary>Lays the image out: superblock, data, inode table, directory table, fragment table, id table.</summary>
    public byte[] Build(ulong rootInode)
    {
        var image = new MemoryStream();
        image.Write(new byte[SuperblockSize]);
        _data.WriteTo(image);
        long inodeTable = image.Position;
        var starts = _inodes.WriteTo(image, CompressMetadata);
        ulong Resolve(ulong position)
        {
            if ((position & RawBit) != 0 || position > (ulong)_inodes.Position)
            {
                return position & ~RawBit; // a reference the test spelled itself
            }

            long k = (long)position / MetaSize;
            long block = k < starts.Count ? starts[(int)k] : image.Position - inodeTable + ((k - starts.Count) * (MetaSize + 2));
            return ((ulong)block << 16) | (position % MetaSize);
        }

        foreach (var (at, inode) in _fixups)
        {
            ulong r = Resolve(inode);
            _dirs.Patch32(at + 4, (uint)(r >> 16));
            _dirs.Patch16(at + 12, (ushort)(r & 0xFFFF));
        }

        rootInode = Resolve(rootInode);
        long dirTable = image.Position;
        _dirs.WriteTo(image, compress: false);

        long fragmentTable = -1;
        if (_fragments.Count > 0)
        {
            var entries = new byte[_fragments.Count * 16];
            for (int i = 0; i < _fragments.Count; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(entries.AsSpan(i * 16), (ulong)_fragments[i].Start);
                BinaryPrimitives.WriteUInt32LittleEndian(entries.AsSpan((i * 16) + 8), _fragments[i].Size);
            }

            fragmentTable = WriteTable(image, entries);
        }

        var ids = new byte[_ids.Count * 4];
        for (int i = 0; i < _ids.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(ids.AsSpan(i * 4), _ids[i]);
        }

        long idTable = WriteTable(image, ids);
        long bytesUsed = image.Position;
        image.Write(new byte[(4096 - (bytesUsed % 4096)) % 4096]);
        var bytes = image.ToArray();
        var sb = bytes.AsSpan();
        "hsqs"u8.CopyTo(sb);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[Field.InodeCount..], _inodeNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[Field.BlockSize..], BlockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[Field.FragmentCount..], (uint)_fragments.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[20..], 1); // gzip
        BinaryPrimitives.WriteUInt16LittleEndian(sb[22..], (ushort)BitOperations.Log2(BlockSize));
        BinaryPrimitives.WriteUInt16LittleEndian(sb[24..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[Field.IdCount..], (ushort)_ids.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[28..], 4);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[30..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(sb[32..], rootInode);
        BinaryPrimitives.WriteUInt64LittleEndian(sb[Field.BytesUsed..], (ulong)bytesUsed);
        BinaryPrimitives.WriteUInt64LittleEndian(sb[Field.IdTable..], (ulong)idTable);
        BinaryPrimitives.WriteUInt64LittleEndian(sb[Field.XattrIdTable..], ulong.MaxValue); // no xattrs
        BinaryPrimitives.WriteUInt64LittleEndian(sb[Field.InodeTable..], (ulong)inodeTable);
        BinaryPrimitives.WriteUInt64LittleEndian(sb[Field.DirectoryTable..], (ulong)dirTable);
        BinaryPrimitives.WriteUInt64LittleEndian(sb[Field.FragmentTable..], (ulong)fragmentTable);
        BinaryPrimitives.WriteUInt64LittleEndian(sb[88..], ulong.MaxValue); // no export table
        return bytes;
    }

    /// <summary>Patches a little-endian superblock field of a built image.</summary>
    public static void Patch32(byte[] image, int field, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(field), value);

    /// <summary>Patches a 64-bit superblock field of a built image.</summary>
    public static void Patch64(byte[] image, int field, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(field), value);

    /// <summary>Reads a 64-bit superblock field of a built image.</summary>
    public static ulong Read64(byte[] image, int field) => BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(field));

    private const int SuperblockSize = 96;

    private void Header(ushort type, int mode, int uid)
    {
        Span<byte> h = stackalloc byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(h, type);
        BinaryPrimitives.WriteUInt16LittleEndian(h[2..], (ushort)mode);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], (ushort)uid);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 1_700_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], ++_inodeNumber);
        _inodes.Write(h);
    }

    /// <summary>Metadata blocks of a table, then their index (one 8-byte position per block); returns the index position.</summary>
    private static long WriteTable(MemoryStream image, byte[] entries)
    {
        var positions = new List<long>();
        for (int i = 0; i < entries.Length; i += MetaSize)
        {
            positions.Add(image.Position);
            MetaStream.WriteBlock(image, entries.AsSpan(i, Math.Min(MetaSize, entries.Length - i)), compress: false);
        }

        long index = image.Position;
        Span<byte> p = stackalloc byte[8];
        foreach (long pos in positions)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(p, (ulong)pos);
            image.Write(p);
        }

        return index;
    }

    /// <summary>Where a listing starts (block relative to the directory table, offset in it) and its stated size.</summary>
    public readonly record struct Listing(long Block, int Offset, long Size);

    /// <summary>A metadata stream cut into 8 KiB blocks.</summary>
    private sealed class MetaStream
    {
        private readonly MemoryStream _bytes = new();

        public long Position => _bytes.Length;

        public void Write(ReadOnlySpan<byte> bytes) => _bytes.Write(bytes);

        public void WriteZeros(long count)
        {
            var zeros = new byte[Math.Min(count, 1 << 20)];
            while (count > 0)
            {
                int n = (int)Math.Min(count, zeros.Length);
                _bytes.Write(zeros, 0, n);
                count -= n;
            }
        }

        public void Patch32(long at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_bytes.GetBuffer().AsSpan((int)at), value);

        public void Patch16(long at, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(_bytes.GetBuffer().AsSpan((int)at), value);

        /// <summary>Where a stream position lands when the stream is stored (each full block 8194 bytes).</summary>
        public (long Block, int Offset) Split(long position) => (position / MetaSize * (MetaSize + 2), (int)(position % MetaSize));

        /// <summary>Writes the blocks; returns where each starts, relative to the first.</summary>
        public List<long> WriteTo(MemoryStream image, bool compress)
        {
            var starts = new List<long>();
            long first = image.Position;
            var all = _bytes.GetBuffer().AsSpan(0, (int)_bytes.Length);
            for (int i = 0; i < all.Length; i += MetaSize)
            {
                starts.Add(image.Position - first);
                WriteBlock(image, all.Slice(i, Math.Min(MetaSize, all.Length - i)), compress);
            }

            return starts;
        }

        public static void WriteBlock(Stream image, ReadOnlySpan<byte> data, bool compress)
        {
            Span<byte> h = stackalloc byte[2];
            if (compress)
            {
                var ms = new MemoryStream();
                using (var z = new ZLibStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
                {
                    z.Write(data);
                }

                BinaryPrimitives.WriteUInt16LittleEndian(h, (ushort)ms.Length);
                image.Write(h);
                image.Write(ms.GetBuffer(), 0, (int)ms.Length);
                return;
            }

            BinaryPrimitives.WriteUInt16LittleEndian(h, (ushort)(data.Length | 0x8000));
            image.Write(h);
            image.Write(data);
        }
    }
}
