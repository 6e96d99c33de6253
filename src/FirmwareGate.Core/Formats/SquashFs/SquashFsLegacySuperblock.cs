using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>
/// The superblock of the SquashFS variants <see cref="SquashFsLegacyReader"/> reads: 3.0/3.1 in either byte
/// order (squashfs-tools squashfs_compat.h, struct squashfs_super_block_3, 119 bytes packed) and 4.0
/// big-endian (squashfs_fs.h, struct squashfs_super_block, 96 bytes, every field byte-swapped).
/// For 3.x, <see cref="IdTable"/> is the uid table and <see cref="GuidTable"/> the gid table (raw arrays of
/// 32-bit ids); for 4.0 <see cref="IdTable"/> is the id table's index.
/// </summary>
internal readonly record struct SquashFsLegacySuperblock(
    bool BigEndian,
    int Major,
    int Minor,
    uint InodeCount,
    uint MkfsTime,
    uint BlockSize,
    int BlockLog,
    int Flags,
    int Compression,
    int IdCount,
    int GuidCount,
    uint FragmentCount,
    ulong RootInode,
    ulong BytesUsed,
    ulong IdTable,
    ulong GuidTable,
    ulong InodeTable,
    ulong DirectoryTable,
    ulong FragmentTable)
{
    /// <summary>Bytes to read to parse either layout.</summary>
    public const int MaxSize = Size3;

    /// <summary>sizeof(struct squashfs_super_block_3), packed.</summary>
    public const int Size3 = 119;

    /// <summary>3.x flag SQUASHFS_CHECK: one marker byte follows every metadata block header.</summary>
    public const int FlagCheck = 1 << 2;

    // Byte offsets, squashfs_super_block_3 (bit positions of SQUASHFS_SWAP_SUPER_BLOCK_3 / 8).
    private const int S3Inodes = 4;
    private const int S3Major = 28;
    private const int S3Minor = 30;
    private const int S3BlockLog = 34;
    private const int S3Flags = 36;
    private const int S3NoUids = 37;
    private const int S3NoGuids = 38;
    private const int S3MkfsTime = 39;
    private const int S3RootInode = 43;
    private const int S3BlockSize = 51;
    private const int S3Fragments = 55;
    private const int S3BytesUsed = 63;
    private const int S3UidStart = 71;
    private const int S3GuidStart = 79;
    private const int S3InodeTable = 87;
    private const int S3DirectoryTable = 95;
    private const int S3FragmentTable = 103;

    /// <summary>Reads the superblock at the start of <paramref name="b"/> (at least <see cref="MaxSize"/> bytes); null when it is not one of these variants.</summary>
    public static SquashFsLegacySuperblock? Parse(ReadOnlySpan<byte> b)
    {
        bool be;
        if (b[..4].SequenceEqual("hsqs"u8))
        {
            be = false;
        }
        else if (b[..4].SequenceEqual("sqsh"u8))
        {
            be = true;
        }
        else
        {
            return null;
        }

        int major = U16(b[S3Major..], be);
        if (major == 3)
        {
            return new SquashFsLegacySuperblock(
                be, major, U16(b[S3Minor..], be), U32(b[S3Inodes..], be), U32(b[S3MkfsTime..], be), U32(b[S3BlockSize..], be),
                U16(b[S3BlockLog..], be), b[S3Flags], 1, b[S3NoUids], b[S3NoGuids], U32(b[S3Fragments..], be), U64(b[S3RootInode..], be),
                U64(b[S3BytesUsed..], be), U64(b[S3UidStart..], be), U64(b[S3GuidStart..], be), U64(b[S3InodeTable..], be),
                U64(b[S3DirectoryTable..], be), U64(b[S3FragmentTable..], be));
        }

        if (major == 4 && be)
        {
            // Same fields as SquashFsSuperblock, big-endian.
            return new SquashFsLegacySuperblock(
                be, major, U16(b[30..], be), U32(b[4..], be), U32(b[8..], be), U32(b[12..], be), U16(b[22..], be), U16(b[24..], be),
                U16(b[20..], be), U16(b[26..], be), 0, U32(b[16..], be), U64(b[32..], be), U64(b[40..], be), U64(b[48..], be), 0,
                U64(b[64..], be), U64(b[72..], be), U64(b[80..], be));
        }

        return null;
    }

    /// <summary>Size of this variant's superblock on disk.</summary>
    public int Size => Major == 3 ? Size3 : SquashFsSuperblock.Size;

    /// <summary>Version as written, e.g. "3.1" or "4.0".</summary>
    public string Version => $"{Major}.{Minor}";

    /// <summary>Header fields agree with each other (random bytes after the magic rarely do).</summary>
    public bool IsPlausible =>
        (Major == 3 ? Minor <= 1 && IdCount >= 1 : Minor == 0 && Compression is >= 1 and <= 6)
        && BlockSize is >= 4096 and <= 1 << 20 && (BlockSize & (BlockSize - 1)) == 0 && BlockLog < 32 && 1u << BlockLog == BlockSize
        && BytesUsed >= (ulong)Size && BytesUsed < 1UL << 40
        && InodeTable >= (ulong)Size && InodeTable < DirectoryTable && DirectoryTable <= BytesUsed && IdTable < BytesUsed
        && RootInode >> 16 < DirectoryTable - InodeTable;

    /// <summary>Metadata block header bytes beyond the 2-byte length (the 3.x check-data marker).</summary>
    public int MetadataHeaderExtra => Major == 3 && (Flags & FlagCheck) != 0 ? 1 : 0;

    private static int U16(ReadOnlySpan<byte> b, bool be) => be ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private static uint U32(ReadOnlySpan<byte> b, bool be) => be ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private static ulong U64(ReadOnlySpan<byte> b, bool be) => be ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
}
