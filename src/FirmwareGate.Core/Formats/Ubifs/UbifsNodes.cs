using System.IO.Hashing;

namespace FirmwareGate.Core.Formats.Ubifs;

/// <summary>UBIFS on-flash layout, from the kernel's fs/ubifs/ubifs-media.h (little-endian).</summary>
internal static class UbifsNodes
{
    // 31 18 10 06: UBIFS_NODE_MAGIC 0x06101831.
    public const uint Magic = 0x06101831;

    /// <summary>struct ubifs_ch, the common header every node starts with.</summary>
    public const int CommonHeaderSize = 24;

    // Node types (enum ubifs_node_type).
    public const int InodeNode = 0;
    public const int DataNode = 1;
    public const int DentNode = 2;
    public const int XentNode = 3;
    public const int SuperblockNode = 6;
    public const int MasterNode = 7;
    public const int IndexNode = 9;

    // Key types (enum ubifs_key_type), in the top 3 bits of a simple key's second word.
    public const int InodeKey = 0;
    public const int DataKey = 1;
    public const int DentKey = 2;
    public const int XentKey = 3;

    /// <summary>UBIFS_BLOCK_SIZE: data nodes hold at most this many bytes, decoded.</summary>
    public const int BlockSize = 4096;

    /// <summary>UBIFS_ROOT_INO.</summary>
    public const ulong RootInode = 1;

    /// <summary>UBIFS_SK_LEN: a simple key (the only format, UBIFS_SIMPLE_KEY_FMT).</summary>
    public const int KeyLength = 8;

    /// <summary>UBIFS_MAX_KEY_LEN: keys are stored in 16-byte fields in nodes.</summary>
    public const int KeyField = 16;

    /// <summary>The LEB of the first master node copy (UBIFS_MST_LNUM); the second is the next LEB.</summary>
    public const int MasterLnum = 1;

    /// <summary>UBIFS_MIN_LEB_SZ, and a bound well above any real LEB.</summary>
    public const int MinLebSize = 15 * 1024;
    public const int MaxLebSize = 1 << 24;

    /// <summary>UBIFS_XATTR_FL: an inode that holds an extended attribute's value.</summary>
    public const uint XattrFlag = 0x20;

    /// <summary>UBIFS_FLG_ENCRYPTION in the superblock flags.</summary>
    public const uint EncryptionFlag = 0x10;

    /// <summary>struct ubifs_ch field offsets.</summary>
    public static class Ch
    {
        public const int Magic = 0;
        public const int Crc = 4;
        public const int Sqnum = 8;
        public const int Len = 16;
        public const int NodeType = 20;
    }

    /// <summary>struct ubifs_sb_node field offsets.</summary>
    public static class Sb
    {
        public const int KeyFmt = 27;
        public const int Flags = 28;
        public const int MinIoSize = 32;
        public const int LebSize = 36;
        public const int LebCnt = 40;
        public const int Fanout = 72;
        public const int FmtVersion = 80;
        public const int DefaultCompr = 84;
        public const int Size = 112;
    }

    /// <summary>struct ubifs_mst_node field offsets.</summary>
    public static class Mst
    {
        public const int HighestInum = 24;
        public const int CmtNo = 32;
        public const int RootLnum = 48;
        public const int RootOffs = 52;
        public const int RootLen = 56;
        public const int Size = 512;
    }

    /// <summary>struct ubifs_idx_node and struct ubifs_branch field offsets.</summary>
    public static class Idx
    {
        public const int ChildCnt = 24;
        public const int Level = 26;
        public const int Branches = 28;
        public const int BranchLnum = 0;
        public const int BranchOffs = 4;
        public const int BranchLen = 8;
        public const int BranchKey = 12;
    }

    /// <summary>struct ubifs_ino_node field offsets.</summary>
    public static class Ino
    {
        public const int Key = 24;
        public const int Size = 48;
        public const int MtimeSec = 72;
        public const int Nlink = 92;
        public const int Uid = 96;
        public const int Gid = 100;
        public const int Mode = 104;
        public const int Flags = 108;
        public const int DataLen = 112;
        public const int Data = 160;
    }

    /// <summary>struct ubifs_dent_node field offsets (directory and extended attribute entries).</summary>
    public static class Dent
    {
        public const int Key = 24;
        public const int Inum = 40;
        public const int Type = 49;
        public const int Nlen = 50;
        public const int Name = 56;
    }

    /// <summary>struct ubifs_data_node field offsets.</summary>
    public static class Data
    {
        public const int Key = 24;
        public const int Size = 40;
        public const int ComprType = 44;
        public const int Payload = 48;
    }

    /// <summary>
    /// Node CRC: crc32_le seeded with UBIFS_CRC32_INIT (0xFFFFFFFF), no final inversion, over the node after
    /// the magic and CRC fields (ubifs_check_node).
    /// </summary>
    public static uint Crc(ReadOnlySpan<byte> node) => ~Crc32.HashToUInt32(node[(Ch.Sqnum)..]);

    /// <summary>A simple key: inode number, type, and the hash or block number.</summary>
    public readonly record struct Key(uint Inum, int Type, uint Value)
    {
        public static Key Parse(ReadOnlySpan<byte> k)
        {
            uint second = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(k[4..]);
            return new Key(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(k), (int)(second >> 29), second & 0x1FFFFFFF);
        }
    }
}
