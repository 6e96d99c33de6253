namespace FirmwareGate.Core.Formats.Jffs2;

/// <summary>
/// On-flash layout from include/uapi/linux/jffs2.h (struct jffs2_unknown_node, jffs2_raw_dirent,
/// jffs2_raw_inode). Every node starts on a 4-byte boundary; all fields use the filesystem's byte order.
/// </summary>
internal static class Jffs2Layout
{
    /// <summary>JFFS2_MAGIC_BITMASK: "85 19" little-endian, "19 85" big-endian.</summary>
    public const ushort Magic = 0x1985;

    /// <summary>JFFS2_EMPTY_BITMASK: erased flash.</summary>
    public const ushort Empty = 0xFFFF;

    /// <summary>JFFS2_DIRTY_BITMASK: a node zeroed out on flash.</summary>
    public const ushort Dirty = 0x0000;

    /// <summary>JFFS2_NODE_ACCURATE: cleared on flash when a node becomes obsolete.</summary>
    public const ushort Accurate = 0x2000;

    /// <summary>Mask of the compatibility bits (JFFS2_COMPAT_MASK).</summary>
    public const ushort CompatMask = 0xC000;

    /// <summary>JFFS2_FEATURE_INCOMPAT: a reader that does not know the node must refuse the filesystem.</summary>
    public const ushort Incompat = 0xC000;

    /// <summary>JFFS2_NODETYPE_DIRENT.</summary>
    public const ushort Dirent = 0xE001;

    /// <summary>JFFS2_NODETYPE_INODE.</summary>
    public const ushort Inode = 0xE002;

    /// <summary>JFFS2_NODETYPE_CLEANMARKER.</summary>
    public const ushort CleanMarker = 0x2003;

    /// <summary>JFFS2_NODETYPE_PADDING.</summary>
    public const ushort Padding = 0x2004;

    /// <summary>JFFS2_NODETYPE_SUMMARY (written by sumtool at the end of an erase block).</summary>
    public const ushort Summary = 0x2006;

    /// <summary>JFFS2_NODETYPE_XATTR.</summary>
    public const ushort Xattr = 0xE008;

    /// <summary>JFFS2_NODETYPE_XREF.</summary>
    public const ushort Xref = 0xE009;

    /// <summary>sizeof(struct jffs2_unknown_node): magic u16, nodetype u16, totlen u32, hdr_crc u32.</summary>
    public const int HeaderSize = 12;

    /// <summary>hdr_crc covers the first 8 bytes.</summary>
    public const int HeaderCrcOffset = 8;

    public const int TotLenOffset = 4;

    /// <summary>sizeof(struct jffs2_raw_dirent) before the name.</summary>
    public const int DirentSize = 40;

    public const int DirentPino = 12;
    public const int DirentVersion = 16;
    public const int DirentIno = 20;
    public const int DirentMctime = 24;
    public const int DirentNsize = 28;
    public const int DirentType = 29;

    /// <summary>node_crc covers the 32 bytes before it.</summary>
    public const int DirentNodeCrc = 32;
    public const int DirentNameCrc = 36;

    /// <summary>sizeof(struct jffs2_raw_inode) before the data.</summary>
    public const int InodeSize = 68;

    public const int InodeIno = 12;
    public const int InodeVersion = 16;
    public const int InodeMode = 20;
    public const int InodeUid = 24;
    public const int InodeGid = 26;
    public const int InodeIsize = 28;
    public const int InodeMtime = 36;
    public const int InodeOffset = 44;
    public const int InodeCsize = 48;
    public const int InodeDsize = 52;
    public const int InodeCompr = 56;
    public const int InodeDataCrc = 60;

    /// <summary>node_crc sits after data_crc and covers sizeof(jffs2_raw_inode) - 8 = 60 bytes (not data_crc).</summary>
    public const int InodeNodeCrc = 64;

    /// <summary>Bytes of the inode node the node_crc covers.</summary>
    public const int InodeNodeCrcCovers = 60;

    /// <summary>JFFS2_COMPR_* ids (jffs2.h); 0x08 is OpenWrt's raw LZMA, 0x15 the LZMA with a 5-byte properties prefix.</summary>
    public const byte ComprNone = 0x00;
    public const byte ComprZero = 0x01;
    public const byte ComprRtime = 0x02;
    public const byte ComprRubinMips = 0x03;
    public const byte ComprCopy = 0x04;
    public const byte ComprDynRubin = 0x05;
    public const byte ComprZlib = 0x06;
    public const byte ComprLzo = 0x07;
    public const byte ComprLzmaRaw = 0x08;
    public const byte ComprLzmaProps = 0x15;

    /// <summary>The root directory's inode number.</summary>
    public const uint RootIno = 1;

    /// <summary>Largest decoded data of one node: the kernel refuses more than PAGE_SIZE (at most 256 KiB).</summary>
    public const int MaxNodeData = 256 << 10;

    /// <summary>Largest node accepted: a node's data plus its header, rounded generously.</summary>
    public const int MaxNodeLength = MaxNodeData + 4096;
}
