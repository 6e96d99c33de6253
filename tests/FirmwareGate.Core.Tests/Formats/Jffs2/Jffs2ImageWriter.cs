using System.Buffers.Binary;
using System.Text;
using FirmwareGate.Core.Formats.Jffs2;

namespace FirmwareGate.Core.Tests.Formats.Jffs2;

/// <summary>
/// Writes JFFS2 nodes by hand, laid out as include/uapi/linux/jffs2.h describes them (jffs2_raw_dirent,
/// jffs2_raw_inode, hdr_crc over 8 bytes, node_crc over the fixed part, name and data CRCs), for the
/// cases mkfs.jffs2 never writes: several versions of one inode, deleted names, holes, obsolete nodes.
/// </summary>
internal sealed class Jffs2ImageWriter(bool bigEndian)
{
    private readonly MemoryStream _image = new();

    public byte[] ToArray() => _image.ToArray();

    public void Raw(byte[] bytes) => _image.Write(bytes);

    public void Dirent(uint parent, string name, uint ino, uint version, byte dtType = 8, ushort nodeType = 0xE001)
    {
        byte[] n = Encoding.UTF8.GetBytes(name);
        var node = new byte[40 + n.Length];
        Header(node, nodeType);
        U32(node, 12, parent);
        U32(node, 16, version);
        U32(node, 20, ino);
        U32(node, 24, 1700000000);
        node[28] = (byte)n.Length;
        node[29] = dtType;
        U32(node, 32, Jffs2Crc.Compute(node.AsSpan(0, 32)));
        n.CopyTo(node, 40);
        U32(node, 36, Jffs2Crc.Compute(n));
        Append(node);
    }

    public void Inode(uint ino, uint version, uint mode, uint isize, uint offset = 0, byte[]? data = null, uint? dsize = null, byte compr = 0, bool badDataCrc = false)
    {
        data ??= [];
        var node = new byte[68 + data.Length];
        Header(node, 0xE002);
        U32(node, 12, ino);
        U32(node, 16, version);
        U32(node, 20, mode);
        U32(node, 28, isize);
        U32(node, 36, 1700000000);
        U32(node, 44, offset);
        U32(node, 48, (uint)data.Length);
        U32(node, 52, dsize ?? (uint)data.Length);
        node[56] = compr;
        data.CopyTo(node, 68);
        U32(node, 60, Jffs2Crc.Compute(data) ^ (badDataCrc ? 1u : 0u));
        U32(node, 64, Jffs2Crc.Compute(node.AsSpan(0, 60)));
        Append(node);
    }

    private void Header(byte[] node, ushort type)
    {
        U16(node, 0, 0x1985);
        U16(node, 2, type);
        U32(node, 4, (uint)node.Length);
        U32(node, 8, Jffs2Crc.Compute(node.AsSpan(0, 8)));
    }

    private void Append(byte[] node)
    {
        _image.Write(node);
        while (_image.Length % 4 != 0)
        {
            _image.WriteByte(0xFF);
        }
    }

    private void U16(byte[] b, int at, ushort v)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), v);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);
        }
    }

    private void U32(byte[] b, int at, uint v)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), v);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
        }
    }
}
