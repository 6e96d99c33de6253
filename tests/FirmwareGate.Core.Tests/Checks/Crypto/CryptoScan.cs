using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Crypto;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Checks.Crypto;

/// <summary>Runs the crypto analyser and step over files given as (path, bytes), as the walk would.</summary>
internal static class CryptoScan
{
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string Dir => TestPaths.Fixture("Crypto");

    public static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(Dir, name));

    public static JsonElement Expected { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement;

    public static (CheckResults Checks, AnalysisResults Results) Run(DateTimeOffset now, params (string Path, byte[] Bytes)[] files)
    {
        var layer = new Layer
        {
            Format = "squashfs",
            Offset = 0,
            Location = "img@0x0:squashfs",
            FileSystem = new FileSystemTree(files.Select(f => new FsEntry { Path = f.Path, Type = EntryType.File, Size = f.Bytes.Length, Content = new MemoryByteSource(f.Bytes) })),
        };
        var results = new AnalysisWalk([new CryptoAnalyzer()], [new CryptoStep(now)]).Run([layer], CancellationToken.None);
        return (CheckResults.From(results), results);
    }

    public static (CheckResults Checks, AnalysisResults Results) Run(params (string Path, byte[] Bytes)[] files) => Run(Now, files);

    /// <summary>The fixture at /etc/ssl/NAME.</summary>
    public static (CheckResults Checks, AnalysisResults Results) RunFixture(string name) => Run(("/etc/ssl/" + name, Fixture(name)));

    /// <summary>openssl's date form ("Nov 26 03:40:14 2026 GMT").</summary>
    public static DateTimeOffset OpenSslDate(string s) =>
        DateTimeOffset.ParseExact(string.Join(' ', s.Split(' ', StringSplitOptions.RemoveEmptyEntries)), "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
