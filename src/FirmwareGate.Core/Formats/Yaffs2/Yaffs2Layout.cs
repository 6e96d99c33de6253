namespace FirmwareGate.Core.Formats.Yaffs2;

/// <summary>
/// Offsets and constants of YAFFS2 (yaffs_guts.h struct yaffs_obj_hdr, yaffs_packedtags2.h/.c,
/// yaffs_guts.h object ids and sequence numbers).
/// </summary>
internal static class Yaffs2Layout
{
    // struct yaffs_obj_hdr (512 bytes; the rest of the chunk is 0xFF).
    public const int HeaderSize = 512;
    public const int Type = 0;
    public const int ParentId = 4;
    public const int NameChecksum = 8;        // sum_no_longer_used: 0xFFFF
    public const int Name = 10;               // YAFFS_MAX_NAME_LENGTH + 1 = 256
    public const int NameLength = 256;
    public const int Mode = 268;              // after 2 bytes of alignment padding
    public const int Uid = 272;
    public const int Gid = 276;
    public const int MTime = 284;
    public const int FileSizeLow = 292;
    public const int EquivId = 296;
    public const int Alias = 300;             // YAFFS_MAX_ALIAS_LENGTH + 1 = 160
    public const int AliasLength = 160;
    public const int Rdev = 460;
    public const int FileSizeHigh = 496;
    public const int IsShrink = 508;

    // enum yaffs_obj_type.
    public const uint TypeFile = 1;
    public const uint TypeSymlink = 2;
    public const uint TypeDirectory = 3;
    public const uint TypeHardLink = 4;
    public const uint TypeSpecial = 5;

    // Fixed object ids: the root, lost+found and the fake parents of unlinked and deleted objects.
    public const uint RootId = 1;
    public const uint LostAndFoundId = 2;
    public const uint UnlinkedId = 3;
    public const uint DeletedId = 4;

    // struct yaffs_packed_tags2_tags_only: seq_number, obj_id, chunk_id, n_bytes (then 12 bytes of tag ECC in the spare).
    public const int TagsSize = 16;
    public const int TagSeq = 0;
    public const int TagObjId = 4;
    public const int TagChunkId = 8;
    public const int TagNBytes = 12;

    // yaffs_packedtags2.c: an object header's tags may carry "extra" info in place of chunk id 0.
    public const uint ExtraHeaderInfoFlag = 0x80000000;
    public const uint ExtraShrinkFlag = 0x40000000;
    public const uint ExtraFlagsMask = 0xF0000000;
    public const int ExtraObjectTypeShift = 28;

    /// <summary>YAFFS_HIGHEST_SEQUENCE_NUMBER; mkyaffs2image-style images start at 1, the kernel at 0x1000.</summary>
    public const uint HighestSequence = 0xEFFFFF00;
}
