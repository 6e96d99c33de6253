using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.Ext4;

/// <summary>
/// The ext2/3/4 superblock (1024 bytes at offset 1024), the fields this reader uses. Offsets are those of
/// struct ext4_super_block in the kernel's Documentation/filesystems/ext4/super.rst.
/// </summary>
internal sealed class Ext4Superblock
{
    /// <summary>Where the superblock starts in the filesystem.</summary>
    public const int Offset = 1024;

    /// <summary>Bytes of the superblock.</summary>
    public const int Size = 1024;

    /// <summary>EXT4_SUPER_MAGIC, s_magic at 0x38.</summary>
    public const ushort Magic = 0xEF53;

    /// <summary>s_magic's offset within the superblock.</summary>
    public const int MagicOffset = 0x38;

    // Incompatible features (s_feature_incompat).
    public const uint IncompatFileType = 0x2;
    public const uint IncompatRecover = 0x4;
    public const uint IncompatJournalDev = 0x8;
    public const uint IncompatMetaBg = 0x10;
    public const uint IncompatExtents = 0x40;
    public const uint Incompat64Bit = 0x80;
    public const uint IncompatInlineData = 0x8000;
    public const uint IncompatEncrypt = 0x10000;

    // Read-only compatible features (s_feature_ro_compat).
    public const uint RoCompatSparseSuper = 0x1;

    private const int InodesCountAt = 0x0;
    private const int BlocksCountLoAt = 0x4;
    private const int FirstDataBlockAt = 0x14;
    private const int LogBlockSizeAt = 0x18;
    private const int BlocksPerGroupAt = 0x20;
    private const int InodesPerGroupAt = 0x28;
    private const int MTimeAt = 0x2C;
    private const int RevLevelAt = 0x4C;
    private const int InodeSizeAt = 0x58;
    private const int FeatureCompatAt = 0x5C;
    private const int FeatureIncompatAt = 0x60;
    private const int FeatureRoCompatAt = 0x64;
    private const int VolumeNameAt = 0x78;
    private const int DescSizeAt = 0xFE;
    private const int FirstMetaBgAt = 0x104;
    private const int BlocksCountHiAt = 0x150;

    // s_log_block_size up to 6 (64 KiB), the largest block the kernel mounts.
    private const int MaxLogBlockSize = 6;

    private Ext4Superblock()
    {
    }

    public uint InodesCount { get; private init; }

    public ulong BlocksCount { get; private init; }

    public uint FirstDataBlock { get; private init; }

    public int BlockSize { get; private init; }

    public uint BlocksPerGroup { get; private init; }

    public uint InodesPerGroup { get; private init; }

    public uint RevLevel { get; private init; }

    public int InodeSize { get; private init; }

    public uint FeatureCompat { get; private init; }

    public uint FeatureIncompat { get; private init; }

    public uint FeatureRoCompat { get; private init; }

    public int DescSize { get; private init; }

    public uint FirstMetaBg { get; private init; }

    public string VolumeName { get; private init; } = "";

    public uint MTime { get; private init; }

    /// <summary>Block groups: ceil((blocks - first data block) / blocks per group).</summary>
    public ulong GroupCount { get; private init; }

    /// <summary>Bytes the filesystem says it occupies (blocks × block size).</summary>
    public long ByteLength { get; private init; }

    public bool Has64Bit => (FeatureIncompat & Incompat64Bit) != 0;

    /// <summary>Parses <paramref name="sb"/> (the 1024 superblock bytes); null when it is not a plausible ext2/3/4 superblock.</summary>
    public static Ext4Superblock? TryParse(ReadOnlySpan<byte> sb)
    {
        if (sb.Length < Size || BinaryPrimitives.ReadUInt16LittleEndian(sb[MagicOffset..]) != Magic)
        {
            return null;
        }

        uint log = BinaryPrimitives.ReadUInt32LittleEndian(sb[LogBlockSizeAt..]);
        uint rev = BinaryPrimitives.ReadUInt32LittleEndian(sb[RevLevelAt..]);
        if (log > MaxLogBlockSize || rev > 1)
        {
            return null;
        }

        int blockSize = 1024 << (int)log;
        uint incompat = rev == 0 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(sb[FeatureIncompatAt..]);
        ulong blocks = BinaryPrimitives.ReadUInt32LittleEndian(sb[BlocksCountLoAt..]);
        if ((incompat & Incompat64Bit) != 0)
        {
            blocks |= (ulong)BinaryPrimitives.ReadUInt32LittleEndian(sb[BlocksCountHiAt..]) << 32;
        }

        uint first = BinaryPrimitives.ReadUInt32LittleEndian(sb[FirstDataBlockAt..]);
        uint bpg = BinaryPrimitives.ReadUInt32LittleEndian(sb[BlocksPerGroupAt..]);
        uint ipg = BinaryPrimitives.ReadUInt32LittleEndian(sb[InodesPerGroupAt..]);
        uint inodes = BinaryPrimitives.ReadUInt32LittleEndian(sb[InodesCountAt..]);
        int inodeSize = rev == 0 ? 128 : BinaryPrimitives.ReadUInt16LittleEndian(sb[InodeSizeAt..]);
        int descSize = (incompat & Incompat64Bit) != 0 ? BinaryPrimitives.ReadUInt16LittleEndian(sb[DescSizeAt..]) : 32;

        // The kernel's ext4_fill_super checks, in short: sizes are powers of two that fit a block, the
        // first data block is 1 for 1 KiB blocks and 0 otherwise, and the group count agrees with the inode count.
        if (first != (blockSize == 1024 ? 1u : 0u) || blocks <= first || bpg == 0 || bpg > 8u * (uint)blockSize
            || ipg == 0 || inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) != 0
            || descSize < 32 || descSize > 1024 || (descSize & (descSize - 1)) != 0
            || blocks > (ulong)(long.MaxValue / blockSize))
        {
            return null;
        }

        ulong groups = ((blocks - first) + bpg - 1) / bpg;
        if (groups * ipg != inodes)
        {
            return null;
        }

        var label = sb.Slice(VolumeNameAt, 16);
        int end = label.IndexOf((byte)0);
        return new Ext4Superblock
        {
            InodesCount = inodes,
            BlocksCount = blocks,
            FirstDataBlock = first,
            BlockSize = blockSize,
            BlocksPerGroup = bpg,
            InodesPerGroup = ipg,
            RevLevel = rev,
            InodeSize = inodeSize,
            FeatureCompat = rev == 0 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(sb[FeatureCompatAt..]),
            FeatureIncompat = incompat,
            FeatureRoCompat = rev == 0 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(sb[FeatureRoCompatAt..]),
            DescSize = descSize,
            FirstMetaBg = BinaryPrimitives.ReadUInt32LittleEndian(sb[FirstMetaBgAt..]),
            VolumeName = Unpacking.EntryName.Decode(end < 0 ? label : label[..end]),
            MTime = BinaryPrimitives.ReadUInt32LittleEndian(sb[MTimeAt..]),
            GroupCount = groups,
            ByteLength = (long)blocks * blockSize,
        };
    }
}
