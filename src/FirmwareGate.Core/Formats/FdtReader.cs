using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// Flattened device tree (devicetree specification v0.4, chapter 5). A tree with an /images node is
/// a FIT image: each image node's data (embedded, or external via data-offset/data-position) becomes
/// a child with its description, type and compression. Any other tree is a plain dtb.
/// </summary>
public sealed class FdtReader : IFormatReader
{
    private const int HeaderSize = 40;
    private const uint BeginNode = 1;
    private const uint EndNode = 2;
    private const uint Prop = 3;
    private const uint Nop = 4;
    private const uint End = 9;
    private const int MaxNodes = 100_000;
    private const int MaxDepth = 64;

    /// <inheritdoc/>
    public string Format => "fit";

    // d0 0d fe ed: FDT_MAGIC, big-endian (DT spec §5.2).
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new([0xD0, 0x0D, 0xFE, 0xED])];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[HeaderSize];
        if (source.ReadFully(0, h) < HeaderSize)
        {
            return false;
        }

        var hdr = Header.Parse(h);
        if (!hdr.IsPlausible)
        {
            return false;
        }

        length = hdr.TotalSize;
        return true;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        Span<byte> h = stackalloc byte[HeaderSize];
        source.ReadExactly(0, h, Format);
        var hdr = Header.Parse(h);
        if (!hdr.IsPlausible)
        {
            throw new CorruptDataException(Format, 0, "device tree header fields are inconsistent");
        }

        if (hdr.TotalSize > source.Length)
        {
            throw new TruncatedInputException(Format, 0, $"totalsize {hdr.TotalSize} exceeds the {source.Length} bytes available");
        }

        var blob = new byte[hdr.TotalSize];
        source.ReadExactly(0, blob, Format);
        var root = ParseTree(blob, hdr, context);
        var images = root.Child("images");
        if (images is null)
        {
            var dtb = new ReadResult { Length = hdr.TotalSize, Format = "dtb" };
            if (root.StringProp("model") is { } model)
            {
                dtb.Details["model"] = model;
            }

            return dtb;
        }

        long externalBase = (hdr.TotalSize + 3) & ~3L;
        long end = hdr.TotalSize;
        var children = new List<ChildBlob>();
        var warnings = new List<string>();
        foreach (var node in images.Children)
        {
            IByteSource? data = null;
            if (node.Props.TryGetValue("data", out var embedded))
            {
                data = source.Slice(embedded.Offset, embedded.Length);
            }
            else if (node.U32Prop("data-size") is { } size && (node.U32Prop("data-position") is { } pos ? (long?)pos : node.U32Prop("data-offset") + externalBase) is { } start)
            {
                if (start + size > source.Length)
                {
                    warnings.Add($"fit at 0x0: image '{node.Name}' external data at 0x{start:x} (+{size}) runs past the input; skipped");
                    continue;
                }

                data = source.Slice(start, size);
                end = Math.Max(end, start + size);
            }

            if (data is null)
            {
                warnings.Add($"fit at 0x0: image '{node.Name}' has no data property; skipped");
                continue;
            }

            var details = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var key in new[] { "description", "type", "arch", "os", "compression" })
            {
                if (node.StringProp(key) is { } v)
                {
                    details[key] = v;
                }
            }

            string type = details.GetValueOrDefault("type", "file");
            string? comp = details.GetValueOrDefault("compression");
            children.Add(new ChildBlob(data, null, node.Name, type == "flat_dt" ? "dtb" : type)
            {
                Carved = true,
                Details = details,
                ExpectedFormat = comp is null or "none" ? null : comp,
            });
        }

        var result = new ReadResult { Length = end };
        result.Children.AddRange(children);
        result.Warnings.AddRange(warnings);
        if (root.StringProp("description") is { } description)
        {
            result.Details["description"] = description;
        }

        result.Details["images"] = images.Children.Count.ToString(CultureInfo.InvariantCulture);
        return result;
    }

    private Node ParseTree(byte[] blob, Header hdr, ReadContext context)
    {
        var stack = new Stack<Node>();
        Node? root = null;
        int pos = (int)hdr.StructOffset;
        int structEnd = (int)(hdr.StructOffset + hdr.StructSize);
        int nodes = 0;
        while (true)
        {
            if (pos + 4 > structEnd)
            {
                throw new TruncatedInputException(Format, pos, "structure block ends without FDT_END");
            }

            uint token = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(pos));
            pos += 4;
            switch (token)
            {
                case BeginNode:
                    {
                        int nul = blob.AsSpan(pos, structEnd - pos).IndexOf((byte)0);
                        if (nul < 0)
                        {
                            throw new CorruptDataException(Format, pos, "unterminated node name");
                        }

                        if (++nodes > MaxNodes || stack.Count >= MaxDepth)
                        {
                            throw new CorruptDataException(Format, pos, "too many or too deeply nested nodes");
                        }

                        context.CancellationToken.ThrowIfCancellationRequested();
                        var node = new Node(Encoding.UTF8.GetString(blob, pos, nul), blob);
                        pos = Align(pos + nul + 1);
                        if (stack.Count == 0)
                        {
                            root = node;
                        }
                        else
                        {
                            stack.Peek().Children.Add(node);
                        }

                        stack.Push(node);
                        break;
                    }

                case EndNode:
                    if (stack.Count == 0)
                    {
                        throw new CorruptDataException(Format, pos - 4, "FDT_END_NODE without a node");
                    }

                    stack.Pop();
                    break;
                case Prop:
                    {
                        if (pos + 8 > structEnd || stack.Count == 0)
                        {
                            throw new CorruptDataException(Format, pos, "property outside a node or truncated");
                        }

                        int len = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(pos)), int.MaxValue);
                        uint nameOff = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(pos + 4));
                        pos += 8;
                        if (len > structEnd - pos || nameOff >= hdr.StringsSize)
                        {
                            throw new CorruptDataException(Format, pos, "property length or name offset out of range");
                        }

                        var names = blob.AsSpan((int)(hdr.StringsOffset + nameOff), (int)(hdr.StringsSize - nameOff));
                        int nul = names.IndexOf((byte)0);
                        string name = Encoding.UTF8.GetString(nul < 0 ? names : names[..nul]);
                        stack.Peek().Props[name] = (pos, len);
                        pos = Align(pos + len);
                        break;
                    }

                case Nop:
                    break;
                case End:
                    return root ?? throw new CorruptDataException(Format, pos, "empty device tree");
                default:
                    throw new CorruptDataException(Format, pos - 4, $"unknown structure token 0x{token:x}");
            }
        }
    }

    private static int Align(int v) => (v + 3) & ~3;

    private sealed class Node(string name, byte[] blob)
    {
        public string Name { get; } = name;

        public Dictionary<string, (int Offset, int Length)> Props { get; } = new(StringComparer.Ordinal);

        public List<Node> Children { get; } = [];

        public Node? Child(string name) => Children.FirstOrDefault(c => c.Name == name);

        public string? StringProp(string key) =>
            Props.TryGetValue(key, out var p) ? Encoding.UTF8.GetString(blob.AsSpan(p.Offset, p.Length)).TrimEnd('\0').Replace('\0', ';') : null;

        public long? U32Prop(string key) =>
            Props.TryGetValue(key, out var p) && p.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(p.Offset)) : null;
    }

    private readonly record struct Header(long TotalSize, long StructOffset, long StringsOffset, long StringsSize, long StructSize, uint Version)
    {
        public bool IsPlausible =>
            TotalSize >= HeaderSize && TotalSize < int.MaxValue && Version is >= 16 and <= 17
            && StructOffset >= HeaderSize && StructOffset + StructSize <= TotalSize
            && StringsOffset >= HeaderSize && StringsOffset + StringsSize <= TotalSize;

        public static Header Parse(ReadOnlySpan<byte> h) => new(
            BinaryPrimitives.ReadUInt32BigEndian(h[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(h[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(h[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(h[32..]),
            BinaryPrimitives.ReadUInt32BigEndian(h[36..]),
            BinaryPrimitives.ReadUInt32BigEndian(h[20..]));
    }
}
