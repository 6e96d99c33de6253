namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>One paragraph of a Debian control-format file (dpkg status, opkg status, a .control file).</summary>
/// <param name="Line">1-based line number of its first field.</param>
/// <param name="Fields">The fields that were asked for, by name (case-insensitive, as Debian field names are).</param>
internal sealed record ControlStanza(int Line, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>The trimmed value of a field, or null when absent or empty.</summary>
    public string? this[string name] => Fields.TryGetValue(name, out string? v) && v.Length > 0 ? v : null;
}
