using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// The opkg database (OpenWrt and other embedded distributions): <c>/usr/lib/opkg/status</c> (or
/// <c>/var/lib/opkg/status</c>) lists the installed packages; <c>info/PKG.control</c> holds each package's
/// full control paragraph (Source, License), and <c>info/PKG.list</c> its files. Every installed package
/// becomes a <see cref="ComponentObservation"/> with the upstream version, the control file's licences and
/// <c>pkg:opkg/[openwrt/]PKG@VERSION?arch=ARCH</c> (namespace "openwrt" only when the release files say
/// OpenWrt). A .control file is read on its own only when the layer has no status file.
/// </summary>
public sealed class OpkgAnalyzer(ProductCatalog catalog) : IFileAnalyzer
{
    private static readonly string[] StatusPaths = ["/usr/lib/opkg/status", "/var/lib/opkg/status"];
    private static readonly string[] InfoDirs = ["/usr/lib/opkg/info/", "/var/lib/opkg/info/"];
    private static readonly HashSet<string> Fields = new(["Package", "Status", "Version", "Source", "Architecture", "License"], StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public string Name => "opkg";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head) =>
        target.IsFile && (Array.IndexOf(StatusPaths, target.Path) >= 0 || (InfoDir(target.Path) is not null
            && (target.Path.EndsWith(".control", StringComparison.Ordinal) || target.Path.EndsWith(".list", StringComparison.Ordinal))));

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        var target = file.Target;
        if (target.Path.EndsWith(".list", StringComparison.Ordinal))
        {
            DpkgFileListAnalyzer.Read(file, sink, Name);
            return;
        }

        bool isControl = target.Path.EndsWith(".control", StringComparison.Ordinal);
        if (isControl && StatusPaths.Any(p => LayerFiles.Find(target.Layer, p) is not null))
        {
            return; // the status file's analysis reads this control file
        }

        if (!file.FitsInMemory)
        {
            sink.Warn(target, Name, $"{target.Size} bytes, over the {file.MaxInMemoryBytes}-byte limit for a package database; not read");
            return;
        }

        var warnings = new FileWarnings(sink, target, Name);
        var stanzas = ControlStanzaReader.Read(file.Bytes, Fields, warnings.Add, file.CancellationToken);
        if (isControl && stanzas.Count > 1)
        {
            warnings.Add($"{stanzas.Count} paragraphs in a control file; only the first, at line {stanzas[0].Line}, is read");
            stanzas.RemoveRange(1, stanzas.Count - 1);
        }

        string? ns = ReleaseFacts.Of(target.Layer).IsOpenWrt ? "openwrt" : null;
        string infoDir = isControl ? InfoDir(target.Path)! : target.Path[..target.Path.LastIndexOf('/')] + "/info/";
        foreach (var (found, stanza) in PackageEntry.Distinct(stanzas, warnings.Add))
        {
            var entry = found;

            string? license = stanza["License"];
            if (!isControl && Control(target.Layer, infoDir, entry.Package, file.CancellationToken) is { } control)
            {
                // The status file has only the state; Source and License are in the package's control file.
                entry = entry with { Source = entry.Source ?? ValidSource(control["Source"]) };
                license ??= control["License"];
            }

            string purl = PackageUrl.Create("opkg", ns, entry.Package, entry.Version, ("arch", entry.Architecture));
            sink.Add(entry.ToObservation(catalog, "opkg", target.Location, target.Path, purl, LicenseNames.FromOpkgField(license)));
        }

        warnings.Flush();
    }

    private static string? InfoDir(string path) =>
        InfoDirs.FirstOrDefault(d => path.StartsWith(d, StringComparison.Ordinal) && path.IndexOf('/', d.Length) < 0);

    private static ControlStanza? Control(Layer layer, string infoDir, string package, CancellationToken ct)
    {
        foreach (string dir in (string[])[infoDir, .. InfoDirs])
        {
            var bytes = LayerFiles.Read(layer, dir + package + ".control", 64 * 1024, out _);
            if (bytes is not null)
            {
                var stanzas = ControlStanzaReader.Read(bytes, Fields, _ => { }, ct);
                return stanzas.Count > 0 && stanzas[0]["Package"] == package ? stanzas[0] : null;
            }
        }

        return null;
    }

    private static string? ValidSource(string? source)
    {
        if (source is null)
        {
            return null;
        }

        int space = source.IndexOf(' ');
        source = space < 0 ? source : source[..space];
        return PackageEntry.IsName(source) ? source : null;
    }
}
