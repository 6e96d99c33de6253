using System.Security.Cryptography;

namespace FirmwareGate.Core.Tests.Support;

/// <summary>
/// Every entry below a folder outside the output (type, mode, size, content hash, link target,
/// write time), so a test can show that an extraction wrote, changed or chmod-ed nothing there.
/// </summary>
internal sealed record HostSnapshot(IReadOnlyList<string> Entries)
{
    public static HostSnapshot Of(string folder, string? skip = null)
    {
        var list = new List<string>();
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var dir))
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(dir))
            {
                if (path == skip)
                {
                    continue;
                }

                // Links are recorded, never followed: the snapshot must not wander out of the folder.
                var info = new FileInfo(path);
                string kind;
                if (info.LinkTarget is { } target)
                {
                    kind = "link:" + target;
                }
                else if (Directory.Exists(path))
                {
                    kind = "dir";
                    pending.Push(path);
                }
                else
                {
                    kind = "file:" + info.Length + ":" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
                }

                list.Add($"{path} {kind} {(info.LinkTarget is null ? File.GetUnixFileMode(path) : "")} {info.LastWriteTimeUtc.Ticks}");
            }
        }

        list.Sort(StringComparer.Ordinal);
        list.Add($"{folder} {File.GetUnixFileMode(folder)}");
        return new HostSnapshot(list);
    }

    /// <summary>Asserts the folder is exactly as it was.</summary>
    public void AssertUnchanged(string folder, string? skip = null) => Assert.Equal(Entries, Of(folder, skip).Entries);

    /// <summary>Names in a folder without following symlinks (File.Exists follows them).</summary>
    public static bool EntryExists(string path) =>
        Directory.Exists(Path.GetDirectoryName(path)) && Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(path)!).Contains(path);
}
