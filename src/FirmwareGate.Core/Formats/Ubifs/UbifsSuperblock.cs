using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.Ubifs;

/// <summary>The fields of the UBIFS superblock node (LEB 0, offset 0) the reader uses.</summary>
internal readonly record struct UbifsSuperblock(int LebSize, int LebCount, int MinIoSize, int Fanout, uint Flags, int DefaultCompression, int FormatVersion, int KeyFormat)
{
    /// <summary>Bytes of the superblock node read to identify it: the header and all fields used.</summary>
    public const int ReadSize = UbifsNodes.Sb.Size;

    /// <summary>The filesystem's size: every LEB.</summary>
    public long Length => (long)LebSize * LebCount;

    /// <summary>
    /// Parses and checks a superblock node: magic, type, length, CRC and geometry. The node's whole length
    /// (<paramref name="node"/>) is needed for the CRC.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> node, out UbifsSuperblock sb)
    {
        sb = default;
        if (node.Length < ReadSize
            || BinaryPrimitives.ReadUInt32LittleEndian(node) != UbifsNodes.Magic
            || node[UbifsNodes.Ch.NodeType] != UbifsNodes.SuperblockNode
            || BinaryPrimitives.ReadUInt32LittleEndian(node[UbifsNodes.Ch.Len..]) != node.Length
            || UbifsNodes.Crc(node) != BinaryPrimitives.ReadUInt32LittleEndian(node[UbifsNodes.Ch.Crc..]))
        {
            return false;
        }

        uint leb = BinaryPrimitives.ReadUInt32LittleEndian(node[UbifsNodes.Sb.LebSize..]);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(node[UbifsNodes.Sb.LebCnt..]);
        uint minIo = BinaryPrimitives.ReadUInt32LittleEndian(node[UbifsNodes.Sb.MinIoSize..]);
        if (leb is < UbifsNodes.MinLebSize or > UbifsNodes.MaxLebSize || count < 3 || count > int.MaxValue
            || minIo < 8 || minIo > leb || (minIo & (minIo - 1)) != 0)
        {
            return false;
        }

        sb = new UbifsSuperblock(
            (int)leb,
            (int)count,
            (int)minIo,
            (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(node[UbifsNodes.Sb.Fanout..]), int.MaxValue),
            BinaryPrimitives.ReadUInt32LittleEndian(node[UbifsNodes.Sb.Flags..]),
            BinaryPrimitives.ReadUInt16LittleEndian(node[UbifsNodes.Sb.DefaultCompr..]),
            (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(node[UbifsNodes.Sb.FmtVersion..]), int.MaxValue),
            node[UbifsNodes.Sb.KeyFmt]);
        return true;
    }
}
