using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.Ext4;

/// <summary>
/// The fields of one on-disk inode this reader uses (struct ext4_inode, Documentation/filesystems/ext4/inodes.rst),
/// with the raw bytes kept for i_block and the in-inode extended attributes.
/// </summary>
internal sealed class Ext4Inode
{
    /// <summary>Bytes of i_block: 15 block numbers, an extent tree root, a fast symlink or inline data.</summary>
    public const int BlockArea = 60;

    public const uint FlagIndex = 0x1000;
    public const uint FlagHugeFile = 0x40000;
    public const uint FlagExtents = 0x80000;
    public const uint FlagInlineData = 0x10000000;

    private const int ModeAt = 0x0;
    private const int UidAt = 0x2;
    private const int SizeLoAt = 0x4;
    private const int MTimeAt = 0x10;
    private const int GidAt = 0x18;
    private const int LinksAt = 0x1A;
    private const int BlocksLoAt = 0x1C;
    private const int FlagsAt = 0x20;
    private const int BlockAt = 0x28;
    private const int FileAclLoAt = 0x68;
    private const int SizeHighAt = 0x6C;

    // osd2 (Linux): l_i_blocks_high, l_i_file_acl_high, l_i_uid_high, l_i_gid_high.
    private const int BlocksHighAt = 0x74;
    private const int FileAclHighAt = 0x76;
    private const int UidHighAt = 0x78;
    private const int GidHighAt = 0x7A;
    private const int ExtraISizeAt = 0x80;
    private const int MTimeExtraAt = 0x88;

    /// <summary>The whole on-disk inode.</summary>
    public required byte[] Raw { get; init; }

    public required uint Number { get; init; }

    public ushort Mode => BinaryPrimitives.ReadUInt16LittleEndian(Raw.AsSpan(ModeAt));

    /// <summary>The file type bits (S_IFMT).</summary>
    public int FileType => Mode & 0xF000;

    public long Uid => BinaryPrimitives.ReadUInt16LittleEndian(Raw.AsSpan(UidAt)) | ((long)BinaryPrimitives.ReadUInt16LittleEndian(Raw.AsSpan(UidHighAt)) << 16);

    public long Gid => BinaryPrimitives.ReadUInt16LittleEndian(Raw.AsSpan(GidAt)) | ((long)BinaryPrimitives.ReadUInt16LittleEndian(Raw.AsSpan(GidHighAt)) << 16);

    public ushort LinksCount => BinaryPrimitives.ReadUInt16LittleEndian(Raw.AsSpan(LinksAt));

    public uint Flags => BinaryPrimitives.ReadUInt32LittleEndian(Raw.AsSpan(FlagsAt));

    /// <summary>i_size_lo | i_size_high &lt;&lt; 32, as an unsigned 64-bit value.</summary>
    public ulong Size => BinaryPrimitives.ReadUInt32LittleEndian(Raw.AsSpan(SizeLoAt)) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(Raw.AsSpan(SizeHighAt)) << 32);

    /// <summary>i_blocks (lo and high): 512-byte sectors, or file system blocks with the huge-file flag.</summary>
    public ulong Blocks => BinaryPrimitives.ReadUInt32LittleEndian(Raw.AsSpan(BlocksLoAt)) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(Raw.AsSpan(BlocksHighAt)) << 32);

    /// <summary>The extended attribute block (i_file_acl lo and high), 0 for none.</summary>
    public ulong FileAcl => BinaryPrimitives.ReadUInt32LittleEndian(Raw.AsSpan(FileAclLoAt)) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(Raw.AsSpan(FileAclHighAt)) << 32);

    /// <summary>Modification time with the two epoch bits of i_mtime_extra when the inode is large enough to hold it.</summary>
    public long MTime
    {
        get
        {
            long t = BinaryPrimitives.ReadInt32LittleEndian(Raw.AsSpan(MTimeAt));
            if (ExtraISize >= MTimeExtraAt + 4 - ExtraISizeAt)
            {
                t += (long)(BinaryPrimitives.ReadUInt32LittleEndian(Raw.AsSpan(MTimeExtraAt)) & 3) << 32;
            }

            return t;
        }
    }

    /// <summary>i_extra_isize, or 0 for 128-byte inodes or a value that does not fit.</summary>
    public int ExtraISize
    {
        get
        {
            if (Raw.Length <= ExtraISizeAt + 2)
            {
                return 0;
            }

            int extra = BinaryPrimitives.ReadUInt16LittleEndian(Raw.AsSpan(ExtraISizeAt));
            return extra <= Raw.Length - ExtraISizeAt && extra % 4 == 0 ? extra : 0;
        }
    }

    /// <summary>The 60 bytes of i_block.</summary>
    public ReadOnlySpan<byte> BlockBytes => Raw.AsSpan(BlockAt, BlockArea);

    /// <summary>i_block[i] as a 32-bit little-endian block number.</summary>
    public uint BlockPointer(int i) => BinaryPrimitives.ReadUInt32LittleEndian(Raw.AsSpan(BlockAt + (4 * i)));

    /// <summary>The in-inode extended attribute area (after i_extra_isize), empty when there is none.</summary>
    public ReadOnlySpan<byte> InodeXattrArea
    {
        get
        {
            // The attributes start at EXT4_GOOD_OLD_INODE_SIZE + i_extra_isize.
            int start = ExtraISizeAt + ExtraISize;
            return Raw.Length <= ExtraISizeAt || start >= Raw.Length ? [] : Raw.AsSpan(start);
        }
    }
}
