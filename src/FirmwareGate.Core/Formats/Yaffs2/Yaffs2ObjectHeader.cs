using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.Yaffs2;

/// <summary>The fields of a struct yaffs_obj_hdr (yaffs_guts.h) that the tree needs.</summary>
internal sealed record Yaffs2ObjectHeader(uint Type, uint ParentId, byte[] Name, uint Mode, uint Uid, uint Gid, uint MTime, long FileSize, uint EquivId, byte[] Alias, uint Rdev, bool IsShrink)
{
    /// <summary>
    /// True when <paramref name="h"/> starts like an object header: a known type, the unused name checksum
    /// 0xFFFF, and a name that ends with NUL inside its field.
    /// </summary>
    public static bool LooksValid(ReadOnlySpan<byte> h, bool bigEndian)
    {
        if (h.Length < Yaffs2Layout.HeaderSize)
        {
            return false;
        }

        uint type = U32(h, Yaffs2Layout.Type, bigEndian);
        return type is >= Yaffs2Layout.TypeFile and <= Yaffs2Layout.TypeSpecial
            && h[Yaffs2Layout.NameChecksum] == 0xFF && h[Yaffs2Layout.NameChecksum + 1] == 0xFF
            && h.Slice(Yaffs2Layout.Name, Yaffs2Layout.NameLength).IndexOf((byte)0) >= 0;
    }

    /// <summary>A name a first header may have: not empty, no '/', no control characters.</summary>
    public static bool HasSaneName(ReadOnlySpan<byte> h)
    {
        var field = h.Slice(Yaffs2Layout.Name, Yaffs2Layout.NameLength);
        int end = field.IndexOf((byte)0);
        if (end <= 0)
        {
            return false;
        }

        foreach (byte b in field[..end])
        {
            if (b is < 0x20 or (byte)'/' or 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    public static Yaffs2ObjectHeader Parse(ReadOnlySpan<byte> h, bool bigEndian)
    {
        uint low = U32(h, Yaffs2Layout.FileSizeLow, bigEndian);
        uint high = U32(h, Yaffs2Layout.FileSizeHigh, bigEndian);

        // mkyaffs2image leaves file_size_high erased (0xFFFFFFFF); the kernel writes the high half.
        long size = high == uint.MaxValue ? (low == uint.MaxValue ? 0 : low) : (long)(((ulong)(high & 0x7FFFFFFF) << 32) | low);
        return new(
            U32(h, Yaffs2Layout.Type, bigEndian),
            U32(h, Yaffs2Layout.ParentId, bigEndian),
            CString(h.Slice(Yaffs2Layout.Name, Yaffs2Layout.NameLength)),
            U32(h, Yaffs2Layout.Mode, bigEndian),
            U32(h, Yaffs2Layout.Uid, bigEndian),
            U32(h, Yaffs2Layout.Gid, bigEndian),
            U32(h, Yaffs2Layout.MTime, bigEndian),
            size,
            U32(h, Yaffs2Layout.EquivId, bigEndian),
            CString(h.Slice(Yaffs2Layout.Alias, Yaffs2Layout.AliasLength)),
            U32(h, Yaffs2Layout.Rdev, bigEndian),
            U32(h, Yaffs2Layout.IsShrink, bigEndian) == 1);
    }

    public static uint U32(ReadOnlySpan<byte> h, int at, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(h[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(h[at..]);

    private static byte[] CString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return field[..(end < 0 ? field.Length : end)].ToArray();
    }
}
