using System.Text;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Inventory.Signatures;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Inventory.Signatures;

/// <summary>One committed fixture: real strings of a Debian binary and the header the builder script wrote.</summary>
/// <remarks><c>Also</c> names other products whose own version strings the binary really holds (nginx keeps the OpenSSL version it was built with).</remarks>
internal sealed record SignatureFixture(string Name, string Product, string Package, string Upstream, string File, IReadOnlyList<string> Also, IReadOnlyList<string> Strings)
{
    public static string Folder => TestPaths.Fixture("signatures");

    public static IReadOnlyList<SignatureFixture> All { get; } = [.. Directory.GetFiles(Folder, "*.strings").Order(StringComparer.Ordinal).Select(Load)];

    public static SignatureFixture Get(string name) => All.Single(f => f.Name == name);

    public string FileName => File[(File.LastIndexOf('/') + 1)..];

    /// <summary>An ELF-looking file: the ELF magic, then every string NUL-terminated, as strings(1) would find them.</summary>
    public byte[] Bytes() => SignatureTestFiles.Elf(Strings);

    private static SignatureFixture Load(string path)
    {
        var lines = System.IO.File.ReadAllLines(path, Encoding.ASCII);
        var header = lines[0].TrimStart('#', ' ').Split(' ').Select(f => f.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        return new SignatureFixture(Path.GetFileNameWithoutExtension(path), header["product"], header["package"], header["upstream"], header["file"], header.TryGetValue("also", out string? also) ? also.Split(',') : [], lines[1..]);
    }
}

internal static class SignatureTestFiles
{
    public static byte[] Elf(IEnumerable<string> strings)
    {
        var bytes = new List<byte> { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0 };
        bytes.AddRange(new byte[56]);
        foreach (string s in strings)
        {
            bytes.AddRange(Encoding.Latin1.GetBytes(s));
            bytes.Add(0);
        }

        return [.. bytes];
    }

    public static AnalysisTarget Target(string path, IByteSource content)
    {
        var layer = new Layer { Format = "squashfs", Location = "image.bin@0x0:squashfs" };
        var entry = new FsEntry { Path = path, Type = EntryType.File, Content = content };
        return new AnalysisTarget(layer, entry, content);
    }

    /// <summary>Runs the analyser the way the walk does: Wants on the head, then Analyze.</summary>
    public static (IReadOnlyList<ComponentObservation> Observations, IReadOnlyList<string> Warnings, bool Wanted) Run(
        IFileAnalyzer analyzer, string path, IByteSource content, long maxInMemoryBytes = 64L << 20)
    {
        var target = Target(path, content);
        var head = content.ReadHead(AnalyzedFile.HeadLength);
        var sink = new AnalysisSink();
        if (!analyzer.Wants(target, head))
        {
            return ([], [], false);
        }

        using var file = new AnalyzedFile(target, maxInMemoryBytes, CancellationToken.None);
        analyzer.Analyze(file, sink);
        return (sink.Items<ComponentObservation>(), sink.Warnings, true);
    }

    public static (IReadOnlyList<ComponentObservation> Observations, IReadOnlyList<string> Warnings, bool Wanted) Run(
        IFileAnalyzer analyzer, string path, byte[] content) => Run(analyzer, path, new MemoryByteSource(content));

    public static BinarySignatureAnalyzer Analyzer { get; } = new(ProductCatalog.Default);
}
