using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Elf;

namespace FirmwareGate.Core.Inventory.Signatures;

/// <summary>
/// Finds products and their versions from the printable strings of ELF files (and of files named like a
/// product). The raw bytes are searched once for every pattern's literal anchor together; only the printable
/// string around a hit goes through that product's regex. Bare version strings ("3.40.1") count only in files
/// named like their product, and only when the file holds exactly one of them.
/// </summary>
public sealed class BinarySignatureAnalyzer(ProductCatalog catalog) : IFileAnalyzer
{
    /// <summary>Confidence of a product-specific pattern ("OpenSSL 3.0.20 7 Apr 2026").</summary>
    public const double SpecificConfidence = 0.9;

    /// <summary>Confidence of a bare version string in a file named like the product.</summary>
    public const double HintedConfidence = 0.7;

    /// <summary>Regex evaluations allowed per file; a file dense with anchors (crafted or junk) stops there.</summary>
    public const int MaxEvaluationsPerFile = 20_000;

    /// <summary>Longest <see cref="ComponentObservation.Detail"/>.</summary>
    public const int MaxDetailLength = 120;

    // Bytes of context read either side of an anchor hit: the printable string is cut there.
    private const int Reach = 256;

    // Anchors are searched in blocks of this many bytes, widened to chars (Latin-1) for SearchValues<string>.
    private const int BlockSize = 64 * 1024;

    // Files over the in-memory cap are read in chunks overlapping by Overlap; hits within Margin of a chunk's
    // inner edges belong to the neighbouring chunk, which sees their whole context.
    private const int ChunkSize = 16 << 20;
    private const int Overlap = 4096;
    private const int Margin = 1024;

    // Bare version strings are short; longer strings are not offered to hinted patterns.
    private const int MaxBareLength = 64;

    // SHF_EXECINSTR.
    private const ulong ExecInstr = 0x4;

    private static readonly byte[] ElfMagic = [0x7F, (byte)'E', (byte)'L', (byte)'F'];

    private readonly SignatureIndex _index = SignatureIndex.For(catalog);

    /// <inheritdoc/>
    public string Name => "binary-signature";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.IsFile && target.Size > 0 && (head.StartsWith(ElfMagic) || catalog.ByFileName(target.FileName).Any());
    }

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        var target = file.Target;
        var state = new ScanState(_index, [.. _index.Hinted.Where(h => ProductCatalog.Matches(h.Product.Files, target.FileName))]);
        string? sha256;
        if (file.FitsInMemory)
        {
            var bytes = file.Bytes;
            foreach (var (start, end) in StringRegions(bytes.Length, file.Elf))
            {
                var region = bytes[start..end];
                Scan(region, 0, region.Length, state);
            }

            sha256 = state.Found.Count > 0 || state.HasHintedVersion ? Convert.ToHexStringLower(SHA256.HashData(bytes)) : null;
        }
        else
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long hashed = 0;
            file.ForEachChunk(ChunkSize, Overlap, (chunk, offset) =>
            {
                var data = chunk.Span;
                bool first = offset == 0;
                bool last = offset + data.Length >= target.Size;
                Scan(data, first ? 0 : Margin, last ? data.Length : data.Length - Margin, state);
                hash.AppendData(data[(int)(hashed - offset)..]);
                hashed = offset + data.Length;
            });
            sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        if (state.Exhausted)
        {
            sink.Warn(target, Name, $"stopped after {MaxEvaluationsPerFile} signature matches: the file is dense with product anchors");
        }

        if (state.TimedOut)
        {
            sink.Warn(target, Name, "a signature regex timed out on a string of this file; that string was skipped");
        }

        foreach (var (product, version, detail) in state.Found)
        {
            if (file.FitsInMemory && LinksDynamically(file.Bytes, product, target.FileName))
            {
                continue;
            }

            sink.Add(Observation(target, product, version, detail, SpecificConfidence, sha256));
        }

        foreach (var (product, versions) in state.HintedVersions)
        {
            // Exactly one bare version, and no product-specific sighting already naming one: otherwise never guess.
            if (versions.Count == 1 && !state.Found.Any(f => f.Product == product))
            {
                var (version, detail) = versions.First();
                sink.Add(Observation(target, product, version, detail, HintedConfidence, sha256));
            }
        }
    }

    /// <summary>
    /// True when a file that is not the product's own names one of the product's SONAMEs: it links the library,
    /// and the version string it holds is the header it was compiled against ("built with OpenSSL %s"), which
    /// need not be the library installed. The library file itself shows the real version.
    /// </summary>
    private bool LinksDynamically(ReadOnlySpan<byte> bytes, Product product, string fileName)
    {
        if (ProductCatalog.Matches(product.Files, fileName))
        {
            return false;
        }

        foreach (byte[] prefix in _index.SonamePrefixes[product.Id])
        {
            if (bytes.IndexOf(prefix) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The parts of an ELF file that can hold strings: every section except machine code, relocations, symbol
    /// and hash tables, and .bss; about half of a binary's bytes are skipped. The whole file when it is not
    /// ELF, or its section headers are missing or faulty.
    /// </summary>
    internal static IReadOnlyList<(int Start, int End)> StringRegions(int length, ElfFile? elf)
    {
        IReadOnlyList<(int, int)> whole = [(0, length)];
        if (elf is null || elf.Problems.Count > 0 || elf.Sections.Count == 0)
        {
            return whole;
        }

        var regions = new List<(int Start, int End)>();
        foreach (var section in elf.Sections)
        {
            bool skip = (section.Flags & ExecInstr) != 0 || section.Type is ElfSectionType.Null or ElfSectionType.NoBits or ElfSectionType.Rel
                or ElfSectionType.Rela or ElfSectionType.Hash or ElfSectionType.GnuHash or ElfSectionType.SymTab or ElfSectionType.DynSym;
            if (skip || section.Size == 0 || section.Offset >= (ulong)length)
            {
                continue;
            }

            int start = (int)section.Offset;
            int end = (int)Math.Min((ulong)length, section.Offset + Math.Min(section.Size, (ulong)length));
            regions.Add((start, end));
        }

        if (regions.Count == 0)
        {
            return whole;
        }

        regions.Sort();
        var merged = new List<(int Start, int End)> { regions[0] };
        foreach (var (start, end) in regions.Skip(1))
        {
            if (start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, end));
            }
            else
            {
                merged.Add((start, end));
            }
        }

        return merged;
    }

    private static ComponentObservation Observation(AnalysisTarget target, Product product, string version, string detail, double confidence, string? sha256) =>
        ComponentObservation.Of(product, version, EvidenceMethod.BinarySignature, confidence, target.Location, target.Path, detail) with { FileSha256 = sha256 };

    /// <summary>Scans <paramref name="data"/>; anchor hits are taken in [<paramref name="ownedStart"/>, <paramref name="ownedEnd"/>).</summary>
    private void Scan(ReadOnlySpan<byte> data, int ownedStart, int ownedEnd, ScanState state)
    {
        if (_index.Anchors.Count > 0)
        {
            ScanAnchors(data, ownedStart, ownedEnd, state);
        }

        if (state.Hinted.Count > 0)
        {
            ScanHinted(data[ownedStart..ownedEnd], state);
        }
    }

    private void ScanAnchors(ReadOnlySpan<byte> data, int ownedStart, int ownedEnd, ScanState state)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(BlockSize + _index.MaxAnchorLength);
        try
        {
            for (int blockStart = ownedStart; blockStart < ownedEnd && !state.Exhausted; blockStart += BlockSize)
            {
                int blockEnd = Math.Min(ownedEnd, blockStart + BlockSize);

                // The window runs past the block by an anchor's length so an anchor across the edge is seen once.
                int windowEnd = Math.Min(data.Length, blockEnd + _index.MaxAnchorLength - 1);
                var text = chars.AsSpan(0, Encoding.Latin1.GetChars(data[blockStart..windowEnd], chars));
                int j = 0;
                while (j < blockEnd - blockStart)
                {
                    int hit = text[j..].IndexOfAny(_index.AnchorSearch);
                    if (hit < 0 || j + hit >= blockEnd - blockStart)
                    {
                        break;
                    }

                    j += hit;
                    OnHit(data, blockStart + j, text[j..], state);
                    if (state.Exhausted)
                    {
                        return;
                    }

                    j++;
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private void OnHit(ReadOnlySpan<byte> data, int position, ReadOnlySpan<char> text, ScanState state)
    {
        var (start, end) = PrintableStrings.RunAround(data, position, Reach);
        if (end - start < PrintableStrings.DefaultMinLength)
        {
            return;
        }

        string? run = null;
        foreach (int anchor in _index.AnchorsAt(text))
        {
            // The same string holding one anchor twice is matched once.
            if (state.LastRunStart.TryGetValue(anchor, out int last) && last == start)
            {
                continue;
            }

            state.LastRunStart[anchor] = start;
            run ??= Encoding.Latin1.GetString(data[start..end]);
            foreach (var pattern in _index.PatternsByAnchor[anchor])
            {
                if (++state.Evaluations > MaxEvaluationsPerFile)
                {
                    state.Exhausted = true;
                    return;
                }

                try
                {
                    for (var m = pattern.Regex.Match(run); m.Success; m = m.NextMatch())
                    {
                        if (m.Groups["version"] is { Success: true, Length: > 0 } version)
                        {
                            state.AddFound(pattern.Product, version.Value, Detail(run, m));
                        }
                    }
                }
                catch (RegexMatchTimeoutException)
                {
                    state.TimedOut = true;
                }
            }
        }
    }

    private static void ScanHinted(ReadOnlySpan<byte> data, ScanState state)
    {
        PrintableStrings.ForEach(data, 3, (_, bytes) =>
        {
            // Every bare version has a digit; most strings of a binary (symbol names, messages) are longer or have none.
            if (bytes.Length > MaxBareLength || bytes.IndexOfAnyInRange((byte)'0', (byte)'9') < 0)
            {
                return;
            }

            Span<char> chars = stackalloc char[MaxBareLength];
            chars = chars[..Encoding.Latin1.GetChars(bytes, chars)];
            string? text = null;
            foreach (var hinted in state.Hinted)
            {
                foreach (var regex in hinted.Regexes)
                {
                    try
                    {
                        if (!regex.IsMatch(chars))
                        {
                            continue;
                        }

                        text ??= new string(chars);
                        if (regex.Match(text).Groups["version"] is { Success: true, Length: > 0 } version)
                        {
                            state.AddHinted(hinted.Product, version.Value, text);
                        }
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        state.TimedOut = true;
                    }
                }
            }
        });
    }

    private static string Detail(string run, Match match)
    {
        string trimmed = run.Trim();
        if (trimmed.Length <= MaxDetailLength)
        {
            return trimmed;
        }

        int start = Math.Min(match.Index, run.Length - MaxDetailLength);
        return run.Substring(start, MaxDetailLength).Trim();
    }

    /// <summary>What one file's scan found so far; one per Analyze call, so the analyser stays thread-safe.</summary>
    private sealed class ScanState(SignatureIndex index, IReadOnlyList<HintedProduct> hinted)
    {
        private readonly HashSet<(string, string)> _seen = [];

        public IReadOnlyList<HintedProduct> Hinted { get; } = hinted;

        public Dictionary<int, int> LastRunStart { get; } = new(index.Anchors.Count);

        public List<(Product Product, string Version, string Detail)> Found { get; } = [];

        public Dictionary<Product, Dictionary<string, string>> HintedVersions { get; } = [];

        public bool HasHintedVersion => HintedVersions.Count > 0;

        public int Evaluations { get; set; }

        public bool Exhausted { get; set; }

        public bool TimedOut { get; set; }

        public void AddFound(Product product, string version, string detail)
        {
            if (_seen.Add((product.Id, version)))
            {
                Found.Add((product, version, detail));
            }
        }

        public void AddHinted(Product product, string version, string detail)
        {
            if (!HintedVersions.TryGetValue(product, out var versions))
            {
                HintedVersions[product] = versions = new(StringComparer.Ordinal);
            }

            versions.TryAdd(version, detail);
        }
    }
}
