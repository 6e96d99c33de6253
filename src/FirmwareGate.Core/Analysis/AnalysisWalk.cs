using System.Collections.Concurrent;
using System.Diagnostics;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Analysis;

/// <summary>
/// The one walk over the unpacked tree: every regular file of every filesystem and archive, and every
/// raw leaf layer (kernels, boot loaders, unknown regions), is offered to each analyser; a file that any
/// analyser wants is read once and handed to all that asked. Files are processed in parallel; each
/// worker holds at most one file in memory (up to <see cref="MaxInMemoryBytes"/>), so memory is bounded
/// by the worker count, not by the image.
/// </summary>
public sealed class AnalysisWalk(IReadOnlyList<IFileAnalyzer> analyzers, IReadOnlyList<IAnalysisStep>? steps = null)
{
    /// <summary>Largest file held in memory whole; larger ones are read in chunks.</summary>
    public long MaxInMemoryBytes { get; init; } = 64L << 20;

    /// <summary>Parallel workers; the processor count by default.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Reports progress ("analysing 1200/5400 files").</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Runs every analyser over the layers, then the steps.</summary>
    public AnalysisResults Run(IEnumerable<Layer> layers, CancellationToken ct)
    {
        var sink = new AnalysisSink();
        var timing = new WalkTiming();
        var layerList = layers as IReadOnlyList<Layer> ?? [.. layers];
        var targets = Targets(layerList).ToList();
        int done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Workers), CancellationToken = ct };
        Parallel.ForEach(Partition(targets), options, target =>
        {
            AnalyzeOne(target, sink, timing, ct);
            int n = Interlocked.Increment(ref done);
            if (n % 500 == 0)
            {
                Progress?.Report($"analysing files {n}/{targets.Count}");
            }
        });

        var results = new AnalysisResults(sink) { ReadCpuMs = timing.ReadMs, AnalyseCpuMs = timing.AnalyseMs, Layers = layerList, CpuMsByAnalyser = timing.ByAnalyserMs };
        foreach (var step in steps ?? [])
        {
            ct.ThrowIfCancellationRequested();
            long started = Stopwatch.GetTimestamp();
            try
            {
                step.Run(results, sink);
                results.StepMs[step.Name] = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                sink.Warn(step.Name, $"failed: {e.Message}");
            }
        }

        return results;
    }

    /// <summary>Regular files with content, and raw leaf layers, in tree order.</summary>
    internal static IEnumerable<AnalysisTarget> Targets(IEnumerable<Layer> layers)
    {
        foreach (var (layer, ancestors) in layers.SelectMany(l => WithAncestors(l, [])))
        {
            if (layer.FileSystem is { } fs)
            {
                foreach (var entry in fs.Entries)
                {
                    if (entry.Type == EntryType.File && entry.HardLinkTo is null && entry.Content is { } content)
                    {
                        yield return new AnalysisTarget(layer, entry, content, ancestors);
                    }
                }
            }
            else if (layer.Children.Count == 0 && layer.Format != LayerFormats.Padding && layer.Source is { } source && source.Length > 0)
            {
                yield return new AnalysisTarget(layer, null, source, ancestors);
            }
        }
    }

    // Depth first, like Layer.Descendants, with the chain of layers above each one.
    private static IEnumerable<(Layer Layer, IReadOnlyList<Layer> Ancestors)> WithAncestors(Layer layer, IReadOnlyList<Layer> above)
    {
        yield return (layer, above);
        IReadOnlyList<Layer> chain = [.. above, layer];
        foreach (var child in layer.Children)
        {
            foreach (var item in WithAncestors(child, chain))
            {
                yield return item;
            }
        }
    }

    // Tree order, handed out in growing chunks of neighbours: files stored next to each other (small files
    // sharing one SquashFS fragment block) go to the same worker, whose block cache then decodes that block
    // once; chunks are taken on demand, so a large file does not leave the other workers idle.
    private static OrderablePartitioner<AnalysisTarget> Partition(List<AnalysisTarget> targets) =>
        Partitioner.Create(targets, loadBalance: true);

    private void AnalyzeOne(AnalysisTarget target, AnalysisSink sink, WalkTiming timing, CancellationToken ct)
    {
        Span<byte> headBuffer = stackalloc byte[AnalyzedFile.HeadLength];
        int headLength;
        long started = Stopwatch.GetTimestamp();
        try
        {
            headLength = target.Content.ReadFully(0, headBuffer);
            timing.AddRead(Stopwatch.GetTimestamp() - started);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            sink.Warn(target, "walk", $"cannot read: {e.Message}");
            return;
        }

        ReadOnlySpan<byte> head = headBuffer[..headLength];
        List<IFileAnalyzer>? wanting = null;
        foreach (var analyzer in analyzers)
        {
            if (analyzer.Wants(target, head))
            {
                (wanting ??= []).Add(analyzer);
            }
        }

        if (wanting is null)
        {
            return;
        }

        using var file = new AnalyzedFile(target, MaxInMemoryBytes, ct);
        started = Stopwatch.GetTimestamp();
        foreach (var analyzer in wanting)
        {
            ct.ThrowIfCancellationRequested();
            long before = Stopwatch.GetTimestamp(), shared = file.ReadTicks + file.ElfTicks;
            try
            {
                analyzer.Analyze(file, sink);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                sink.Warn(target, analyzer.Name, $"{e.GetType().Name}: {e.Message}");
            }

            // The first analyser to touch the bytes or the ELF pays for them: counted apart, not as its own work.
            timing.AddAnalyser(analyzer.Name, Stopwatch.GetTimestamp() - before - (file.ReadTicks + file.ElfTicks - shared));
        }

        long total = Stopwatch.GetTimestamp() - started;
        timing.AddRead(file.ReadTicks);
        timing.AddAnalyse(total - file.ReadTicks);
        timing.AddAnalyser("elf-parse", file.ElfTicks);
    }

    /// <summary>CPU time of the walk, summed over workers: reading (decoding) files versus analysing them.</summary>
    private sealed class WalkTiming
    {
        private readonly ConcurrentDictionary<string, long> _byAnalyser = new(StringComparer.Ordinal);
        private long _read;
        private long _analyse;

        public SortedDictionary<string, long> ByAnalyserMs =>
            new(_byAnalyser.ToDictionary(kv => kv.Key, kv => kv.Value * 1000 / Stopwatch.Frequency), StringComparer.Ordinal);

        public void AddAnalyser(string name, long ticks) => _byAnalyser.AddOrUpdate(name, ticks, (_, t) => t + ticks);

        public long ReadMs => Interlocked.Read(ref _read) * 1000 / Stopwatch.Frequency;

        public long AnalyseMs => Interlocked.Read(ref _analyse) * 1000 / Stopwatch.Frequency;

        public void AddRead(long ticks) => Interlocked.Add(ref _read, ticks);

        public void AddAnalyse(long ticks) => Interlocked.Add(ref _analyse, ticks);
    }
}
