using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>
/// Reads the packed C bitfields of the SquashFS 3.x structures (squashfs_compat.h). A field is named
/// by its bit position and width as in the SQUASHFS_SWAP_*_3 macros: little-endian images pack
/// bitfields from the least significant bit of little-endian bytes, big-endian images from the most
/// significant bit of big-endian bytes (so "inode_type:4" is the low nibble of byte 0 in one, the high
/// nibble in the other). Whole-byte fields are plain integers in the image's byte order.
/// </summary>
internal static class SquashFsBitfields
{
    /// <summary>The <paramref name="width"/>-bit field (at most 64) at bit <paramref name="position"/> of <paramref name="b"/>.</summary>
    public static ulong Get(ReadOnlySpan<byte> b, int position, int width, bool bigEndian)
    {
        int first = position >> 3;
        int shift = position & 7;
        if (shift == 0 && (width & 7) == 0)
        {
            return Whole(b.Slice(first, width >> 3), bigEndian);
        }

        // Bitfields of 3.x are at most 40 bits wide: they and their bit offset fit in 8 bytes.
        int bytes = (shift + width + 7) >> 3;
        ulong v = Whole(b.Slice(first, bytes), bigEndian);
        ulong mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        return bigEndian ? (v >> ((bytes * 8) - shift - width)) & mask : (v >> shift) & mask;
    }

    private static ulong Whole(ReadOnlySpan<byte> b, bool bigEndian)
    {
        switch (b.Length)
        {
            case 1:
                return b[0];
            case 2:
                return bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
            case 4:
                return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
            case 8:
                return bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
            default:
                ulong v = 0;
                for (int i = 0; i < b.Length; i++)
                {
                    v |= bigEndian ? (ulong)b[i] << (8 * (b.Length - 1 - i)) : (ulong)b[i] << (8 * i);
                }

                return v;
        }
    }
}
