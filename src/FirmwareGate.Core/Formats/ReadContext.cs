using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>What readers share during one scan: limits, budget, scratch space, cancellation.</summary>
public sealed class ReadContext : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly string _scratchDirectory;
    private int _scratchCounter;
    private ScratchFile? _scratch;
    private long _inMemoryBytes;
    private long _peakInMemoryBytes;

    /// <summary>Creates a context; scratch files go under a new folder in <paramref name="tempRoot"/>.</summary>
    public ReadContext(ReadLimits limits, CancellationToken cancellationToken = default, string? tempRoot = null)
    {
        Limits = limits;
        Budget = new ScanBudget(limits);
        CancellationToken = cancellationToken;
        _scratchDirectory = Path.Combine(tempRoot ?? Path.GetTempPath(), "firmwaregate-" + Guid.NewGuid().ToString("n"));
    }

    /// <summary>The limits.</summary>
    public ReadLimits Limits { get; }

    /// <summary>Running totals.</summary>
    public ScanBudget Budget { get; }

    /// <summary>Cancellation.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Native codecs (liblzma) are used when present unless this is false.</summary>
    public bool UseNativeCodecs { get; init; } = true;

    /// <summary>Decoded bytes the scan's outputs hold in memory now (buffer capacity, not just length).</summary>
    public long InMemoryBytes => Interlocked.Read(ref _inMemoryBytes);

    /// <summary>The most decoded bytes held in memory at once so far.</summary>
    public long PeakInMemoryBytes => Interlocked.Read(ref _peakInMemoryBytes);

    /// <summary>
    /// Starts a decoded output that stays in memory up to <see cref="ReadLimits.InMemoryBytes"/> while the
    /// scan's in-memory total stays within <see cref="ReadLimits.MemoryBudgetBytes"/>, then spills to disk.
    /// </summary>
    /// <param name="format">Format being decoded (for messages).</param>
    /// <param name="offset">Offset of the layer (for messages).</param>
    /// <param name="encodedLength">Input size for the ratio check, or a function that reports input consumed so far.</param>
    public DecodedOutput CreateOutput(string format, long offset, Func<long> encodedLength) =>
        new(this, format, offset, encodedLength);

    /// <summary>
    /// Reserves <paramref name="bytes"/> of the memory budget; false (and nothing reserved) when the
    /// scan's in-memory total would exceed it. Reservations are atomic, so parallel layers cannot
    /// together overshoot the budget.
    /// </summary>
    internal bool TryReserveMemory(long bytes)
    {
        long total = Interlocked.Add(ref _inMemoryBytes, bytes);
        if (total > Limits.MemoryBudgetBytes)
        {
            Interlocked.Add(ref _inMemoryBytes, -bytes);
            return false;
        }

        long peak = Interlocked.Read(ref _peakInMemoryBytes);
        while (total > peak)
        {
            long seen = Interlocked.CompareExchange(ref _peakInMemoryBytes, total, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }

        return true;
    }

    /// <summary>Returns bytes reserved with <see cref="TryReserveMemory"/>.</summary>
    internal void ReleaseMemory(long bytes) => Interlocked.Add(ref _inMemoryBytes, -bytes);

    /// <summary>The scan's one scratch file, created on first use.</summary>
    internal ScratchFile Scratch
    {
        get
        {
            lock (_owned)
            {
                return _scratch ??= new ScratchFile(NewScratchPath());
            }
        }
    }

    internal string NewScratchPath()
    {
        Directory.CreateDirectory(_scratchDirectory);
        return Path.Combine(_scratchDirectory, Interlocked.Increment(ref _scratchCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Keeps a resource alive until the scan result is disposed.</summary>
    public T Own<T>(T resource)
        where T : IDisposable
    {
        lock (_owned)
        {
            _owned.Add(resource);
        }

        return resource;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_owned)
        {
            foreach (var d in _owned)
            {
                d.Dispose();
            }

            _owned.Clear();
            _scratch?.Dispose();
            _scratch = null;
        }

        try
        {
            if (Directory.Exists(_scratchDirectory))
            {
                Directory.Delete(_scratchDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: the OS temp cleaner takes what is left.
        }
    }
}
