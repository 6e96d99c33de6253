using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Inventory.Banners;

/// <summary>
/// Finds the Linux kernel and U-Boot: "Linux version ..." and "U-Boot YYYY.MM ..." banners in raw layers (kernels,
/// decompressed kernel regions, boot loaders, unknown regions) and in kernel- or U-Boot-named files; the kernel
/// release in a uImage name ("Linux-6.1.0-50-marvell") and in /lib/modules/RELEASE/ folders. Versions follow
/// <see cref="KernelRelease"/>: a distribution ABI name gives no version.
/// </summary>
public sealed partial class BannerAnalyzer(ProductCatalog catalog) : IFileAnalyzer
{
    /// <summary>Confidence of a banner.</summary>
    public const double BannerConfidence = 0.9;

    /// <summary>Confidence of a uImage name or a module folder.</summary>
    public const double NameConfidence = 0.5;

    private const int MaxLine = 256;
    private const int DetailLength = 160;
    private const int MaxPerFile = 16;
    private const int ChunkSize = 16 << 20;
    private const int Overlap = 1024;

    private static readonly ConditionalWeakTable<FileSystemTree, Dictionary<string, string>> ModuleFiles = [];

    private readonly Product? _kernel = catalog.ById("linux-kernel");
    private readonly Product? _uBoot = catalog.ById("u-boot");

    /// <inheritdoc/>
    public string Name => "banner";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head) =>
        !target.IsFile || IsKernelOrBootLoaderName(target.FileName) || IsModuleFolderWitness(target);

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        var target = file.Target;
        if (!target.IsFile)
        {
            UImageName(target, sink);
        }
        else if (IsModuleFolderWitness(target))
        {
            string release = ModuleRelease(target.Path)!; // a witness has a release by construction
            AddKernel(sink, target.Location, target.Path, KernelRelease.FromRelease(release), NameConfidence, "module folder " + ModuleRoot(target.Path) + release);
            if (!IsKernelOrBootLoaderName(target.FileName))
            {
                return;
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        long size = target.Size;
        file.ForEachChunk(ChunkSize, Overlap, (chunk, offset) =>
        {
            bool last = offset + chunk.Length >= size;
            Scan(chunk.Span, "Linux version "u8, last, seen, line =>
                KernelRelease.FromLinuxBanner(line) is var version && LinuxBannerStart().IsMatch(line)
                    ? () => AddKernel(sink, target.Location, target.IsFile ? target.Path : null, version, BannerConfidence, line)
                    : null);
            Scan(chunk.Span, "U-Boot "u8, last, seen, line =>
                KernelRelease.FromUBootBanner(line) is { } version
                    ? () => Add(sink, _uBoot, target.Location, target.IsFile ? target.Path : null, version, BannerConfidence, line)
                    : null);
        });
    }

    /// <summary>Kernel and U-Boot file names: vmlinux*, vmlinuz*, zImage*, uImage*, bzImage*, Image*, u-boot*.</summary>
    public static bool IsKernelOrBootLoaderName(string fileName) =>
        fileName.StartsWith("vmlinux", StringComparison.Ordinal) || fileName.StartsWith("vmlinuz", StringComparison.Ordinal)
        || fileName.StartsWith("zImage", StringComparison.Ordinal) || fileName.StartsWith("uImage", StringComparison.Ordinal)
        || fileName.StartsWith("bzImage", StringComparison.Ordinal) || fileName == "Image" || fileName.StartsWith("Image.", StringComparison.Ordinal)
        || fileName.StartsWith("u-boot", StringComparison.Ordinal);

    // Each occurrence of the marker: the printable line from it, up to MaxLine bytes. A line cut by the chunk's end is
    // left to the next chunk, which repeats the last Overlap bytes.
    private static void Scan(ReadOnlySpan<byte> data, ReadOnlySpan<byte> marker, bool lastChunk, HashSet<string> seen, Func<string, Action?> accept)
    {
        int pos = 0;
        while (seen.Count < MaxPerFile)
        {
            int at = data[pos..].IndexOf(marker);
            if (at < 0)
            {
                return;
            }

            at += pos;
            pos = at + marker.Length;
            var rest = data[at..Math.Min(data.Length, at + MaxLine)];
            int end = rest.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e);
            if (end < 0)
            {
                if (rest.Length < MaxLine && !lastChunk)
                {
                    continue;
                }

                end = rest.Length;
            }

            string line = Encoding.ASCII.GetString(rest[..end]).TrimEnd();
            if (accept(line) is { } add && seen.Add(line))
            {
                add();
            }
        }
    }

    // The uImage header's name, once per uImage: reported by the first raw layer under it that the walk offers.
    private void UImageName(AnalysisTarget target, AnalysisSink sink)
    {
        Layer? uImage = target.Layer.Format == "uimage" ? target.Layer : target.Ancestors.LastOrDefault(l => l.Format == "uimage");
        if (uImage is null || !uImage.Details.TryGetValue("name", out string? name) || FirstRawLeaf(uImage) != target.Layer)
        {
            return;
        }

        if (UImageKernelName().Match(name) is { Success: true } m)
        {
            AddKernel(sink, uImage.Location, null, KernelRelease.FromRelease(m.Groups["release"].Value), NameConfidence, "uImage name " + name);
        }
    }

    private static Layer? FirstRawLeaf(Layer layer) =>
        layer.Descendants().FirstOrDefault(l => l.Children.Count == 0 && l.Format != LayerFormats.Padding && l.Source is { Length: > 0 });

    private void AddKernel(AnalysisSink sink, string location, string? path, string? version, double confidence, string detail) =>
        Add(sink, _kernel, location, path, version, confidence, detail);

    private static void Add(AnalysisSink sink, Product? product, string location, string? path, string? version, double confidence, string detail)
    {
        if (product is null)
        {
            return;
        }

        sink.Add(ComponentObservation.Of(product, version, EvidenceMethod.Banner, confidence, location, path, detail.Length > DetailLength ? detail[..DetailLength] : detail));
    }

    /// <summary>"/lib/modules/6.1.0-50-arm64/kernel/fs/ext4.ko" -> "6.1.0-50-arm64"; null outside a module folder.</summary>
    internal static string? ModuleRelease(string path)
    {
        string root = ModuleRoot(path);
        if (root.Length == 0)
        {
            return null;
        }

        int slash = path.IndexOf('/', root.Length);
        if (slash <= root.Length || slash == path.Length - 1)
        {
            return null;
        }

        string release = path[root.Length..slash];
        return release.Length > 0 && char.IsAsciiDigit(release[0]) ? release : null;
    }

    private static string ModuleRoot(string path) =>
        path.StartsWith("/lib/modules/", StringComparison.Ordinal) ? "/lib/modules/"
        : path.StartsWith("/usr/lib/modules/", StringComparison.Ordinal) ? "/usr/lib/modules/"
        : "";

    // One file per release per filesystem stands for its module folder: the first regular file under it in tree order.
    private static bool IsModuleFolderWitness(AnalysisTarget target)
    {
        if (target.Entry is null || target.Layer.FileSystem is not { } fs || ModuleRelease(target.Path) is not { } release)
        {
            return false;
        }

        var witnesses = ModuleFiles.GetValue(fs, BuildWitnesses);
        return witnesses.TryGetValue(ModuleRoot(target.Path) + release, out string? path) && path == target.Path;
    }

    private static Dictionary<string, string> BuildWitnesses(FileSystemTree fs)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in fs.Entries)
        {
            if (entry.Type == EntryType.File && entry.HardLinkTo is null && entry.Content is { Length: > 0 } && ModuleRelease(entry.Path) is { } release)
            {
                map.TryAdd(ModuleRoot(entry.Path) + release, entry.Path);
            }
        }

        return map;
    }

    [GeneratedRegex(@"^Linux version \d", RegexOptions.CultureInvariant, 100)]
    private static partial Regex LinuxBannerStart();

    // "Linux-6.1.0-50-marvell", "MIPS OpenWrt Linux-5.10.176", "Linux 4.14.90".
    [GeneratedRegex(@"(?:^|\s)Linux[- ](?<release>\d+\.\d+[^\s]*)", RegexOptions.CultureInvariant, 100)]
    private static partial Regex UImageKernelName();
}
