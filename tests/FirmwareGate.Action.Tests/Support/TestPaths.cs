namespace FirmwareGate.Action.Tests.Support;

internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Sample => Path.Combine(RepoRoot, "samples", "router-sample.trx");

    public static string SamplePolicy => Path.Combine(RepoRoot, "samples", "firmware-policy.yml");

    public static string SampleDatabase => Path.Combine(RepoRoot, "samples", "vulndb");

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

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
