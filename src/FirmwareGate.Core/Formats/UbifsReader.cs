using System.Buffers.Binary;
using System.Globalization;
using FirmwareGate.Core.Formats.Ubifs;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// UBIFS, as mkfs.ubifs writes it or as a UBI volume holds it: superblock, newest master node, the index
/// B+tree, inodes, directory entries, extended attribute names, symlinks, devices, hard links, and file data
/// (holes and zlib, lzo, zstd or stored blocks). Layout: the kernel's fs/ubifs/ubifs-media.h.
/// </summary>
public sealed class UbifsReader : IFormatReader
{
    /// <inheritdoc/>
    public string Format => "ubifs";

    // 31 18 10 06: UBIFS_NODE_MAGIC 0x06101831 little-endian; every node starts with it, so identification
    // also wants node type 6 (the superblock) and a valid CRC.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new([0x31, 0x18, 0x10, 0x06])];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        if (!TryReadSuperblock(source, out var sb))
        {
            return false;
        }

        length = Math.Min(sb.Length, source.Length);
        return true;
    }

    private static bool TryReadSuperblock(IByteSource source, out UbifsSuperblock sb)
    {
        sb = default;
        Span<byte> h = stackalloc byte[UbifsNodes.CommonHeaderSize];
        if (source.ReadFully(0, h) < h.Length || h[UbifsNodes.Ch.NodeType] != UbifsNodes.SuperblockNode)
        {
            return false;
        }

        uint len = BinaryPrimitives.ReadUInt32LittleEndian(h[UbifsNodes.Ch.Len..]);
        if (len is < UbifsSuperblock.ReadSize or > UbifsNodes.BlockSize)
        {
            return false;
        }

        Span<byte> node = stackalloc byte[(int)len];
        return source.ReadFully(0, node) == node.Length && UbifsSuperblock.TryParse(node, out sb);
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        if (!TryReadSuperblock(source, out var sb))
        {
            throw new CorruptDataException(Format, 0, "superblock node is corrupt");
        }

        if (sb.KeyFormat != 0)
        {
            throw new CorruptDataException(Format, UbifsNodes.Sb.KeyFmt, $"key format {sb.KeyFormat}; only simple keys exist");
        }

        var fs = new UbifsFilesystem(source, sb, context);
        var tree = fs.ReadTree();
        var result = new ReadResult
        {
            Length = Math.Min(sb.Length, source.Length),
            Compression = UbifsCodec.Name(sb.DefaultCompression),
            FileSystem = tree,
        };
        if (sb.Length > source.Length)
        {
            // Normal inside a UBI volume: LEBs never written are not in the image.
            result.Details["lebsPresent"] = (source.Length / sb.LebSize).ToString(CultureInfo.InvariantCulture);
        }

        if ((sb.Flags & UbifsNodes.EncryptionFlag) != 0)
        {
            result.Warnings.Add("ubifs: the filesystem supports encryption; encrypted names and contents are listed as stored");
        }

        result.Details["lebSize"] = sb.LebSize.ToString(CultureInfo.InvariantCulture);
        result.Details["lebCount"] = sb.LebCount.ToString(CultureInfo.InvariantCulture);
        result.Details["minIoSize"] = sb.MinIoSize.ToString(CultureInfo.InvariantCulture);
        result.Details["formatVersion"] = sb.FormatVersion.ToString(CultureInfo.InvariantCulture);
        result.Details["masterSqnum"] = fs.Master.Sqnum.ToString(CultureInfo.InvariantCulture);
        result.Details["commit"] = fs.Master.CommitNumber.ToString(CultureInfo.InvariantCulture);
        result.Details["indexNodes"] = fs.IndexNodes.ToString(CultureInfo.InvariantCulture);
        result.Warnings.AddRange(fs.Warnings);
        return result;
    }
}
