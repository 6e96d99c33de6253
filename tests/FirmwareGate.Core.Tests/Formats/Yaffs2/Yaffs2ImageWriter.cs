using System.Buffers.Binary;
using System.Text;

namespace FirmwareGate.Core.Tests.Formats.Yaffs2;

/// <summary>
/// Writes little-endian YAFFS2 chunks of 2048 bytes + 64 bytes of spare with mkyaffs2image-style packed tags
/// (yaffs_guts.h struct yaffs_obj_hdr, yaffs_packedtags2.h), for the hand-made hostile cases.
/// </summary>
internal sealed class Yaffs2ImageWriter
{
    public const int Page = 2048;
    private const int Spare = 64;
    private readonly MemoryStream _out = new();

    public void Header(uint obj, uint type, uint parent, string name, long size = 0, uint equiv = 0xFFFFFFFF, uint mode = 0x81A4, uint seq = 0x1000, string alias = "")
    {
        var h = new byte[Page];
        h.AsSpan().Fill(0xFF);
        BinaryPrimitives.WriteUInt32LittleEndian(h, type);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), parent);
        h.AsSpan(10, 256).Clear();
        Encoding.UTF8.GetBytes(name).CopyTo(h, 10);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(268), mode);
        h.AsSpan(272, 24).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(292), (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(296), equiv);
        h.AsSpan(300, 160).Clear();
        Encoding.UTF8.GetBytes(alias).CopyTo(h, 300);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(496), (uint)(size >> 32));
        Chunk(h, seq, obj, 0, 0xFFFF);
    }

    public void Data(uint obj, uint chunkId, byte[] data, uint seq = 0x1000, uint? nBytes = null)
    {
        var d = new byte[Page];
        d.AsSpan().Fill(0xFF);
        data.CopyTo(d, 0);
        Chunk(d, seq, obj, chunkId, nBytes ?? (uint)data.Length);
    }

    public void Chunk(byte[] page, uint seq, uint obj, uint chunkId, uint nBytes)
    {
        var spare = new byte[Spare];
        spare.AsSpan().Fill(0xFF);
        BinaryPrimitives.WriteUInt32LittleEndian(spare, seq);
        BinaryPrimitives.WriteUInt32LittleEndian(spare.AsSpan(4), obj);
        BinaryPrimitives.WriteUInt32LittleEndian(spare.AsSpan(8), chunkId);
        BinaryPrimitives.WriteUInt32LittleEndian(spare.AsSpan(12), nBytes);
        _out.Write(page);
        _out.Write(spare);
    }

    public byte[] ToArray() => _out.ToArray();
}
