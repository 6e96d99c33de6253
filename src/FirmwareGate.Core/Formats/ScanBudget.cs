namespace FirmwareGate.Core.Formats;

/// <summary>Thread-safe running totals checked against <see cref="ReadLimits"/>.</summary>
public sealed class ScanBudget(ReadLimits limits)
{
    private long _bytes;
    private long _files;
    private long _layers;
    private long _streams;
    private readonly List<string> _limitsHit = [];

    /// <summary>The limits.</summary>
    public ReadLimits Limits { get; } = limits;

    /// <summary>Bytes produced so far.</summary>
    public long BytesProduced => Interlocked.Read(ref _bytes);

    /// <summary>Entries seen so far.</summary>
    public long Files => Interlocked.Read(ref _files);

    /// <summary>Layers kept so far.</summary>
    public long Layers => Interlocked.Read(ref _layers);

    /// <summary>True once the layer count has reached <see cref="ReadLimits.MaxLayers"/>: nothing more is analysed.</summary>
    public bool LayersExhausted => Interlocked.Read(ref _layers) >= Limits.MaxLayers;

    /// <summary>Limits that were reached, in the order they were hit.</summary>
    public IReadOnlyList<string> LimitsHit
    {
        get
        {
            lock (_limitsHit)
            {
                return [.. _limitsHit];
            }
        }
    }

    /// <summary>Accounts for decoded or extracted bytes; throws when the total is exceeded.</summary>
    public void AddBytes(long count, string format, long offset)
    {
        if (Interlocked.Add(ref _bytes, count) > Limits.MaxTotalBytes)
        {
            throw Hit(new LimitExceededException(format, offset, "totalBytes",
                $"total output exceeds {Limits.MaxTotalBytes} bytes (--max-total-bytes)"));
        }
    }

    /// <summary>Accounts for one more entry; throws when the count is exceeded.</summary>
    public void AddFile(string format, long offset)
    {
        if (Interlocked.Increment(ref _files) > Limits.MaxFiles)
        {
            throw Hit(new LimitExceededException(format, offset, "files",
                $"more than {Limits.MaxFiles} entries (--max-files)"));
        }
    }

    /// <summary>
    /// Accounts for one more layer in the tree. The engine checks <see cref="LayersExhausted"/> before
    /// it reads or analyses anything new, so the tree stays within the limit plus the containers
    /// still open when it was reached.
    /// </summary>
    public void AddLayer() => Interlocked.Increment(ref _layers);

    /// <summary>
    /// Accounts for one more compressed stream set up (bzip2 streams, each costing a decoder set-up);
    /// false once <paramref name="max"/> were counted in this scan.
    /// </summary>
    public bool TryAddStream(long max) => Interlocked.Increment(ref _streams) <= max;

    /// <summary>The exception for the layer limit, recorded as hit.</summary>
    public LimitExceededException LayerLimit(string format, long offset) =>
        Hit(new LimitExceededException(format, offset, "layers", $"more than {Limits.MaxLayers} layers (--max-layers)"));

    /// <summary>Records a limit exception and returns it for throwing.</summary>
    public LimitExceededException Hit(LimitExceededException e)
    {
        lock (_limitsHit)
        {
            if (!_limitsHit.Contains(e.Limit))
            {
                _limitsHit.Add(e.Limit);
            }
        }

        return e;
    }
}
