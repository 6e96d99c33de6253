using System.Buffers.Binary;
using System.Text;

namespace FirmwareGate.Core.Tests.Support;

/// <summary>
/// Writes a flattened device tree (devicetree specification v0.4, chapter 5) with any nodes and
/// properties, including ones a real dtc would refuse (repeated names, lengths that do not fit,
/// name offsets outside the strings block), optionally followed by external data as mkimage -E lays it.
/// </summary>
internal sealed class FdtBuilder
{
    private const int HeaderSize = 40;
    private const int ReserveMapSize = 16;

    public FdtNode Root { get; } = new("");

    /// <summary>A FIT: a root with a description and an empty /images node.</summary>
    public static (FdtBuilder Fit, FdtNode Images) Fit(string description = "test FIT")
    {
        var fit = new FdtBuilder();
        fit.Root.Prop("description", description).Prop("#address-cells", 1u);
        return (fit, fit.Root.Node("images"));
    }

    /// <summary>
    /// The blob: header, empty reserve map, structure block, strings block; then, when given,
    /// <paramref name="external"/> after the tree aligned to 4 bytes (where data-offset 0 points).
    /// </summary>
    public byte[] Build(ReadOnlySpan<byte> external = default)
    {
        var strings = new MemoryStream();
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        var structure = new MemoryStream();
        Write(structure, Root, strings, offsets);
        WriteU32(structure, 9); // FDT_END

        int structOffset = HeaderSize + ReserveMapSize;
        int stringsOffset = structOffset + (int)structure.Length;
        int total = stringsOffset + (int)strings.Length;
        int aligned = (total + 3) & ~3;
        var blob = new byte[(external.IsEmpty ? total : aligned) + external.Length];
        var h = blob.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(h, 0xD00DFEED);
        BinaryPrimitives.WriteUInt32BigEndian(h[4..], (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(h[8..], (uint)structOffset);
        BinaryPrimitives.WriteUInt32BigEndian(h[12..], (uint)stringsOffset);
        BinaryPrimitives.WriteUInt32BigEndian(h[16..], HeaderSize);
        BinaryPrimitives.WriteUInt32BigEndian(h[20..], 17);
        BinaryPrimitives.WriteUInt32BigEndian(h[24..], 16);
        BinaryPrimitives.WriteUInt32BigEndian(h[32..], (uint)strings.Length);
        BinaryPrimitives.WriteUInt32BigEndian(h[36..], (uint)structure.Length);
        structure.ToArray().CopyTo(blob, structOffset);
        strings.ToArray().CopyTo(blob, stringsOffset);
        external.CopyTo(blob.AsSpan(blob.Length - external.Length));
        return blob;
    }

    /// <summary>The tree's totalsize as <see cref="Build"/> writes it (for data-position values that point into it).</summary>
    public int TotalSize => (int)BinaryPrimitives.ReadUInt32BigEndian(Build().AsSpan(4));

    private static void Write(MemoryStream s, FdtNode node, MemoryStream strings, Dictionary<string, int> offsets)
    {
        WriteU32(s, 1); // FDT_BEGIN_NODE
        s.Write(node.Name);
        s.WriteByte(0);
        Pad(s);
        foreach (var p in node.Props)
        {
            if (!offsets.TryGetValue(p.Name, out int nameOffset))
            {
                nameOffset = (int)strings.Length;
                offsets[p.Name] = nameOffset;
                strings.Write(Encoding.UTF8.GetBytes(p.Name));
                strings.WriteByte(0);
            }

            WriteU32(s, 3); // FDT_PROP
            WriteU32(s, p.DeclaredLength ?? (uint)p.Value.Length);
            WriteU32(s, p.NameOffset ?? (uint)nameOffset);
            s.Write(p.Value);
            Pad(s);
        }

        foreach (var child in node.Children)
        {
            Write(s, child, strings, offsets);
        }

        WriteU32(s, 2); // FDT_END_NODE
    }

    private static void WriteU32(MemoryStream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        s.Write(b);
    }

    private static void Pad(MemoryStream s)
    {
        while (s.Length % 4 != 0)
        {
            s.WriteByte(0);
        }
    }
}

/// <summary>One node of an <see cref="FdtBuilder"/> tree.</summary>
internal sealed class FdtNode(byte[] name)
{
    public FdtNode(string name)
        : this(Encoding.UTF8.GetBytes(name))
    {
    }

    public byte[] Name { get; } = name;

    public List<FdtNode> Children { get; } = [];

    public List<FdtProp> Props { get; } = [];

    /// <summary>Adds a child node (names may repeat) and returns it.</summary>
    public FdtNode Node(string name)
    {
        var child = new FdtNode(name);
        Children.Add(child);
        return child;
    }

    /// <summary>Adds a string property (NUL-terminated).</summary>
    public FdtNode Prop(string name, string value) => Prop(name, [.. Encoding.UTF8.GetBytes(value), 0]);

    /// <summary>Adds a one-cell (32-bit) property.</summary>
    public FdtNode Prop(string name, uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return Prop(name, b);
    }

    /// <summary>Adds a two-cell (64-bit) property, as with #address-cells = 2.</summary>
    public FdtNode Prop64(string name, ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return Prop(name, b);
    }

    /// <summary>Adds a raw property; a declared length or name offset overrides the true one.</summary>
    public FdtNode Prop(string name, byte[] value, uint? declaredLength = null, uint? nameOffset = null)
    {
        Props.Add(new FdtProp(name, value, declaredLength, nameOffset));
        return this;
    }

    /// <summary>Replaces every property of that name with one 32-bit value.</summary>
    public FdtNode Set(string name, uint value)
    {
        Props.RemoveAll(p => p.Name == name);
        return Prop(name, value);
    }

    /// <summary>An image node whose data sits outside the tree, data-offset bytes after it.</summary>
    public FdtNode ExternalImage(string name, uint offset, uint size, string type = "firmware") =>
        Node(name).Prop("description", name).Prop("type", type).Prop("compression", "none").Prop("data-offset", offset).Prop("data-size", size);

    /// <summary>An image node whose data sits at an absolute position from the start of the FIT.</summary>
    public FdtNode PositionedImage(string name, uint position, uint size, string type = "firmware") =>
        Node(name).Prop("description", name).Prop("type", type).Prop("compression", "none").Prop("data-position", position).Prop("data-size", size);

    /// <summary>An image node with its data embedded in the tree.</summary>
    public FdtNode EmbeddedImage(string name, byte[] data, string type = "firmware", string compression = "none") =>
        Node(name).Prop("description", name).Prop("type", type).Prop("compression", compression).Prop("data", data);
}

/// <summary>A property of an <see cref="FdtNode"/>.</summary>
internal sealed record FdtProp(string Name, byte[] Value, uint? DeclaredLength, uint? NameOffset);
