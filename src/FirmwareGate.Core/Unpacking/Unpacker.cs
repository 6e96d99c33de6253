using System.Runtime.CompilerServices;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FirmwareGate.Core.Unpacking;

/// <summary>
/// Takes an image apart: scans for signatures, reads each recognised layer with its reader,
/// recurses into what the layer contains, and leaves the rest as padding or unknown regions.
/// </summary>
public sealed partial class Unpacker
{
    private const long MinMemberSize = 64;
    private const int MaxRejectedListed = 50;

    /// <summary>
    /// Carved parts of one source may be analysed up to this many times its size in all: nesting
    /// (trx, uImage, kernel) analyses a byte once per level, overlapping parts (FIT images over
    /// shared bytes, each a little shorter) would otherwise analyse it once per part.
    /// </summary>
    private const int MaxReanalysis = 16;

    /// <summary>Candidates of one format that may fail to read in a scan before the rest are not tried.</summary>
    private const int MaxFailures = 256;
    private readonly FormatRegistry _registry;
    private readonly SignatureScanner _scanner;
    private readonly ILogger _logger;

    /// <summary>Creates an unpacker over a registry.</summary>
    public Unpacker(FormatRegistry registry, ILogger? logger = null)
    {
        _registry = registry;
        _scanner = new SignatureScanner(registry);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Reports the location of each layer as it starts.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Analyses a whole image; returns its top-level regions (recognised layers, padding, unknown).</summary>
    public IReadOnlyList<Layer> Unpack(IByteSource image, string imageName, ReadContext context)
    {
        var walk = new Walk(context);
        var layers = AnalyzeRegion(image, depth: 0, walk, owner: null, carved: false);
        if (layers.Count > 0)
        {
            layers[0].Warnings.AddRange(walk.Unplaced);
        }

        AssignIdsAndLocations(layers, imageName);
        walk.ReferToEarlierLayers();
        return layers;
    }

    /// <param name="region">Bytes to analyse.</param>
    /// <param name="depth">Nesting depth of the region.</param>
    /// <param name="walk">State of the whole unpack.</param>
    /// <param name="owner">The layer the region belongs to (for warnings); null for the image.</param>
    /// <param name="carved">True when the region is a carved part of a container, whose bytes another part may share.</param>
    private List<Layer> AnalyzeRegion(IByteSource region, int depth, Walk walk, Layer? owner, bool carved)
    {
        var context = walk.Context;
        var result = new List<Layer>();
        long pos = 0;

        // A candidate that was read and dropped cost up to the bytes it claimed; later candidates of the
        // same format inside those bytes are skipped, so a region packed with headers that each claim
        // the rest of it costs one read of the region per format, not one per header.
        Dictionary<IFormatReader, long>? skipUntil = null;
        using (var cursor = _scanner.Open(region))
        {
            while (cursor.TryNext(pos, context.CancellationToken, out var candidate))
            {
                var (start, reader) = candidate;
                if (skipUntil is not null && skipUntil.TryGetValue(reader, out long skip) && start < skip)
                {
                    continue;
                }

                if (context.Budget.LayersExhausted)
                {
                    walk.RefuseLayers(owner ?? result.LastOrDefault(l => l.IsRecognised), reader.Format, start, "the rest of the region is not analysed");
                    break;
                }

                // Carved parts may overlap (FIT images naming shared bytes): a header read before at the
                // same bytes is not read again, so overlapping parts cost one read, not one per part.
                (ByteRange, IFormatReader)? key = carved ? (ByteRange.Of(region, start, 0), reader) : null;
                if (key is { } seen && walk.Reads.TryGetValue(seen, out var before))
                {
                    if (before.Layer is null || before.Layer.Size > region.Length - start)
                    {
                        // Dropped before, or cut short here: what it was is known; skip.
                        (skipUntil ??= [])[reader] = start + Math.Max(1, before.Examined);
                        continue;
                    }

                    if (start > pos)
                    {
                        result.AddRange(GapClassifier.Classify(region.Slice(pos, start - pos), pos, context.CancellationToken));
                    }

                    result.Add(walk.CopyOf(before.Layer, start));
                    pos = start + before.Layer.Size;
                    continue;
                }

                var slice = region.SliceFrom(start);
                if (!reader.TryIdentify(slice, out long claimed))
                {
                    continue;
                }

                // Hits deep inside nested data (a decompressed kernel) are carved best-effort: one that
                // fails to read is most likely a magic number inside code or data, not a broken layer.
                bool bestEffort = depth > 0 && start > 0;
                if (!walk.MayTry(reader, owner ?? result.LastOrDefault(l => l.IsRecognised)))
                {
                    continue;
                }
                var (layer, examined) = ReadLayer(reader, slice, start, claimed, depth, bestEffort, walk);
                if (key is { } read)
                {
                    walk.Reads[read] = (layer, examined);
                }

                if (layer is null)
                {
                    if (examined > 0)
                    {
                        (skipUntil ??= [])[reader] = start + examined;
                    }

                    continue;
                }

                if (start > pos)
                {
                    result.AddRange(GapClassifier.Classify(region.Slice(pos, start - pos), pos, context.CancellationToken));
                }

                result.Add(layer);

                // Resume scanning after the claimed layer instead of reading through it.
                pos = start + layer.Size;
            }
        }

        if (pos < region.Length)
        {
            result.AddRange(GapClassifier.Classify(region.SliceFrom(pos), pos, context.CancellationToken));
        }

        return result;
    }

    /// <summary>Reads one candidate; a dropped one returns no layer and the bytes its read went through.</summary>
    private (Layer? Layer, long Examined) ReadLayer(IFormatReader reader, IByteSource slice, long offset, long claimed, int depth, bool bestEffort, Walk walk)
    {
        var context = walk.Context;
        context.CancellationToken.ThrowIfCancellationRequested();
        Progress?.Report($"{reader.Format} at 0x{offset:x}");
        long claimedHere = claimed > 0 ? Math.Min(claimed, slice.Length) : 0;
        ReadResult read;
        try
        {
            read = reader.Read(slice, claimed, context);
        }
        catch (FirmwareFormatException e)
        {
            walk.Failed(reader);
            if (reader.WeakSignature || bestEffort)
            {
                // A stream reader's error offset is the input its decoder pulled before failing.
                LogSkipped(reader.Format, offset, e.Detail);
                return (null, claimed > 0 ? claimedHere : Math.Clamp(e.Offset, 1, Math.Max(1, slice.Length)));
            }

            // A stream of unknown length claims what the decoder consumed before it failed.
            long size = claimed > 0 ? Math.Min(claimed, slice.Length) : Math.Clamp(e.Offset, 1, slice.Length);
            var failed = new Layer { Format = reader.Format, Offset = offset, Size = size, Source = slice.Slice(0, size) };
            failed.Warnings.Add(e.Message);
            context.Budget.AddLayer();
            return (failed, size);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A reader bug must not end the scan: record it on the layer and carry on.
            walk.Failed(reader);
            LogReaderBug(e, reader.Format, offset);
            if (bestEffort)
            {
                return (null, claimedHere);
            }

            long size = claimed > 0 ? Math.Min(claimed, slice.Length) : 1;
            var failed = new Layer { Format = reader.Format, Offset = offset, Size = size, Source = slice.Slice(0, size) };
            failed.Warnings.Add($"{reader.Format} at 0x{offset:x}: internal error while reading ({e.GetType().Name}: {e.Message}); layer not analysed");
            context.Budget.AddLayer();
            return (failed, size);
        }

        long length = Math.Clamp(read.Length, 1, slice.Length);
        if (bestEffort && read.Warnings.Count > 0)
        {
            walk.Failed(reader);
            LogSkipped(reader.Format, offset, read.Warnings[0]);
            return (null, Math.Max(length, claimedHere));
        }

        var layer = new Layer
        {
            Format = read.Format ?? reader.Format,
            Offset = offset,
            Size = length,
            Compression = read.Compression,
            FileSystem = read.FileSystem,
            Source = slice.Slice(0, length),
            ChildrenAreCarved = read.Children.Count > 0 && read.Children.All(c => c.Carved),
        };
        context.Budget.AddLayer();
        foreach (var (k, v) in read.Details)
        {
            layer.Details[k] = v;
        }

        layer.Warnings.AddRange(read.Warnings);
        if (read.FileSystem is { } fs)
        {
            // A listing full of "../" names must not become a report of 500,000 lines: the first few, then a count.
            foreach (var rejected in fs.RejectedPaths.Take(MaxRejectedListed))
            {
                layer.Warnings.Add($"{layer.Format} at 0x{offset:x}: entry '{EntryName.Display(rejected)}' escapes the root; not extracted");
            }

            if (fs.RejectedPaths.Count > MaxRejectedListed)
            {
                layer.Warnings.Add($"{layer.Format} at 0x{offset:x}: {fs.RejectedPaths.Count - MaxRejectedListed} more entries escape the root; not extracted");
            }

            if (fs.AbsoluteNames.Count > 0)
            {
                // Not a loss of data (the name is rooted in the layer), so a detail rather than a warning.
                layer.Details["absoluteNames"] = $"{fs.AbsoluteNames.Count} (first: {fs.AbsoluteNames[0]}); extracted below the root";
            }
        }

        var children = new List<ChildBlob>(read.Children);
        if (read.AnalyseMembers && read.FileSystem is not null)
        {
            children.AddRange(read.FileSystem.Entries
                .Where(e => e.Type == EntryType.File && e.Content is not null && e.Size >= MinMemberSize && e.HardLinkTo is null)
                .Select(e => new ChildBlob(e.Content!, null, e.Path.TrimStart('/'), KeepUnrecognised: false))); // Content is set for files.
        }

        if (children.Count == 0)
        {
            return (layer, length);
        }

        if (depth + 1 > context.Limits.MaxDepth)
        {
            context.Budget.Hit(new LimitExceededException(layer.Format, offset, "depth", "depth"));
            layer.Warnings.Add($"{layer.Format} at 0x{offset:x}: nesting deeper than {context.Limits.MaxDepth} layers (--max-depth); contents not analysed");
            return (layer, length);
        }

        // While its children are analysed, this layer's bytes (and the bytes its header claimed) are
        // being analysed: a carved child that covers them points back into its ancestor.
        int pushed = walk.Enter(ByteRange.Of(slice, 0, length));
        if (claimedHere > 0 && claimedHere != length)
        {
            pushed += walk.Enter(ByteRange.Of(slice, 0, claimedHere));
        }

        try
        {
            for (int i = 0; i < children.Count; i++)
            {
                if (context.Budget.LayersExhausted)
                {
                    walk.RefuseLayers(layer, layer.Format, offset, $"{children.Count - i} of its {children.Count} parts not analysed");
                    break;
                }

                var child = children[i];
                try
                {
                    AddChild(layer, child, depth + 1, walk);
                }
                catch (FirmwareFormatException e)
                {
                    layer.Warnings.Add(e.Message);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogReaderBug(e, layer.Format, offset);
                    layer.Warnings.Add($"{layer.Format} at 0x{offset:x}: internal error while analysing {Describe(child)} ({e.GetType().Name}: {e.Message})");
                }
            }
        }
        finally
        {
            walk.Leave(pushed);
        }

        return (layer, length);
    }

    private void AddChild(Layer parent, ChildBlob child, int depth, Walk walk)
    {
        ByteRange? range = null;
        if (child.Carved)
        {
            var r = ByteRange.Of(child.Data, 0, child.Data.Length);
            if (walk.Covered(r) is { } ancestor)
            {
                parent.Warnings.Add($"{parent.Format}: {Describe(child)} covers bytes 0x{r.Start:x}..0x{r.Start + r.Length:x} that contain its own container "
                    + $"(0x{ancestor.Start:x}..0x{ancestor.Start + ancestor.Length:x}, still being analysed): a loop; not analysed");
                return;
            }

            if (walk.Analysed.TryGetValue(r, out var earlier))
            {
                AddCopy(parent, child, earlier, walk);
                return;
            }

            if (!walk.Charge(r))
            {
                parent.Warnings.Add($"{parent.Format}: {Describe(child)} not analysed: parts overlap, and the bytes they share have already "
                    + $"been analysed {MaxReanalysis} times over");
                return;
            }

            range = r;
        }

        List<Layer> regions;
        int pushed = range is { } entered ? walk.Enter(entered) : 0;
        try
        {
            regions = AnalyzeRegion(child.Data, depth, walk, parent, child.Carved);
        }
        finally
        {
            walk.Leave(pushed);
        }

        var kept = Place(parent, child, regions, walk);
        if (range is { } analysed)
        {
            walk.Analysed[analysed] = kept;
        }
    }

    /// <summary>Puts the regions found in a child under its parent; returns the layer that stands for the child.</summary>
    private static Layer? Place(Layer parent, ChildBlob child, List<Layer> regions, Walk walk)
    {
        bool single = regions.Count == 1 && regions[0].IsRecognised;
        bool anyRecognised = regions.Any(r => r.IsRecognised);
        if (child.ExpectedFormat is { } expected && !(regions.Count > 0 && regions[0].Offset == 0 && regions[0].Format == expected))
        {
            parent.Warnings.Add($"{parent.Format}: header says {Describe(child)} is {expected}-compressed, but no {expected} stream starts there");
        }

        if (!anyRecognised && !child.KeepUnrecognised)
        {
            return null;
        }

        long? carvedOffset = child.Carved ? child.CarvedOffset ?? child.Offset : null;
        if (single && (child.Label is null || child.Label == regions[0].Format))
        {
            var only = regions[0];
            var placed = new Layer
            {
                Format = only.Format,
                Offset = child.Offset,
                Name = child.Name,
                Size = only.Size,
                Compression = only.Compression,
                FileSystem = only.FileSystem,
                Source = only.Source,
                Entropy = only.Entropy,
                HighEntropyBytes = only.HighEntropyBytes,
                ChildrenAreCarved = only.ChildrenAreCarved,
                CarvedOffset = carvedOffset,
            };
            CopyInto(only, placed, child);
            parent.Children.Add(placed);
            return placed;
        }

        if (child.Label is null && child.Name is null)
        {
            foreach (var r in regions)
            {
                parent.Children.Add(Shift(r, child.Offset ?? child.CarvedOffset ?? 0));
            }

            return regions.Count > 0 ? parent.Children[^regions.Count] : null;
        }

        var wrapper = new Layer
        {
            Format = child.Label ?? "file",
            Offset = child.Offset,
            Name = child.Name,
            Size = child.Data.Length,
            Source = child.Data,
            ChildrenAreCarved = true,
            CarvedOffset = carvedOffset,
        };
        walk.Context.Budget.AddLayer();
        CopyInto(null, wrapper, child);
        if (regions.Count == 1 && !regions[0].IsRecognised)
        {
            wrapper.Entropy = regions[0].Entropy;
            wrapper.HighEntropyBytes = regions[0].HighEntropyBytes;
            wrapper.Details["content"] = regions[0].Format;
        }
        else
        {
            wrapper.Children.AddRange(regions);
        }

        parent.Children.Add(wrapper);
        return wrapper;
    }

    /// <summary>
    /// A carved child whose bytes were analysed before (two FIT nodes naming the same data): kept as a
    /// member without content, pointing at the layer that holds the analysis.
    /// </summary>
    private static void AddCopy(Layer parent, ChildBlob child, Layer? earlier, Walk walk)
    {
        var copy = new Layer
        {
            Format = child.Label ?? "file",
            Offset = child.Offset,
            Name = child.Name,
            Size = child.Data.Length,
            CarvedOffset = child.CarvedOffset ?? child.Offset,
        };
        CopyInto(null, copy, child);
        walk.Context.Budget.AddLayer();
        walk.Copies.Add((copy, earlier));
        parent.Children.Add(copy);
    }

    private static string Describe(ChildBlob child) =>
        child.Name is { } name ? $"'{EntryName.Display(name)}'" : child.Offset is { } o ? $"part at 0x{o:x}" : "content";

    private static void CopyInto(Layer? from, Layer to, ChildBlob child)
    {
        if (from is not null)
        {
            foreach (var (k, v) in from.Details)
            {
                to.Details[k] = v;
            }

            to.Warnings.AddRange(from.Warnings);
            to.Children.AddRange(from.Children);
        }

        if (child.Details is not null)
        {
            foreach (var (k, v) in child.Details)
            {
                to.Details[k] = v;
            }
        }
    }

    private static Layer Shift(Layer layer, long by)
    {
        if (by == 0)
        {
            return layer;
        }

        var moved = new Layer
        {
            Format = layer.Format,
            Offset = layer.Offset + by,
            Name = layer.Name,
            Size = layer.Size,
            Compression = layer.Compression,
            FileSystem = layer.FileSystem,
            Source = layer.Source,
            Entropy = layer.Entropy,
            HighEntropyBytes = layer.HighEntropyBytes,
            ChildrenAreCarved = layer.ChildrenAreCarved,
        };
        foreach (var (k, v) in layer.Details)
        {
            moved.Details[k] = v;
        }

        moved.Warnings.AddRange(layer.Warnings);
        moved.Children.AddRange(layer.Children);
        return moved;
    }

    private static void AssignIdsAndLocations(IReadOnlyList<Layer> top, string imageName)
    {
        for (int i = 0; i < top.Count; i++)
        {
            var layer = top[i];
            Assign(layer, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), imageName, layer.Offset ?? 0, exact: true, "");
        }
    }

    /// <summary>
    /// Ids and locations. A location's offset is where the layer starts in the image while every layer above it
    /// was carved from its parent's bytes (<c>router.trx@0x4bb9d4:trx/squashfs(xz)</c>); below a decoded layer
    /// (a gzip stream's content) it stays the offset of the last layer carved from the image.
    /// </summary>
    private static void Assign(Layer layer, string id, string imageName, long offset, bool exact, string chain)
    {
        layer.Id = id;
        string step = layer.Compression is { } c && layer.FileSystem is not null ? $"{layer.Format}({c})" : layer.Format;
        string here = chain.Length == 0 ? step : chain + "/" + step;
        layer.Location = $"{imageName}@0x{offset:x}:{here}";
        for (int i = 0; i < layer.Children.Count; i++)
        {
            var child = layer.Children[i];
            bool childExact = exact && layer.ChildrenAreCarved && (child.CarvedOffset ?? child.Offset) is not null;
            long childOffset = childExact ? offset + (child.CarvedOffset ?? child.Offset)!.Value : offset;
            Assign(child, id + "." + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), imageName, childOffset, childExact, here);
        }
    }

    /// <summary>What one <see cref="Unpack"/> call tracks across the tree.</summary>
    private sealed class Walk(ReadContext context)
    {
        private readonly List<ByteRange> _active = [];
        private bool _refused;

        public ReadContext Context { get; } = context;

        /// <summary>Carved children analysed so far, by their bytes, with the layer that stands for each.</summary>
        public Dictionary<ByteRange, Layer?> Analysed { get; } = [];

        /// <summary>Children whose bytes were analysed earlier, with that earlier layer.</summary>
        public List<(Layer Copy, Layer? Earlier)> Copies { get; } = [];

        /// <summary>Headers read inside carved parts, by bytes and reader, with what the read gave.</summary>
        public Dictionary<(ByteRange At, IFormatReader Reader), (Layer? Layer, long Examined)> Reads { get; } = [];

        /// <summary>Bytes of carved parts analysed so far, per source.</summary>
        private Dictionary<object, long> Charged { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>Counts a carved part's bytes against its source's re-analysis allowance; false once it is spent.</summary>
        public bool Charge(ByteRange range)
        {
            long size = range.Root switch
            {
                IByteSource source => source.Length,
                byte[] array => array.LongLength,
                _ => 0,
            };
            long allowance = (MaxReanalysis * Math.Max(size, range.Start + range.Length)) + (1L << 20);
            long spent = Charged.GetValueOrDefault(range.Root) + range.Length;
            if (spent > allowance)
            {
                return false;
            }

            Charged[range.Root] = spent;
            return true;
        }

        /// <summary>A layer for bytes read before at another place in the tree: no content, pointing at the first.</summary>
        public Layer CopyOf(Layer earlier, long offset)
        {
            var copy = new Layer { Format = earlier.Format, Offset = offset, Size = earlier.Size, Compression = earlier.Compression };
            Context.Budget.AddLayer();
            Copies.Add((copy, earlier));
            return copy;
        }

        /// <summary>Candidates that failed to read so far, per reader.</summary>
        private Dictionary<IFormatReader, int> Drops { get; } = [];

        public void Failed(IFormatReader reader) => Drops[reader] = Drops.GetValueOrDefault(reader) + 1;

        /// <summary>
        /// False once <see cref="MaxFailures"/> candidates of this reader failed to read: each costs a
        /// decoder set-up (milliseconds for bzip2), and an image of nothing but fake headers would
        /// otherwise cost that every few bytes. Warns the first time.
        /// </summary>
        public bool MayTry(IFormatReader reader, Layer? at)
        {
            int drops = Drops.GetValueOrDefault(reader);
            if (drops < MaxFailures)
            {
                return true;
            }

            if (drops == MaxFailures)
            {
                Drops[reader] = drops + 1;
                string message = $"{reader.Format}: {MaxFailures} headers that looked like {reader.Format} failed to read; further ones are not tried (an image full of fake headers)";
                if (at is null)
                {
                    Unplaced.Add(message);
                }
                else
                {
                    at.Warnings.Add(message);
                }
            }

            return false;
        }

        /// <summary>Warnings raised before any layer existed to carry them.</summary>
        public List<string> Unplaced { get; } = [];

        /// <summary>Marks bytes as being analysed until the matching <see cref="Leave"/>; returns 1.</summary>
        public int Enter(ByteRange range)
        {
            _active.Add(range);
            return 1;
        }

        public void Leave(int count) => _active.RemoveRange(_active.Count - count, count);

        /// <summary>The innermost range being analysed that <paramref name="range"/> covers, if any.</summary>
        public ByteRange? Covered(ByteRange range)
        {
            for (int i = _active.Count - 1; i >= 0; i--)
            {
                if (range.Covers(_active[i]))
                {
                    return _active[i];
                }
            }

            return null;
        }

        /// <summary>Records the layer limit; the first refusal carries the warning.</summary>
        public void RefuseLayers(Layer? at, string format, long offset, string what)
        {
            var limit = Context.Budget.LayerLimit(format, offset);
            if (_refused)
            {
                return;
            }

            _refused = true;
            string message = $"{limit.Message}; {what}";
            if (at is null)
            {
                Unplaced.Add(message);
            }
            else
            {
                at.Warnings.Add(message);
            }
        }

        /// <summary>Once ids are known, points each copy at the layer that was analysed.</summary>
        public void ReferToEarlierLayers()
        {
            foreach (var (copy, earlier) in Copies)
            {
                if (earlier is null)
                {
                    copy.Warnings.Add("same bytes as an earlier part; analysed once");
                    continue;
                }

                copy.Details["sameAs"] = earlier.Id;
                copy.Warnings.Add($"same bytes as layer {earlier.Id} ({earlier.Location}); analysed once, there");
            }
        }
    }

    /// <summary>Bytes of the outermost source (or decoded buffer) they live in, compared by identity.</summary>
    private readonly record struct ByteRange(object Root, long Start, long Length)
    {
        public static ByteRange Of(IByteSource source, long offset, long length)
        {
            var (root, at) = SliceByteSource.Resolve(source);
            return new(root, at + offset, length);
        }

        public bool Covers(ByteRange other) =>
            ReferenceEquals(Root, other.Root) && Start <= other.Start && Start + Length >= other.Start + other.Length;

        public bool Equals(ByteRange other) => ReferenceEquals(Root, other.Root) && Start == other.Start && Length == other.Length;

        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(Root), Start, Length);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reader bug in {Format} at {Offset}")]
    private partial void LogReaderBug(Exception exception, string format, long offset);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped {Format} candidate at {Offset}: {Reason}")]
    private partial void LogSkipped(string format, long offset, string reason);
}
