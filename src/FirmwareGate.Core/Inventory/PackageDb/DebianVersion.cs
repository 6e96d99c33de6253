namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// Debian (and opkg) package versions, <c>[epoch:]upstream[-revision]</c> (deb-version(7)), and the upstream
/// version inside them.
/// </summary>
public static class DebianVersion
{
    /// <summary>Longest version accepted.</summary>
    public const int MaxLength = 128;

    // Suffixes Debian appends to an upstream version when it repacks the tarball (+dfsg, .dfsg2, ~ds1, +repack).
    private static readonly string[] RepackMarks = ["dfsg", "ds", "repack"];

    /// <summary>
    /// True for a well-formed version: at most <see cref="MaxLength"/> characters of letters, digits and
    /// <c>. + ~ - :</c> (and '_', which opkg allows), starting with a digit after the epoch.
    /// </summary>
    public static bool IsValid(string version)
    {
        if (version.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (char c in version)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '+' or '~' or '-' or ':' or '_'))
            {
                return false;
            }
        }

        int colon = version.IndexOf(':');
        return colon < 0 || (colon > 0 && version.AsSpan(0, colon).IndexOfAnyExceptInRange('0', '9') < 0 && colon + 1 < version.Length);
    }

    /// <summary>
    /// The upstream version: without the epoch ("1:"), the Debian revision (after the last '-'), the repack
    /// suffix (+dfsg, .dfsg, ~ds1, +repack2) and, for "X+reallyY" versions, the X part. A native package
    /// (no revision) loses only a binNMU suffix ("+b1"). Examples: "1:1.2.13.dfsg-1" → "1.2.13",
    /// "2.1.12-stable-8" → "2.1.12-stable", "1:2.66-4+deb12u3+b1" → "2.66". Null when the version is not valid.
    /// </summary>
    public static string? Upstream(string version)
    {
        if (!IsValid(version))
        {
            return null;
        }

        string v = version;
        int colon = v.IndexOf(':');
        if (colon >= 0)
        {
            v = v[(colon + 1)..];
        }

        int dash = v.LastIndexOf('-');
        if (dash > 0)
        {
            v = v[..dash];
        }
        else
        {
            v = StripBinNmu(v);
        }

        int really = v.IndexOf("+really", StringComparison.Ordinal);
        if (really >= 0 && really + "+really".Length < v.Length)
        {
            v = v[(really + "+really".Length)..];
        }

        v = StripRepack(v);
        return v.Length == 0 || !char.IsAsciiLetterOrDigit(v[0]) ? null : v;
    }

    private static string StripBinNmu(string v)
    {
        int plus = v.LastIndexOf("+b", StringComparison.Ordinal);
        return plus > 0 && plus + 2 < v.Length && v.AsSpan(plus + 2).IndexOfAnyExceptInRange('0', '9') < 0 ? v[..plus] : v;
    }

    // Removes "[+.~](dfsg|ds|repack)[.]?digits*" at the end, repeatedly ("+dfsg1+repack").
    private static string StripRepack(string v)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (string mark in RepackMarks)
            {
                int end = v.Length;
                while (end > 0 && char.IsAsciiDigit(v[end - 1]))
                {
                    end--;
                }

                if (end > 0 && end < v.Length && v[end - 1] == '.')
                {
                    end--; // "+dfsg.1"
                }

                int start = end - mark.Length - 1;
                if (start > 0 && v.AsSpan(start + 1, mark.Length).SequenceEqual(mark) && v[start] is '+' or '.' or '~')
                {
                    v = v[..start];
                    changed = true;
                }
            }
        }

        return v;
    }
}
