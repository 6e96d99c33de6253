using System.Globalization;
using FirmwareGate.Core.Formats.Yaffs2;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// YAFFS2 raw NAND dumps (yaffs_guts.h struct yaffs_obj_hdr, yaffs_packedtags2.c), little- and big-endian:
/// chunks of 512 to 16384 bytes each followed by a spare (OOB) area whose packed tags (sequence number,
/// object id, chunk id, byte count; mkyaffs2image or kernel "extra" header tags) sit at its start or after
/// two bad-block marker bytes, or in-band tags in the last 16 bytes of each chunk when there is no spare.
/// The newest header and data chunk win by sequence number; deleted and unlinked objects are dropped; shrink
/// headers hide older data past the size they record; holes read as zeros; erased pages are skipped. The tag
/// ECC is not checked. Dumps with neither a spare nor in-band tags are not read.
/// </summary>
public sealed class Yaffs2Reader : IFormatReader
{
    /// <inheritdoc/>
    public string Format => "yaffs2";

    // YAFFS2 has no magic. mkyaffs2image writes the root's first child first: an object header whose type
    // (1 file .. 5 special) and parent id (1, the root) are followed by the unused name checksum 0xFFFF, e.g.
    // 03 00 00 00 01 00 00 00 ff ff 62 69 6e 00 ("bin", a directory). Little-endian, then big-endian from the
    // type's low byte (offset 3): a magic starting with 00 would stop the scan at every zero byte.
    // TryIdentify then requires a sane name and header tags in the spare (or in-band) that agree with it.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } =
    [
        .. Enumerable.Range(1, 5).Select(t => new Signature([(byte)t, 0, 0, 0, 1, 0, 0, 0, 0xFF, 0xFF])),
        .. Enumerable.Range(1, 5).Select(t => new Signature([(byte)t, 0, 0, 0, 1, 0xFF, 0xFF], Offset: 3)),
    ];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        return Probe(source) is not null;
    }

    private static Yaffs2Geometry? Probe(IByteSource source)
    {
        Span<byte> head = stackalloc byte[Yaffs2Layout.HeaderSize];
        if (source.ReadFully(0, head) < head.Length)
        {
            return null;
        }

        bool bigEndian = head[0] == 0;
        if (!Yaffs2ObjectHeader.LooksValid(head, bigEndian) || !Yaffs2ObjectHeader.HasSaneName(head)
            || Yaffs2ObjectHeader.U32(head, Yaffs2Layout.ParentId, bigEndian) != Yaffs2Layout.RootId)
        {
            return null;
        }

        return Yaffs2Geometry.Detect(source, bigEndian, Yaffs2ObjectHeader.U32(head, Yaffs2Layout.Type, bigEndian));
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        var geometry = Probe(source) ?? throw new CorruptDataException(Format, 0, "no object header with matching packed tags at the start");
        var fs = new Yaffs2Filesystem(source, geometry, context);
        fs.Scan();
        var builder = new Yaffs2TreeBuilder(fs, context);
        var tree = builder.Build();
        var result = new ReadResult
        {
            Length = Math.Max(geometry.Stride, fs.Length),
            Compression = "none",
            FileSystem = tree,
        };
        result.Details["endianness"] = geometry.BigEndian ? "big" : "little";
        result.Details["layout"] = geometry.ToString();
        result.Details["tags"] = geometry.Inband ? "in-band" : $"spare+{geometry.TagOffset}";
        result.Details["chunks"] = fs.Chunks.ToString(CultureInfo.InvariantCulture);
        result.Details["erasedChunks"] = fs.ErasedChunks.ToString(CultureInfo.InvariantCulture);
        result.Details["objects"] = fs.Headers.Count.ToString(CultureInfo.InvariantCulture);
        result.Details["deletedObjects"] = builder.Deleted.ToString(CultureInfo.InvariantCulture);
        result.Warnings.AddRange(fs.Warnings);
        result.Warnings.AddRange(builder.Warnings);
        return result;
    }
}
