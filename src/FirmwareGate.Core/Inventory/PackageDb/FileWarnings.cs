using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>Warnings about one file, capped so a hostile file cannot flood the report.</summary>
internal sealed class FileWarnings(AnalysisSink sink, AnalysisTarget target, string analyzer)
{
    /// <summary>Warnings reported per file; the rest are counted.</summary>
    public const int MaxPerFile = 20;

    private int _count;

    /// <summary>Reports <paramref name="message"/> unless the cap is reached.</summary>
    public void Add(string message)
    {
        if (++_count <= MaxPerFile)
        {
            sink.Warn(target, analyzer, message);
        }
    }

    /// <summary>Says how many warnings were left out, if any.</summary>
    public void Flush()
    {
        if (_count > MaxPerFile)
        {
            sink.Warn(target, analyzer, $"{_count - MaxPerFile} more warnings about this file not shown");
        }
    }
}
