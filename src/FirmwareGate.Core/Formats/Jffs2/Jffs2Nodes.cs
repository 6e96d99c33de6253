namespace FirmwareGate.Core.Formats.Jffs2;

/// <summary>One valid inode node: where its data is and which range of the file it holds.</summary>
/// <param name="DataOffset">Offset of the compressed data in the image.</param>
/// <param name="Version">Node version; the highest wins.</param>
/// <param name="FileOffset">Offset of the data in the file.</param>
/// <param name="CSize">Stored bytes.</param>
/// <param name="DSize">Decoded bytes.</param>
/// <param name="Compr">JFFS2_COMPR_* id.</param>
internal readonly record struct Jffs2DataNode(long DataOffset, uint Version, uint FileOffset, uint CSize, uint DSize, byte Compr);

/// <summary>The metadata of an inode from its newest node, plus the indexes of all its data nodes.</summary>
internal sealed class Jffs2Inode
{
    public uint Version { get; set; }

    public bool HasMeta { get; set; }

    public uint Mode { get; set; }

    public uint Uid { get; set; }

    public uint Gid { get; set; }

    public uint ISize { get; set; }

    public uint MTime { get; set; }

    public long NodeOffset { get; set; }

    /// <summary>Indexes into the filesystem's node list.</summary>
    public List<int> Nodes { get; } = [];
}

/// <summary>The newest directory entry for one (parent, name).</summary>
/// <param name="Parent">Parent directory inode.</param>
/// <param name="Version">Dirent version.</param>
/// <param name="Ino">Target inode, 0 when the name was deleted.</param>
/// <param name="Type">DT_* type the entry claims.</param>
/// <param name="Name">Raw name bytes.</param>
/// <param name="Offset">Node offset in the image (for messages).</param>
internal sealed record Jffs2Dirent(uint Parent, uint Version, uint Ino, byte Type, byte[] Name, long Offset);
