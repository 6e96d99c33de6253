namespace FirmwareGate.Core.Analysis;

/// <summary>
/// One analyser of the walk: it says which files it wants, then reads each one it was handed and
/// reports what it found. Analysers run in parallel across files, so <see cref="Analyze"/> must be
/// thread-safe (keep no per-file state in fields). Adding an analyser is adding one class to
/// <see cref="AnalyzerSet.CreateDefault"/>.
/// </summary>
public interface IFileAnalyzer
{
    /// <summary>Short name used in warnings ("dpkg", "binary-signature").</summary>
    string Name { get; }

    /// <summary>
    /// Cheap decision without reading the file, from its path, size and layer, and the first bytes
    /// (<paramref name="head"/>, at most <see cref="AnalyzedFile.HeadLength"/>; empty for an empty file).
    /// </summary>
    bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head);

    /// <summary>Reads the file and reports into <paramref name="sink"/>. Exceptions become a warning naming the file.</summary>
    void Analyze(AnalyzedFile file, AnalysisSink sink);
}

/// <summary>An analyser that runs once after the walk, over everything the walk reported (pairing, merging).</summary>
public interface IAnalysisStep
{
    /// <summary>Short name used in warnings.</summary>
    string Name { get; }

    /// <summary>Reads the walk's results and adds its own.</summary>
    void Run(AnalysisResults results, AnalysisSink sink);
}
