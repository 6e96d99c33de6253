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
        var layers = AnalyzeRegion(image, depth: 0, context);
        AssignIdsAndLocations(layers, imageName);
        return layers;
    }

    private List<Layer> AnalyzeRegion(IByteSource region, int depth, ReadContext context)
    {
        var result = new List<Layer>();
        long pos = 0;
        var candidates = _scanner.Scan(region, 0, context.CancellationToken).GetEnumerator();
        try
        {
            while (candidates.MoveNext())
            {
                var (start, reader) = candidates.Current;
                if (start < pos)
                {
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
                var layer = ReadLayer(reader, slice, start, claimed, depth, bestEffort, context);
                if (layer is null)
                {
                    continue;
                }

                if (start > pos)
                {
                    result.AddRange(GapClassifier.Classify(region.Slice(pos, start - pos), pos, context.CancellationToken));
                }

                result.Add(layer);
                pos = start + layer.Size;

                // Resume scanning after the claimed layer instead of reading through it.
                candidates.Dispose();
                candidates = _scanner.Scan(region, pos, context.CancellationToken).GetEnumerator();
            }
        }
        finally
        {
            candidates.Dispose();
        }

        if (pos < region.Length)
        {
            result.AddRange(GapClassifier.Classify(region.SliceFrom(pos), pos, context.CancellationToken));
        }

        return result;
    }

    private Layer? ReadLayer(IFormatReader reader, IByteSource slice, long offset, long claimed, int depth, bool bestEffort, ReadContext context)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        Progress?.Report($"{reader.Format} at 0x{offset:x}");
        ReadResult read;
        try
        {
            read = reader.Read(slice, claimed, context);
        }
        catch (FirmwareFormatException e)
        {
            if (reader.WeakSignature || bestEffort)
            {
                LogSkipped(reader.Format, offset, e.Detail);
                return null;
            }

            // A stream of unknown length claims what the decoder consumed before it failed.
            long size = claimed > 0 ? Math.Min(claimed, slice.Length) : Math.Clamp(e.Offset, 1, slice.Length);
            var failed = new Layer { Format = reader.Format, Offset = offset, Size = size, Source = slice.Slice(0, size) };
            failed.Warnings.Add(e.Message);
            return failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A reader bug must not end the scan: record it on the layer and carry on.
            LogReaderBug(e, reader.Format, offset);
            if (bestEffort)
            {
                return null;
            }

            long size = claimed > 0 ? Math.Min(claimed, slice.Length) : 1;
            var failed = new Layer { Format = reader.Format, Offset = offset, Size = size, Source = slice.Slice(0, size) };
            failed.Warnings.Add($"{reader.Format} at 0x{offset:x}: internal error while reading ({e.GetType().Name}: {e.Message}); layer not analysed");
            return failed;
        }

        if (bestEffort && read.Warnings.Count > 0)
        {
            LogSkipped(reader.Format, offset, read.Warnings[0]);
            return null;
        }

        var layer = new Layer
        {
            Format = read.Format ?? reader.Format,
            Offset = offset,
            Size = Math.Clamp(read.Length, 1, slice.Length),
            Compression = read.Compression,
            FileSystem = read.FileSystem,
            Source = slice.Slice(0, Math.Clamp(read.Length, 1, slice.Length)),
            ChildrenAreCarved = read.Children.Count > 0 && read.Children.All(c => c.Carved),
        };
        foreach (var (k, v) in read.Details)
        {
            layer.Details[k] = v;
        }

        layer.Warnings.AddRange(read.Warnings);
        if (read.FileSystem is { } fs)
        {
            foreach (var rejected in fs.RejectedPaths)
            {
                layer.Warnings.Add($"{layer.Format} at 0x{offset:x}: entry '{rejected}' escapes the root; not extracted");
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
            return layer;
        }

        if (depth + 1 > context.Limits.MaxDepth)
        {
            context.Budget.Hit(new LimitExceededException(layer.Format, offset, "depth", "depth"));
            layer.Warnings.Add($"{layer.Format} at 0x{offset:x}: nesting deeper than {context.Limits.MaxDepth} layers (--max-depth); contents not analysed");
            return layer;
        }

        foreach (var child in children)
        {
            try
            {
                AddChild(layer, child, depth + 1, context);
            }
            catch (FirmwareFormatException e)
            {
                layer.Warnings.Add(e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReaderBug(e, layer.Format, offset);
                layer.Warnings.Add($"{layer.Format} at 0x{offset:x}: internal error while analysing '{child.Name ?? "content"}' ({e.GetType().Name}: {e.Message})");
            }
        }

        return layer;
    }

    private void AddChild(Layer parent, ChildBlob child, int depth, ReadContext context)
    {
        var regions = AnalyzeRegion(child.Data, depth, context);
        bool single = regions.Count == 1 && regions[0].IsRecognised;
        bool anyRecognised = regions.Any(r => r.IsRecognised);
        if (child.ExpectedFormat is { } expected && !(regions.Count > 0 && regions[0].Offset == 0 && regions[0].Format == expected))
        {
            parent.Warnings.Add($"{parent.Format}: header says '{child.Name ?? "payload"}' is {expected}-compressed, but no {expected} stream starts there");
        }

        if (!anyRecognised && !child.KeepUnrecognised)
        {
            return;
        }

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
            };
            CopyInto(only, placed, child);
            parent.Children.Add(placed);
            return;
        }

        if (child.Label is null && child.Name is null)
        {
            foreach (var r in regions)
            {
                parent.Children.Add(Shift(r, child.Offset ?? 0));
            }

            return;
        }

        var wrapper = new Layer
        {
            Format = child.Label ?? "file",
            Offset = child.Offset,
            Name = child.Name,
            Size = child.Data.Length,
            Source = child.Data,
            ChildrenAreCarved = true,
        };
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
    }

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
            Assign(layer, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"{imageName}@0x{layer.Offset ?? 0:x}:", "");
        }
    }

    private static void Assign(Layer layer, string id, string prefix, string chain)
    {
        layer.Id = id;
        string step = layer.Compression is { } c && layer.FileSystem is not null ? $"{layer.Format}({c})" : layer.Format;
        string here = chain.Length == 0 ? step : chain + "/" + step;
        layer.Location = prefix + here;
        for (int i = 0; i < layer.Children.Count; i++)
        {
            Assign(layer.Children[i], id + "." + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), prefix, here);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reader bug in {Format} at {Offset}")]
    private partial void LogReaderBug(Exception exception, string format, long offset);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped {Format} candidate at {Offset}: {Reason}")]
    private partial void LogSkipped(string format, long offset, string reason);
}
