using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

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
        var warnings = new Warnings();
        var root = ParseTree(blob, hdr, warnings, context);
        var images = root.Child("images");
        if (images is null)
        {
            var dtb = new ReadResult { Length = hdr.TotalSize, Format = "dtb" };
            if (root.StringProp("model") is { } model)
            {
                dtb.Details["model"] = model;
            }

            return dtb.WithWarnings(warnings.ToList());
        }

        if (root.Children.Count(c => c.Name == "images") > 1)
        {
            warnings.Add("fit at 0x0: more than one /images node; only the first is read");
        }

        long externalBase = (hdr.TotalSize + 3) & ~3L;
        long end = hdr.TotalSize;
        var children = new List<ChildBlob>();
        foreach (var node in images.Children)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            string name = EntryName.Display(node.Name);
            long start;
            long size;
            if (node.Props.TryGetValue("data", out var embedded))
            {
                (start, size) = (embedded.Offset, embedded.Length);
            }
            else if (ExternalData(node, name, externalBase, source.Length, warnings) is { } external)
            {
                (start, size) = external;
                if (start < hdr.TotalSize)
                {
                    // mkimage -E places external data after the tree; bytes inside it are the tree itself,
                    // and a range over the header makes the FIT contain itself.
                    warnings.Add($"fit at 0x0: image '{name}' data at 0x{start:x} (+{size}) points back into the FIT structure"
                        + (start < HeaderSize ? ", over its own header" : "") + "; suspicious");
                }

                end = Math.Max(end, start + size);
            }
            else
            {
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
            children.Add(new ChildBlob(source.Slice(start, size), null, node.Name, type == "flat_dt" ? "dtb" : type)
            {
                Carved = true,
                CarvedOffset = start,
                Details = details,
                ExpectedFormat = comp is null or "none" ? null : comp,
            });
        }

        var result = new ReadResult { Length = end };
        result.Children.AddRange(children);
        result.Warnings.AddRange(warnings.ToList());
        if (root.StringProp("description") is { } description)
        {
            result.Details["description"] = description;
        }

        result.Details["images"] = images.Children.Count.ToString(CultureInfo.InvariantCulture);
        return result;
    }

    /// <summary>
    /// The range of an image stored outside the tree (mkimage -E): data-size with data-position
    /// (from the start of the FIT) or data-offset (from the end of the tree, 4-byte aligned); null,
    /// with a warning, when the node has no data or the range is not inside the input.
    /// </summary>
    private static (long Start, long Size)? ExternalData(Node node, string name, long externalBase, long available, Warnings warnings)
    {
        ulong? size = node.Cells("data-size", warnings);
        ulong? position = node.Cells("data-position", warnings);
        ulong? offset = position is null ? node.Cells("data-offset", warnings) : null;
        if (size is null || (position is null && offset is null))
        {
            warnings.Add($"fit at 0x0: image '{name}' has no data property; skipped");
            return null;
        }

        // Values are up to 64 bits: compare before adding, so nothing wraps.
        ulong limit = (ulong)available;
        ulong? start = position ?? (offset <= limit && (ulong)externalBase <= limit - offset ? offset + (ulong)externalBase : null);
        if (start is null || start > limit || size > limit - start)
        {
            warnings.Add($"fit at 0x0: image '{name}' external data at 0x{(position ?? offset):x} (+{size}) runs past the {available} bytes of input; skipped");
            return null;
        }

        return ((long)start.Value, (long)size.Value);
    }

    private Node ParseTree(byte[] blob, Header hdr, Warnings warnings, ReadContext context)
    {
        var stack = new Stack<Node>();
        Node? root = null;
        int pos = (int)hdr.StructOffset;
        int structEnd = (int)(hdr.StructOffset + hdr.StructSize);
        int nodes = 0;
        string? broken = null;
        while (broken is null)
        {
            if (pos > structEnd - 4)
            {
                broken = "the structure block ends without FDT_END";
                break;
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
                            broken = "unterminated node name";
                            break;
                        }

                        if (++nodes > MaxNodes || stack.Count >= MaxDepth)
                        {
                            throw new CorruptDataException(Format, pos, $"more than {MaxNodes} nodes or deeper than {MaxDepth}");
                        }

                        if (stack.Count == 0 && root is not null)
                        {
                            broken = "a second root node";
                            break;
                        }

                        context.CancellationToken.ThrowIfCancellationRequested();
                        var node = new Node(EntryName.Decode(blob.AsSpan(pos, nul)), blob);
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
                        broken = "FDT_END_NODE without a node";
                        break;
                    }

                    stack.Pop();
                    break;
                case Prop:
                    {
                        if (pos > structEnd - 8 || stack.Count == 0)
                        {
                            broken = "a property outside a node or cut short";
                            break;
                        }

                        uint len = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(pos));
                        uint nameOff = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(pos + 4));
                        pos += 8;
                        if (len > (uint)(structEnd - pos))
                        {
                            broken = $"a property of {len} bytes at 0x{pos:x} runs past the structure block";
                            break;
                        }

                        var node = stack.Peek();
                        int value = pos;
                        pos = Align(pos + (int)len);
                        if (nameOff >= hdr.StringsSize)
                        {
                            warnings.Add($"fit at 0x0: node '{EntryName.Display(node.Name)}' has a property whose name offset {nameOff} is outside the strings block; ignored");
                            break;
                        }

                        var names = blob.AsSpan((int)(hdr.StringsOffset + nameOff), (int)(hdr.StringsSize - nameOff));
                        int nul = names.IndexOf((byte)0);
                        string name = EntryName.Decode(nul < 0 ? names : names[..nul]);
                        if (!node.Props.TryAdd(name, (value, (int)len)))
                        {
                            warnings.Add($"fit at 0x0: node '{EntryName.Display(node.Name)}' repeats property '{EntryName.Display(name)}'; the first is used");
                        }

                        break;
                    }

                case Nop:
                    break;
                case End:
                    if (stack.Count > 0)
                    {
                        warnings.Add($"fit at 0x0: FDT_END with {stack.Count} node(s) still open");
                    }

                    return root ?? throw new CorruptDataException(Format, pos, "empty device tree");
                default:
                    broken = $"unknown structure token 0x{token:x} at 0x{pos - 4:x}";
                    break;
            }
        }

        // A tree cut short keeps the nodes read so far: the images listed before the damage are still there.
        if (root is null)
        {
            throw new CorruptDataException(Format, pos, broken);
        }

        warnings.Add($"fit at 0x0: structure block is corrupt ({broken}); kept the {nodes} node(s) read before");
        return root;
    }

    private static int Align(int v) => (v + 3) & ~3;

    /// <summary>Warnings of one read, at most <see cref="Max"/> kept: a tree of 100,000 bad nodes says so once.</summary>
    private sealed class Warnings
    {
        private const int Max = 100;
        private readonly List<string> _list = [];
        private int _dropped;

        public void Add(string warning)
        {
            if (_list.Count < Max)
            {
                _list.Add(warning);
            }
            else
            {
                _dropped++;
            }
        }

        public List<string> ToList() =>
            _dropped == 0 ? _list : [.. _list, $"fit at 0x0: {_dropped} more warning(s) like these not shown"];
    }

    private sealed class Node(string name, byte[] blob)
    {
        public string Name { get; } = name;

        public Dictionary<string, (int Offset, int Length)> Props { get; } = new(StringComparer.Ordinal);

        public List<Node> Children { get; } = [];

        public Node? Child(string name) => Children.FirstOrDefault(c => c.Name == name);

        public string? StringProp(string key) =>
            Props.TryGetValue(key, out var p) ? Encoding.UTF8.GetString(blob.AsSpan(p.Offset, p.Length)).TrimEnd('\0').Replace('\0', ';') : null;

        /// <summary>A number of one or two cells (32 or 64 bits, #address-cells 1 or 2); null when absent or of another length.</summary>
        public ulong? Cells(string key, Warnings warnings)
        {
            if (!Props.TryGetValue(key, out var p))
            {
                return null;
            }

            switch (p.Length)
            {
                case 4:
                    return BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(p.Offset));
                case 8:
                    return BinaryPrimitives.ReadUInt64BigEndian(blob.AsSpan(p.Offset));
                default:
                    warnings.Add($"fit at 0x0: node '{EntryName.Display(Name)}' property '{key}' is {p.Length} bytes, not one or two cells; ignored");
                    return null;
            }
        }
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
