using System.Security.Cryptography;

namespace FirmwareGate.Core.Tests.Support;

/// <summary>
/// Every entry below a folder outside the output (type, mode, size, content hash, link target,
/// write time), so a test can show that an extraction wrote, changed or chmod-ed nothing there.
/// </summary>
internal sealed record HostSnapshot(IReadOnlyList<string> Entries)
{
    public static HostSnapshot Of(string folder)
    {
        var list = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            string kind = info.LinkTarget is { } t ? "link:" + t : Directory.Exists(path) ? "dir" : "file:" + info.Length + ":" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
            list.Add($"{path} {kind} {File.GetUnixFileMode(path)} {info.LastWriteTimeUtc.Ticks}");
        }

        list.Add($"{folder} {File.GetUnixFileMode(folder)}");
        return new HostSnapshot(list);
    }

    /// <summary>Asserts the folder is exactly as it was.</summary>
    public void AssertUnchanged(string folder) => Assert.Equal(Entries, Of(folder).Entries);

    /// <summary>Names in a folder without following symlinks (File.Exists follows them).</summary>
    public static bool EntryExists(string path) =>
        Directory.Exists(Path.GetDirectoryName(path)) && Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(path)!).Contains(path);
}
