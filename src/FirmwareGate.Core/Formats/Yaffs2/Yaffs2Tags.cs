using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.Yaffs2;

/// <summary>One chunk's packed tags 2 (yaffs_packedtags2.c), decoded.</summary>
internal readonly record struct Yaffs2Tags(uint Seq, uint ObjId, uint ChunkId, uint NBytes, bool Extra, uint ExtraType, uint ExtraParent, bool ExtraShrink)
{
    /// <summary>True for a chunk that holds an object header.</summary>
    public bool IsHeader => ChunkId == 0;

    /// <summary>All 0xFF: an erased (never written) page.</summary>
    public static bool IsErased(ReadOnlySpan<byte> tags) => tags.IndexOfAnyExcept((byte)0xFF) < 0;

    public static Yaffs2Tags Decode(ReadOnlySpan<byte> t, bool bigEndian)
    {
        uint seq = Read(t, Yaffs2Layout.TagSeq, bigEndian);
        uint obj = Read(t, Yaffs2Layout.TagObjId, bigEndian);
        uint chunk = Read(t, Yaffs2Layout.TagChunkId, bigEndian);
        uint n = Read(t, Yaffs2Layout.TagNBytes, bigEndian);
        if ((chunk & Yaffs2Layout.ExtraHeaderInfoFlag) == 0)
        {
            return new(seq, obj, chunk, n, false, 0, 0, false);
        }

        // The parent id rides in the chunk id and the object type in the top nibble of the object id.
        return new(seq, obj & ~Yaffs2Layout.ExtraFlagsMask, 0, n, true, obj >> Yaffs2Layout.ExtraObjectTypeShift,
            chunk & ~Yaffs2Layout.ExtraFlagsMask, (chunk & Yaffs2Layout.ExtraShrinkFlag) != 0);
    }

    /// <summary>Plausible tags for a chunk of <paramref name="dataBytes"/> data bytes.</summary>
    public bool IsPlausible(int dataBytes) =>
        Seq is > 0 and <= Yaffs2Layout.HighestSequence
        && ObjId is > 0 and < Yaffs2Layout.ExtraHeaderInfoFlag >> 3
        && (IsHeader
            ? !Extra || ExtraType is >= Yaffs2Layout.TypeFile and <= Yaffs2Layout.TypeSpecial
            : ChunkId < Yaffs2Layout.ExtraHeaderInfoFlag >> 3 && NBytes <= (uint)dataBytes);

    private static uint Read(ReadOnlySpan<byte> t, int at, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(t[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(t[at..]);
}
