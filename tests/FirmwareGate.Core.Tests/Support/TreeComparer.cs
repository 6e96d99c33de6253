using System.Globalization;
using System.Security.Cryptography;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Support;

/// <summary>Compares an unpacked tree with a file list row by row, reading every file's content.</summary>
internal static class TreeComparer
{
    [Flags]
    public enum Fields
    {
        None = 0,
        Owner = 1,
        Devices = 2,
        HardLinks = 4,
        Mode = 8,
        All = Owner | Devices | HardLinks | Mode,
    }

    public static List<string> Differences(FileSystemTree tree, IReadOnlyList<ManifestRow> expected, Fields fields = Fields.All, bool onlyExpectedPaths = false)
    {
        var diffs = new List<string>();
        var actual = tree.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        foreach (var row in expected)
        {
            if (!actual.TryGetValue(row.Path, out var e))
            {
                diffs.Add($"missing {row.Path}");
                continue;
            }

            void Check(string field, string want, string got)
            {
                if (want != got)
                {
                    diffs.Add($"{row.Path}: {field} expected '{want}', got '{got}'");
                }
            }

            Check("type", row.Type, EntryTypeNames.Of(e.Type));
            if (fields.HasFlag(Fields.Mode))
            {
                Check("mode", row.Mode, Convert.ToString(e.Mode, 8).PadLeft(4, '0'));
            }

            if (fields.HasFlag(Fields.Owner))
            {
                Check("uid", row.Uid, e.Uid.ToString(CultureInfo.InvariantCulture));
                Check("gid", row.Gid, e.Gid.ToString(CultureInfo.InvariantCulture));
            }

            Check("size", row.Size, e.Size.ToString(CultureInfo.InvariantCulture));
            Check("target", row.Target, e.LinkTarget ?? "");
            if (fields.HasFlag(Fields.Devices) && row.Type is "chardev" or "blockdev")
            {
                Check("major", row.Major, e.Major.ToString(CultureInfo.InvariantCulture));
                Check("minor", row.Minor, e.Minor.ToString(CultureInfo.InvariantCulture));
            }

            if (fields.HasFlag(Fields.HardLinks))
            {
                Check("hardlink_of", row.HardlinkOf, e.HardLinkTo ?? "");
            }

            if (row.Type == "file")
            {
                Check("sha256", row.Sha256, Sha256(e.Content!));
            }
        }

        if (!onlyExpectedPaths)
        {
            var known = expected.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
            diffs.AddRange(tree.Entries.Where(e => !known.Contains(e.Path)).Select(e => $"unexpected {e.Path}"));
        }

        return diffs;
    }

    public static string Sha256(IByteSource source)
    {
        using var stream = source.OpenStream();
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
