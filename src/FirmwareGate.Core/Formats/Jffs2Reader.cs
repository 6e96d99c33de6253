using System.Globalization;
using FirmwareGate.Core.Formats.Jffs2;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// JFFS2 (include/uapi/linux/jffs2.h, fs/jffs2/), little- and big-endian: dirent and inode nodes with
/// their header, node, name and data CRCs; cleanmarkers, padding, summary and erased flash skipped;
/// data compressed with none, zero, zlib, rtime, lzo or lzma. The newest version of every name and
/// every byte range wins; deleted names are dropped.
/// </summary>
public sealed class Jffs2Reader : IFormatReader
{
    /// <inheritdoc/>
    public string Format => "jffs2";

    // 85 19 03 20 / 19 85 20 03: JFFS2_MAGIC_BITMASK 0x1985 then JFFS2_NODETYPE_CLEANMARKER 0x2003 (the first node of
    // an erase block); 85 19 01 e0 / 02 e0: a dirent or inode node first (mkfs.jffs2 -n, no cleanmarkers). Little- then big-endian.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } =
    [
        new([0x85, 0x19, 0x03, 0x20]),
        new([0x85, 0x19, 0x01, 0xE0]),
        new([0x85, 0x19, 0x02, 0xE0]),
        new([0x19, 0x85, 0x20, 0x03]),
        new([0x19, 0x85, 0xE0, 0x01]),
        new([0x19, 0x85, 0xE0, 0x02]),
    ];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        return TryEndianness(source, out _);
    }

    private static bool TryEndianness(IByteSource source, out bool bigEndian)
    {
        Span<byte> h = stackalloc byte[Jffs2Layout.HeaderSize];
        bigEndian = false;
        if (source.ReadFully(0, h) < Jffs2Layout.HeaderSize)
        {
            return false;
        }

        bigEndian = h[0] == 0x19;
        return Jffs2Filesystem.IsValidHeader(h, bigEndian);
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        if (!TryEndianness(source, out bool bigEndian))
        {
            throw new CorruptDataException(Format, 0, "no JFFS2 node header with a valid CRC");
        }

        var fs = new Jffs2Filesystem(source, bigEndian, context);
        fs.Scan();
        var tree = fs.BuildTree();
        var result = new ReadResult
        {
            Length = Math.Max(Jffs2Layout.HeaderSize, fs.Length),
            Compression = fs.Compressors.Count == 0 ? "none" : string.Join('+', fs.Compressors),
            FileSystem = tree,
        };
        result.Details["endianness"] = bigEndian ? "big" : "little";
        result.Details["nodes"] = fs.NodeCount.ToString(CultureInfo.InvariantCulture);
        result.Details["obsoleteNodes"] = fs.ObsoleteCount.ToString(CultureInfo.InvariantCulture);
        result.Details["inodes"] = fs.InodeCount.ToString(CultureInfo.InvariantCulture);
        if (fs.EraseSize > 0)
        {
            result.Details["eraseSize"] = fs.EraseSize.ToString(CultureInfo.InvariantCulture);
        }

        result.Warnings.AddRange(fs.Warnings);
        return result;
    }
}
