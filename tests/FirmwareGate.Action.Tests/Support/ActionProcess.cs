using System.Diagnostics;

namespace FirmwareGate.Action.Tests.Support;

/// <summary>
/// Runs the action's program as its own process with only the environment a runner gives a Docker action: the
/// build next to the tests, or the native binary named by <c>FIRMWAREGATE_ACTION_EXE</c> (CI runs these tests
/// again against the AOT build that goes into the container).
/// </summary>
internal static class ActionProcess
{
    public static string Executable =>
        Environment.GetEnvironmentVariable("FIRMWAREGATE_ACTION_EXE") is { Length: > 0 } exe ? exe : Path.Combine(AppContext.BaseDirectory, "firmwaregate-action");

    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.Environment.Clear();
        foreach (string keep in new[] { "PATH", "HOME", "DOTNET_ROOT", "TMPDIR" })
        {
            if (Environment.GetEnvironmentVariable(keep) is { } value)
            {
                start.Environment[keep] = value;
            }
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the action did not finish in 5 minutes");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
