namespace FirmwareGate.Core.Extraction;

/// <summary>An entry would be written outside the output folder or through a symlink.</summary>
public sealed class PathEscapeException(string path) : Exception($"'{path}' would be written outside the output folder; refused")
{
    /// <summary>The offending path.</summary>
    public string EntryPath { get; } = path;
}
