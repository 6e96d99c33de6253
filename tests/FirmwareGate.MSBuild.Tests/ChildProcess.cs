using System.Diagnostics;
using System.Text;

namespace FirmwareGate.MSBuild.Tests;

/// <summary>Runs <c>dotnet</c> as a child process with an environment free of the caller's build and CI settings.</summary>
public static class ChildProcess
{
    private static readonly string[] Kept =
        ["DOTNET_ROOT", "DOTNET_CLI_TELEMETRY_OPTOUT", "DOTNET_NOLOGO", "DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "DOTNET_CLI_HOME"];

    /// <summary>The output (standard output and error, interleaved) and the exit code.</summary>
    public sealed record Result(int ExitCode, string Output);

    /// <summary>Runs dotnet with <paramref name="args"/> in <paramref name="workingDirectory"/>; NUGET_PACKAGES is <paramref name="nugetPackages"/>.</summary>
    public static Result Dotnet(string workingDirectory, string nugetPackages, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Scrub(info.Environment);
        info.Environment["NUGET_PACKAGES"] = nugetPackages;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(15)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new Result(-1, output + "\n(timed out)");
        }

        process.WaitForExit();
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString());
        }
    }

    /// <summary>Removes what would change how the child builds: GITHUB_*, MSBUILD*, DOTNET_* (but the root and quiet switches), NUGET_*, test host settings.</summary>
    public static void Scrub(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.ToList())
        {
            var drop = name.StartsWith("GITHUB_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("NUGET_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("FIRMWAREGATE", StringComparison.OrdinalIgnoreCase)
                || name.Equals("SOURCE_DATE_EPOCH", StringComparison.OrdinalIgnoreCase)
                || (name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) && !Kept.Contains(name, StringComparer.OrdinalIgnoreCase));
            if (drop)
            {
                environment.Remove(name);
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
