using System.Text.RegularExpressions;

namespace FirmwareGate.MSBuild.Tests;

/// <summary>
/// Packs FirmwareGate.MSBuild once per test run into a temporary folder, with its own NuGet packages folder so a
/// package of the same version from an earlier run is never used.
/// </summary>
public sealed partial class PackageFixture : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>Creates the package.</summary>
    public PackageFixture()
    {
        RepoRoot = FindRepoRoot();
        Root = Directory.CreateTempSubdirectory("fg-msbuild-").FullName;
        PackagesFolder = Path.Combine(Root, "packages");
        NuGetCache = Path.Combine(Root, "nuget");
        var project = Path.Combine(RepoRoot, "src", "FirmwareGate.MSBuild", "FirmwareGate.MSBuild.csproj");
        Pack = ChildProcess.Dotnet(RepoRoot, NuGetCache,
            ["pack", project, "-c", Configuration, "-o", PackagesFolder, "-nodeReuse:false", "-p:UseSharedCompilation=false", "-tl:off", "-v:q"],
            TimeSpan.FromMinutes(30));
        var package = Directory.Exists(PackagesFolder) ? Directory.GetFiles(PackagesFolder, "FirmwareGate.MSBuild.*.nupkg").SingleOrDefault() : null;
        Version = package is null ? "" : VersionOf().Match(Path.GetFileName(package)).Groups["version"].Value;
    }

    /// <summary>The repository's root folder (holds FirmwareGate.sln).</summary>
    public string RepoRoot { get; }

    /// <summary>The temporary folder of this run.</summary>
    public string Root { get; }

    /// <summary>The folder the package was packed into.</summary>
    public string PackagesFolder { get; }

    /// <summary>NUGET_PACKAGES of every child build.</summary>
    public string NuGetCache { get; }

    /// <summary>What <c>dotnet pack</c> printed and returned.</summary>
    public ChildProcess.Result Pack { get; }

    /// <summary>The packed version; empty when the pack failed.</summary>
    public string Version { get; }

    /// <summary>A new empty folder for one sample project.</summary>
    public string NewProjectFolder(string name) => Directory.CreateDirectory(Path.Combine(Root, "projects", name)).FullName;

    /// <summary>Runs <c>dotnet build</c> on the project in <paramref name="folder"/> with a binary log and no node reuse.</summary>
    public ChildProcess.Result Build(string folder, string binlog, params string[] extra) =>
        ChildProcess.Dotnet(folder, NuGetCache,
            ["build", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-tl:off", $"-bl:{Path.Combine(folder, binlog)}", .. extra]);

    /// <summary>Replays a binary log as text at <paramref name="verbosity"/>.</summary>
    public string Replay(string folder, string binlog, string verbosity)
    {
        var text = Path.Combine(folder, binlog + "." + verbosity + ".log");
        var result = ChildProcess.Dotnet(folder, NuGetCache,
            ["msbuild", Path.Combine(folder, binlog), "-noconlog", $"-flp:logfile={text};verbosity={verbosity}"]);
        Assert.True(result.ExitCode == 0 || File.Exists(text), result.Output);
        return File.ReadAllText(text);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child build may still hold a file for a moment; the folder is under the temporary folder.
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FirmwareGate.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FirmwareGate.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^FirmwareGate\.MSBuild\.(?<version>.+)\.nupkg$")]
    private static partial Regex VersionOf();
}
