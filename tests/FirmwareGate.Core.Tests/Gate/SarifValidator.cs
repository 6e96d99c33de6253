using System.Diagnostics;
using FirmwareGate.Core.Tests.Reports;

namespace FirmwareGate.Core.Tests.Gate;

/// <summary>The shared <c>validate-sarif</c> (OASIS schema, GitHub's requirements, the SARIF Multitool), next to validate-cyclonedx.</summary>
internal static class SarifValidator
{
    public static string? Path { get; } = CycloneDxValidator.Path is { } cdx ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(cdx)!, "validate-sarif") : null; // a file path always has a folder

    public static string? Missing { get; } =
        Path is null || !File.Exists(Path) ? "validate-sarif not found (set FIRMWAREGATE_SHARED to the shared folder)" : CycloneDxValidator.Missing;

    /// <summary>Runs <c>validate-sarif --gh-rules</c> on the files; returns its exit code and output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(params string[] files)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path!, "--gh-rules" }.Concat(files))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!; // bash is a real executable: Start returns a process.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>A fact that needs both shared validators, skipped with the reason when they cannot run.</summary>
public sealed class SharedValidatorsFactAttribute : FactAttribute
{
    public SharedValidatorsFactAttribute()
    {
        if (SarifValidator.Missing is { } reason)
        {
            Skip = reason;
        }
    }
}
