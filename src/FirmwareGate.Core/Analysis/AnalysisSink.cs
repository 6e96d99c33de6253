using System.Collections.Concurrent;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Analysis;

/// <summary>Where analysers put what they found: typed items and warnings. Thread-safe.</summary>
public sealed class AnalysisSink
{
    private readonly ConcurrentDictionary<Type, ConcurrentQueue<object>> _items = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly ConcurrentQueue<string> _notes = new();

    /// <summary>Adds one result (a component observation, ELF facts, a certificate...).</summary>
    public void Add<T>(T item)
        where T : class => _items.GetOrAdd(typeof(T), _ => new ConcurrentQueue<object>()).Enqueue(item);

    /// <summary>A problem reading a file: "LOCATION: analyser: message". Never include secret values.</summary>
    public void Warn(AnalysisTarget target, string analyzer, string message) =>
        _warnings.Enqueue($"{target.Location}: {analyzer}: {message}");

    /// <summary>
    /// Something odd about a file that did not stop its analysis (an ELF header that is not valid, while its
    /// strings were still read): reported, but the analysis stays complete. Never include secret values.
    /// </summary>
    public void Note(AnalysisTarget target, string analyzer, string message) =>
        _notes.Enqueue($"{target.Location}: {analyzer}: {message}");

    /// <summary>A problem not tied to one file.</summary>
    public void Warn(string analyzer, string message) => _warnings.Enqueue($"{analyzer}: {message}");

    internal IReadOnlyList<T> Items<T>() =>
        _items.TryGetValue(typeof(T), out var queue) ? [.. queue.Cast<T>()] : [];

    internal IReadOnlyList<string> Warnings => [.. _warnings];

    internal IReadOnlyList<string> Notes => [.. _notes];
}

/// <summary>Everything the walk (and the steps after it) reported.</summary>
public sealed class AnalysisResults(AnalysisSink sink)
{
    /// <summary>All items of one type, in no particular order: consumers sort.</summary>
    public IReadOnlyList<T> Items<T>() => sink.Items<T>();

    /// <summary>Warnings (what the analysis could not read), sorted.</summary>
    public IReadOnlyList<string> Warnings => [.. sink.Warnings.Order(StringComparer.Ordinal)];

    /// <summary>The unpacked layers the walk went over (steps read whole trees from them: modes, directories).</summary>
    public IReadOnlyList<Layer> Layers { get; init; } = [];

    /// <summary>CPU milliseconds of each analyser's own work in the walk, summed over workers ("elf-parse": the shared ELF parse).</summary>
    public IReadOnlyDictionary<string, long> CpuMsByAnalyser { get; init; } = new Dictionary<string, long>();

    /// <summary>Wall milliseconds of each step after the walk.</summary>
    public SortedDictionary<string, long> StepMs { get; } = new(StringComparer.Ordinal);

    /// <summary>CPU milliseconds, summed over workers, spent reading (decoding) the files the analysers asked for.</summary>
    public long ReadCpuMs { get; init; }

    /// <summary>CPU milliseconds, summed over workers, spent in the analysers themselves.</summary>
    public long AnalyseCpuMs { get; init; }

    /// <summary>Notes (odd files that were still analysed), sorted.</summary>
    public IReadOnlyList<string> Notes => [.. sink.Notes.Order(StringComparer.Ordinal)];
}
