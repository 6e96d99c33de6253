using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Extraction;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Unpacking;
using FirmwareGate.Core.Vulnerabilities;

namespace FirmwareGate.Core.Pipeline;

/// <summary>What one scan found. Owns scratch files until disposed.</summary>
public sealed class ScanResult : IDisposable
{
    private readonly ReadContext _context;

    internal ScanResult(ReadContext context, ImageInfo image, IReadOnlyList<Layer> layers, Coverage coverage, DateTimeOffset scannedAt, bool reproducible)
    {
        _context = context;
        Image = image;
        Layers = layers;
        Coverage = coverage;
        ScannedAt = scannedAt;
        Reproducible = reproducible;
    }

    /// <summary>The image.</summary>
    public ImageInfo Image { get; }

    /// <summary>Top-level regions of the image.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>Byte accounting.</summary>
    public Coverage Coverage { get; }

    /// <summary>Report time.</summary>
    public DateTimeOffset ScannedAt { get; }

    /// <summary>True when the time came from options or SOURCE_DATE_EPOCH: durations are left out so output is byte-identical.</summary>
    public bool Reproducible { get; }

    /// <summary>Milliseconds per stage.</summary>
    public SortedDictionary<string, long> DurationsMs { get; } = new(StringComparer.Ordinal);

    /// <summary>Limits reached.</summary>
    public IReadOnlyList<string> LimitsHit => _context.Budget.LimitsHit;

    /// <summary>Extraction summary when the scan wrote to an output folder.</summary>
    public ExtractionSummary? Extraction { get; internal set; }

    /// <summary>Components found in the image (empty when the inventory did not run).</summary>
    public InventoryResult Inventory { get; internal set; } = InventoryResult.Empty;

    /// <summary>What the security checks found (empty when they did not run).</summary>
    public CheckResults Checks { get; internal set; } = CheckResults.Empty;

    /// <summary>Problems the analysers met (a malformed package database, an unreadable ELF), each naming the file.</summary>
    public IReadOnlyList<string> AnalysisWarnings { get; internal set; } = [];

    /// <summary>The vulnerability stage: records matched to components, and the database used.</summary>
    public VulnerabilityResults Vulnerabilities { get; internal set; } = VulnerabilityResults.None;

    /// <summary>Odd files the analysers still read (a malformed ELF header): reported, not counted as incomplete.</summary>
    public IReadOnlyList<string> AnalysisNotes { get; internal set; } = [];

    /// <summary>True when any recognised format was found.</summary>
    public bool Recognised => Layers.Any(l => l.IsRecognised);

    /// <summary>Every layer, depth first.</summary>
    public IEnumerable<Layer> AllLayers => Layers.SelectMany(l => l.Descendants());

    /// <summary>Warnings of all layers, each prefixed by its location, in tree order; name bytes that are not UTF-8 shown as \xNN.</summary>
    public IReadOnlyList<string> Warnings =>
        [.. AllLayers.SelectMany(l => l.Warnings.Select(w => EntryName.Display($"{l.Location}: {w}"))), .. AnalysisWarnings.Select(EntryName.Display), .. (Extraction?.Warnings ?? []).Select(EntryName.Display)];

    /// <summary>True when nothing was skipped: no warnings and no limit reached.</summary>
    public bool Complete => Warnings.Count == 0 && LimitsHit.Count == 0;

    /// <summary>Entry counts by type over all filesystem and archive layers.</summary>
    public SortedDictionary<string, int> FileCounts()
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var fs in AllLayers.Select(l => l.FileSystem).OfType<FileSystemTree>())
        {
            foreach (var (type, n) in fs.CountByType())
            {
                string key = EntryTypeNames.Of(type);
                counts[key] = counts.GetValueOrDefault(key) + n;
            }
        }

        return counts;
    }

    /// <summary>0 pass, 2 nothing recognised, 3 incomplete (unless allowed).</summary>
    public int ExitCode(bool allowIncomplete) => !Recognised ? 2 : !Complete && !allowIncomplete ? 3 : 0;

    /// <inheritdoc/>
    public void Dispose() => _context.Dispose();
}
