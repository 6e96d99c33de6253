namespace FirmwareGate.MSBuild;

/// <summary>Paths in messages: relative to the project folder (the task's current folder) when under it.</summary>
public static class DisplayPath
{
    /// <summary>The path to show for <paramref name="path"/>.</summary>
    public static string Of(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }
}
