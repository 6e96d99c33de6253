namespace FirmwareGate.MSBuild;

/// <summary>Finds the <c>dotnet</c> host that runs the packaged CLI: the one MSBuild itself runs under.</summary>
public static class DotnetHost
{
    /// <summary>DOTNET_HOST_PATH (set by the .NET SDK for tasks), else this process when it is dotnet, else dotnet on PATH.</summary>
    public static string Find()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }

        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return process;
        }

        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return name;
    }
}
