using System.Text;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Inventory.PackageDb;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Inventory.PackageDb;

/// <summary>Runs the package-database analysers through the real walk over hand-built or unpacked layers.</summary>
internal static class PackageDbRun
{
    public static IReadOnlyList<IFileAnalyzer> Analyzers(ProductCatalog? catalog = null)
    {
        catalog ??= ProductCatalog.Default;
        return [new DpkgStatusAnalyzer(catalog), new DpkgFileListAnalyzer(), new OpkgAnalyzer(catalog), new OsReleaseAnalyzer()];
    }

    public static AnalysisResults Walk(IEnumerable<Layer> layers, long maxInMemory = 64L << 20) =>
        new AnalysisWalk(Analyzers()) { MaxInMemoryBytes = maxInMemory, Workers = 2 }.Run(layers, CancellationToken.None);

    public static AnalysisResults Walk(params (string Path, byte[] Content)[] files) => Walk([Layer(files)]);

    /// <summary>A squashfs-like layer holding the files; "-> target" content makes a symlink.</summary>
    public static Layer Layer(IEnumerable<(string Path, byte[] Content)> files, string location = "test.img@0x0:squashfs")
    {
        var entries = new List<FsEntry>();
        var dirs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, content) in files)
        {
            for (int i = path.IndexOf('/', 1); i > 0; i = path.IndexOf('/', i + 1))
            {
                dirs.Add(path[..i]);
            }

            string text = content.Length < 256 ? Encoding.UTF8.GetString(content) : "";
            entries.Add(text.StartsWith("-> ", StringComparison.Ordinal)
                ? new FsEntry { Path = path, Type = EntryType.Symlink, LinkTarget = text[3..], Mode = 0x1FF }
                : new FsEntry { Path = path, Type = EntryType.File, Size = content.Length, Content = new MemoryByteSource(content), Mode = 0x1A4 });
        }

        entries.AddRange(dirs.Select(d => new FsEntry { Path = d, Type = EntryType.Dir, Mode = 0x1ED }));
        return new Layer { Format = "squashfs", FileSystem = new FileSystemTree(entries), Location = location };
    }

    /// <summary>A layer from a fixture folder laid out like the root of the filesystem.</summary>
    public static Layer FixtureLayer(string folder, string location)
    {
        string root = TestPathsFixture(folder);
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => ("/" + Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllBytes(f)));
        return Layer(files, location);
    }

    public static string TestPathsFixture(string folder) => Support.TestPaths.Fixture(Path.Combine("packagedb", folder));

    public static IReadOnlyList<ComponentObservation> Packages(this AnalysisResults results) =>
        [.. results.Items<ComponentObservation>().Where(o => o.Package is not null).OrderBy(o => o.Location, StringComparer.Ordinal).ThenBy(o => o.Package, StringComparer.Ordinal)];

    public static IReadOnlyList<ComponentObservation> Systems(this AnalysisResults results) =>
        [.. results.Items<ComponentObservation>().Where(o => o.Type == ComponentType.OperatingSystem && o.Package is null).OrderBy(o => o.Location, StringComparer.Ordinal)];

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
