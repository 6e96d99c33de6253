namespace FirmwareGate.Core.Tests.Support;

internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Fixtures { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>The shared corpus: FIRMWAREGATE_CORPUS, else ../shared/corpus next to the repository.</summary>
    public static string Corpus { get; } =
        Environment.GetEnvironmentVariable("FIRMWAREGATE_CORPUS") is { Length: > 0 } env ? env : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus"));

    public static bool CorpusPresent => File.Exists(Path.Combine(Corpus, "router-mipsel.manifest.json"));

    public static string Fixture(string name) => Path.Combine(Fixtures, name);

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FirmwareGate.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FirmwareGate.sln not found above the test folder");
    }
}
