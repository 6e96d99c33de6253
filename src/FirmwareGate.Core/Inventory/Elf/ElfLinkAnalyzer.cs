using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Elf;

namespace FirmwareGate.Core.Inventory.Elf;

/// <summary>
/// Reads the dynamic section of every ELF file in a filesystem: reports its SONAME and DT_NEEDED names
/// (<see cref="ElfLinkInfo"/>, for the dependency graph), and names the product when the SONAME is a
/// catalog library's (<c>libcrypto.so.3</c> is OpenSSL). A SONAME gives no version.
/// </summary>
public sealed class ElfLinkAnalyzer(ProductCatalog catalog) : IFileAnalyzer
{
    /// <summary>Confidence of a product named by its SONAME alone.</summary>
    public const double SonameConfidence = 0.5;

    /// <inheritdoc/>
    public string Name => "elf";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head) => target.IsFile && ElfFile.IsElf(head);

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        var target = file.Target;
        if (file.Elf is not { } elf)
        {
            if (file.ElfError is { } error)
            {
                sink.Note(target, Name, error.Message);
            }

            return;
        }

        if (elf.Problems.Count > 0)
        {
            string more = elf.Problems.Count > 1 ? $" (and {elf.Problems.Count - 1} more)" : "";
            sink.Note(target, Name, elf.Problems[0] + more);
        }

        if (elf.Dynamic is not { } dynamic)
        {
            return;
        }

        sink.Add(new ElfLinkInfo(target.Layer.Location, target.Path, dynamic.Soname, dynamic.Needed));
        if (dynamic.Soname is { } soname && catalog.BySoname(soname) is { } product)
        {
            sink.Add(ComponentObservation.Of(product, null, EvidenceMethod.ElfSoname, SonameConfidence, target.Location, target.Path, "SONAME " + soname));
        }
    }
}
