using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// dpkg file lists, <c>/var/lib/dpkg/info/PKG.list</c> and <c>PKG:ARCH.list</c> (Multi-Arch: same):
/// each becomes a <see cref="PackageFiles"/> that ties the listed files to the package.
/// </summary>
public sealed class DpkgFileListAnalyzer : IFileAnalyzer
{
    private const string InfoDir = "/var/lib/dpkg/info/";

    /// <inheritdoc/>
    public string Name => "dpkg-list";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head) =>
        target.IsFile && target.Path.StartsWith(InfoDir, StringComparison.Ordinal) && target.Path.EndsWith(".list", StringComparison.Ordinal)
        && target.Path.IndexOf('/', InfoDir.Length) < 0;

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        Read(file, sink, Name);
    }

    /// <summary>Reads a file list named PKG.list or PKG:ARCH.list and reports its <see cref="PackageFiles"/>.</summary>
    internal static void Read(AnalyzedFile file, AnalysisSink sink, string analyzer)
    {
        var target = file.Target;
        string package = target.FileName[..^".list".Length];
        int colon = package.IndexOf(':');
        if (colon >= 0)
        {
            package = package[..colon];
        }

        if (!PackageEntry.IsName(package))
        {
            sink.Warn(target, analyzer, "file name is not a package name; skipped");
            return;
        }

        if (!file.FitsInMemory)
        {
            sink.Warn(target, analyzer, $"{target.Size} bytes, over the {file.MaxInMemoryBytes}-byte limit for a file list; not read");
            return;
        }

        var warnings = new FileWarnings(sink, target, analyzer);
        var paths = PackageListReader.Read(file.Bytes, warnings.Add, file.CancellationToken);
        warnings.Flush();
        sink.Add(new PackageFiles(target.Layer.Location, package, paths));
    }
}
