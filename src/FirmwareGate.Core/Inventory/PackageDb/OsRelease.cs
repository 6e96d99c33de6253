namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// The raw content of one OS release file (<c>/etc/os-release</c>, <c>/etc/openwrt_release</c>, ...), so a
/// report can name the firmware and its version. Key/value files give their keys; one-line files
/// (<c>/etc/debian_version</c>, <c>/etc/alpine-release</c>, <c>/etc/openwrt_version</c>, <c>/etc/issue</c>,
/// <c>/etc/version</c>) give their first line under the key <see cref="ValueKey"/>.
/// </summary>
/// <param name="LayerLocation">Location of the filesystem layer.</param>
/// <param name="Path">Path of the file inside the filesystem.</param>
/// <param name="Fields">Keys and unquoted values, sorted by key.</param>
public sealed record OsRelease(string LayerLocation, string Path, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>The key of the value of a one-line file.</summary>
    public const string ValueKey = "VALUE";
}
