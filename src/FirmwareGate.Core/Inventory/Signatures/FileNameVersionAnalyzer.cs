using System.Text.RegularExpressions;
using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Inventory.Signatures;

/// <summary>
/// Reads a version from a library's file name where the product names its files after the upstream version
/// (<c>libz.so.1.2.13</c>, <c>liblzma.so.5.4.1</c>). Only products with
/// <see cref="Product.VersionFromFileName"/> are considered; the file's bytes are not read.
/// </summary>
public sealed class FileNameVersionAnalyzer(ProductCatalog catalog) : IFileAnalyzer
{
    /// <summary>Confidence of a version read from a file name.</summary>
    public const double Confidence = 0.6;

    private readonly (Product Product, Regex Regex)[] _rules =
        [.. catalog.Products.Where(p => p.VersionFromFileName is not null).Select(p => (p, SignatureIndex.Compile(p.VersionFromFileName!)))];

    /// <inheritdoc/>
    public string Name => "filename";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.IsFile && Matches(target.FileName).Any();
    }

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        var target = file.Target;
        foreach (var (product, version) in Matches(target.FileName))
        {
            sink.Add(ComponentObservation.Of(product, version, EvidenceMethod.Filename, Confidence, target.Location, target.Path, target.FileName));
        }
    }

    /// <summary>Products and versions named by <paramref name="fileName"/>.</summary>
    public IEnumerable<(Product Product, string Version)> Matches(string fileName)
    {
        // A file name is short; a hostile one is bounded by the filesystem reader, but cap it anyway.
        if (fileName.Length is 0 or > 255)
        {
            yield break;
        }

        foreach (var (product, regex) in _rules)
        {
            var m = regex.Match(fileName);
            if (m.Success && m.Groups["version"] is { Success: true, Length: > 0 } version)
            {
                yield return (product, version.Value);
            }
        }
    }
}
