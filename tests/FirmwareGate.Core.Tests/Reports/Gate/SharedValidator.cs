using System.Diagnostics;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Reports.Gate;

/// <summary>
/// A shared validator (validate-sarif, validate-cyclonedx): found under FIRMWAREGATE_SHARED/bin, ../shared/bin next to
/// the repository, or /work/shared/bin; it needs node and npm.
/// </summary>
internal static class SharedValidator
{
    public static string? Find(string name)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("FIRMWAREGATE_SHARED") is { Length: > 0 } shared)
        {
            candidates.Add(Path.Combine(shared, "bin"));
        }

        candidates.Add(Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "..", "shared", "bin")));
        candidates.Add("/work/shared/bin");
        return candidates.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>Why the validator cannot run here, or null when it can.</summary>
    public static string? Missing(string name) =>
        Find(name) is null ? $"{name} not found (set FIRMWAREGATE_SHARED to the shared folder)"
        : !OnPath("node") || !OnPath("npm") ? $"{name} needs node and npm (apt-get install nodejs npm)"
        : null;

    public static async Task<(int Code, string Output)> RunAsync(string name, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Find(name)! }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!; // bash is a real executable: Start returns a process.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
}

/// <summary>A fact that needs the shared validate-sarif, skipped with the reason when it cannot run.</summary>
public sealed class SarifValidatorFactAttribute : FactAttribute
{
    public SarifValidatorFactAttribute()
    {
        if (SharedValidator.Missing("validate-sarif") is { } reason)
        {
            Skip = reason;
        }
    }
}
