using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.CramFs;

/// <summary>
/// struct cramfs_inode (include/uapi/linux/cramfs_fs.h): three 32-bit words of bit fields,
/// mode:16 uid:16, size:24 gid:8, namelen:6 offset:26. The compiler packs bit fields from the low
/// bit on little-endian machines and from the high bit on big-endian ones, so in a big-endian image
/// (mkfs.cramfs -N big) each word is read big-endian and its fields taken from the top down.
/// </summary>
internal readonly record struct CramFsInode(uint Mode, uint Uid, uint Size, uint Gid, int NameLength, long Offset)
{
    /// <summary>Bytes of the fixed part; the name (NameLength, padded to 4 bytes) follows.</summary>
    public const int Size12 = 12;

    public static CramFsInode Parse(ReadOnlySpan<byte> b, bool bigEndian)
    {
        if (bigEndian)
        {
            uint w0 = BinaryPrimitives.ReadUInt32BigEndian(b);
            uint w1 = BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
            uint w2 = BinaryPrimitives.ReadUInt32BigEndian(b[8..]);
            return new CramFsInode(w0 >> 16, w0 & 0xFFFF, w1 >> 8, w1 & 0xFF, (int)((w2 >> 26) * 4), (long)(w2 & 0x03FF_FFFF) * 4);
        }

        uint l0 = BinaryPrimitives.ReadUInt32LittleEndian(b);
        uint l1 = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
        uint l2 = BinaryPrimitives.ReadUInt32LittleEndian(b[8..]);
        return new CramFsInode(l0 & 0xFFFF, l0 >> 16, l1 & 0xFF_FFFF, l1 >> 24, (int)((l2 & 0x3F) * 4), (long)(l2 >> 6) * 4);
    }

    /// <summary>Bytes this inode and its name take in a directory.</summary>
    public int RecordLength => Size12 + NameLength;
}
