using System.Text;
using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>Reads a package's file list (dpkg <c>info/PKG.list</c>, opkg <c>info/PKG.list</c>): one absolute path per line.</summary>
internal static class PackageListReader
{
    /// <summary>Most paths kept from one list.</summary>
    public const int MaxPaths = 200_000;

    /// <summary>Longest line read (PATH_MAX is 4096).</summary>
    public const int MaxLineLength = 4096;

    /// <summary>The listed paths, in file order. dpkg's "/." line for the root is left out.</summary>
    public static List<string> Read(ReadOnlySpan<byte> data, Action<string> warn, CancellationToken ct)
    {
        var paths = new List<string>();
        int lineNo = 0;
        int pos = 0;
        while (TextLines.Next(data, ref pos, ref lineNo, ct, out var line))
        {
            if (line.Length > MaxLineLength)
            {
                warn($"line {lineNo} is {line.Length} bytes, over the {MaxLineLength}-byte limit; skipped");
                continue;
            }

            // Some opkg versions append "\t<mode/link info>" to a path.
            int tab = line.IndexOf((byte)'\t');
            if (tab >= 0)
            {
                line = line[..tab];
            }

            if (line.Length == 0 || line.SequenceEqual("/."u8))
            {
                continue;
            }

            if (line[0] != '/' || line.IndexOf((byte)0) >= 0)
            {
                warn($"line {lineNo}: not an absolute path; skipped");
                continue;
            }

            if (paths.Count >= MaxPaths)
            {
                warn($"more than {MaxPaths} paths; the rest, from line {lineNo}, is ignored");
                break;
            }

            paths.Add(Encoding.UTF8.GetString(line));
        }

        return paths;
    }
}
