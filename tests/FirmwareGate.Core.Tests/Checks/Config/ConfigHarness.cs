using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Config;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Checks.Config;

/// <summary>Runs the configuration rules over an in-memory filesystem built from fixture bytes.</summary>
internal static class ConfigHarness
{
    public static string Fixture(string relative) => Path.Combine(TestPaths.Fixtures, "Config", relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Fixture(relative));

    /// <summary>The walk and steps of the configuration rules over files placed at the given paths.</summary>
    public static AnalysisResults Run(params (string Path, byte[] Bytes)[] files) =>
        Run([.. files.Select(f => new FsEntry { Path = f.Path, Type = EntryType.File, Mode = 0b110_100_100, Size = f.Bytes.Length, Content = new MemoryByteSource(f.Bytes) })]);

    /// <summary>The walk and steps of the configuration rules over the given entries.</summary>
    public static AnalysisResults Run(IReadOnlyList<FsEntry> entries)
    {
        var layer = new Layer { Format = "squashfs", Offset = 0, Location = "img@0x0:squashfs", FileSystem = new FileSystemTree(entries) };
        IFileAnalyzer[] analyzers = [new TelnetdBootCheck(), new SshRootPasswordLoginCheck(), new CloudCredentialCheck()];
        IAnalysisStep[] steps = [new TelnetSystemdCheck(), new WorldWritableCheck(), new SetIdBinaryCheck()];
        return new AnalysisWalk(analyzers, steps) { Workers = 2 }.Run([layer], CancellationToken.None);
    }

    /// <summary>Findings of the run, in report order.</summary>
    public static IReadOnlyList<Finding> Findings(this AnalysisResults results) =>
        CheckResults.From(results).Findings;

    /// <summary>Rows of a tab-separated expectation file, header skipped.</summary>
    public static IEnumerable<string[]> Tsv(string relative) =>
        File.ReadAllLines(Fixture(relative)).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'));
}
