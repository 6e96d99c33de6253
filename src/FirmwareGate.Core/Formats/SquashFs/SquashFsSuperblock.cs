using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>The 96-byte SquashFS 4.0 superblock (squashfs_fs.h, struct squashfs_super_block), little-endian.</summary>
internal readonly record struct SquashFsSuperblock(
    uint InodeCount,
    uint MkfsTime,
    uint BlockSize,
    uint FragmentCount,
    ushort Compression,
    ushort BlockLog,
    ushort Flags,
    ushort IdCount,
    ushort Major,
    ushort Minor,
    ulong RootInode,
    ulong BytesUsed,
    ulong IdTable,
    ulong XattrIdTable,
    ulong InodeTable,
    ulong DirectoryTable,
    ulong FragmentTable,
    ulong ExportTable)
{
    public const int Size = 96;
    public const ushort FlagNoXattrs = 0x0200;
    public const ulong NotPresent = ulong.MaxValue;

    public static SquashFsSuperblock Parse(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(b[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[12..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[16..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[20..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[22..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[24..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[26..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[28..]),
        BinaryPrimitives.ReadUInt16LittleEndian(b[30..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[40..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[48..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[56..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[64..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[72..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[80..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[88..]));

    /// <summary>Header fields agree with each other (random bytes after "hsqs" rarely do).</summary>
    public bool IsPlausible =>
        Major == 4 && Minor == 0
        && BlockSize is >= 4096 and <= 1 << 20 && (BlockSize & (BlockSize - 1)) == 0 && 1u << BlockLog == BlockSize
        && Compression is >= 1 and <= 6
        && BytesUsed >= Size && BytesUsed < 1UL << 40
        && InodeTable < DirectoryTable && DirectoryTable <= BytesUsed && IdTable < BytesUsed
        && RootInode >> 16 < DirectoryTable - InodeTable;

    public static string CompressionName(int id) => id switch
    {
        1 => "gzip",
        2 => "lzma",
        3 => "lzo",
        4 => "xz",
        5 => "lz4",
        6 => "zstd",
        _ => "unknown",
    };
}
