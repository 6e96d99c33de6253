using System.Diagnostics;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Reports;

/// <summary>
/// The shared <c>validate-cyclonedx</c> (CycloneDX's own JavaScript library, strict schema, spec 1.6): found under
/// FIRMWAREGATE_SHARED/bin, ../shared/bin next to the repository, or /work/shared/bin; it needs node and npm.
/// </summary>
internal static class CycloneDxValidator
{
    public static string? Path { get; } = Find();

    /// <summary>Why the validator cannot run here, or null when it can.</summary>
    public static string? Missing { get; } =
        Path is null ? "validate-cyclonedx not found (set FIRMWAREGATE_SHARED to the shared folder)"
        : !OnPath("node") || !OnPath("npm") ? "validate-cyclonedx needs node and npm (apt-get install nodejs npm)"
        : null;

    /// <summary>Runs the validator on the files; returns its exit code and output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(IEnumerable<string> files)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path!, "--spec", "1.6" }.Concat(files))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!; // bash is a real executable: Start returns a process.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? Find()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("FIRMWAREGATE_SHARED") is { Length: > 0 } shared)
        {
            candidates.Add(System.IO.Path.Combine(shared, "bin"));
        }

        candidates.Add(System.IO.Path.GetFullPath(System.IO.Path.Combine(TestPaths.RepoRoot, "..", "shared", "bin")));
        candidates.Add("/work/shared/bin");
        return candidates.Select(dir => System.IO.Path.Combine(dir, "validate-cyclonedx")).FirstOrDefault(File.Exists);
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(System.IO.Path.Combine(dir, tool)));
}

/// <summary>A fact that needs the shared validate-cyclonedx, skipped with the reason when it cannot run.</summary>
public sealed class CycloneDxValidatorFactAttribute : FactAttribute
{
    public CycloneDxValidatorFactAttribute()
    {
        if (CycloneDxValidator.Missing is { } reason)
        {
            Skip = reason;
        }
    }
}
