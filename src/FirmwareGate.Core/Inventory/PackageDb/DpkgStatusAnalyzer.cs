using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// The dpkg database: <c>/var/lib/dpkg/status</c> and the one-package files of <c>/var/lib/dpkg/status.d/</c>
/// (distroless images). Every installed package becomes a <see cref="ComponentObservation"/>: the catalog
/// product of its binary or source package, the upstream version (<see cref="DebianVersion.Upstream"/>), and
/// <c>pkg:deb/debian/SOURCE@VERSION?arch=ARCH&amp;distro=debian-12</c> with the full version ("ubuntu" as
/// namespace when os-release says so; the distro qualifier only when /etc/debian_version or os-release gives
/// it). Licences come from the package's machine-readable <c>/usr/share/doc/PKG/copyright</c> in the same layer.
/// </summary>
public sealed class DpkgStatusAnalyzer(ProductCatalog catalog) : IFileAnalyzer
{
    /// <summary>Most bytes of copyright files read for one status file.</summary>
    public const long MaxCopyrightBytesPerDatabase = 64L << 20;

    private const string StatusPath = "/var/lib/dpkg/status";
    private const string StatusDir = "/var/lib/dpkg/status.d/";

    private static readonly HashSet<string> Fields = new(["Package", "Status", "Version", "Source", "Architecture"], StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public string Name => "dpkg";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head) =>
        target.IsFile && (target.Path == StatusPath
            || (target.Path.StartsWith(StatusDir, StringComparison.Ordinal) && target.Path.IndexOf('/', StatusDir.Length) < 0
                && !target.Path.EndsWith(".md5sums", StringComparison.Ordinal)));

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        var target = file.Target;
        if (!file.FitsInMemory)
        {
            sink.Warn(target, Name, $"{target.Size} bytes, over the {file.MaxInMemoryBytes}-byte limit for a package database; not read");
            return;
        }

        var warnings = new FileWarnings(sink, target, Name);
        var stanzas = ControlStanzaReader.Read(file.Bytes, Fields, warnings.Add, file.CancellationToken);
        var facts = ReleaseFacts.Of(target.Layer);
        string ns = facts.DebNamespace;
        string? distro = facts.DebDistro;
        long copyrightBudget = MaxCopyrightBytesPerDatabase;
        foreach (var (entry, _) in PackageEntry.Distinct(stanzas, warnings.Add))
        {

            string purl = PackageUrl.Create("deb", ns, entry.Source ?? entry.Package, entry.Version, ("arch", entry.Architecture), ("distro", distro));
            var licenses = Licenses(target.Layer, entry.Package, ref copyrightBudget, file.CancellationToken);
            sink.Add(entry.ToObservation(catalog, "dpkg", target.Location, target.Path, purl, licenses));
        }

        warnings.Flush();
    }

    private static IReadOnlyList<string> Licenses(Layer layer, string package, ref long budget, CancellationToken ct)
    {
        if (budget <= 0)
        {
            return [];
        }

        var bytes = LayerFiles.Read(layer, $"/usr/share/doc/{package}/copyright", LicenseNames.MaxCopyrightBytes, out _);
        if (bytes is null)
        {
            return [];
        }

        budget -= bytes.Length;
        return LicenseNames.FromDebianCopyright(bytes, ct);
    }
}
