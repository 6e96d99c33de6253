namespace FirmwareGate.Core.Vulnerabilities.Versions;

/// <summary>
/// dpkg's version order (Debian Policy 5.6.12, <c>[epoch:]upstream_version[-debian_revision]</c>): the epoch as a
/// number, then upstream and revision each compared by alternating non-digit parts (letters before other
/// characters, <c>~</c> before everything, even the end) and digit parts (as numbers). Used for the OSV
/// <c>Debian</c> and <c>Ubuntu</c> ecosystems.
/// </summary>
public static class DebianVersionComparer
{
    /// <summary>Negative, 0 or positive as dpkg orders them; null when either is not a Debian version.</summary>
    public static int? Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!TrySplit(a.Trim(), out long epochA, out string upstreamA, out string revisionA)
            || !TrySplit(b.Trim(), out long epochB, out string upstreamB, out string revisionB))
        {
            return null;
        }

        if (epochA != epochB)
        {
            return epochA < epochB ? -1 : 1;
        }

        int upstream = CompareParts(upstreamA, upstreamB);
        return upstream != 0 ? upstream : CompareParts(revisionA, revisionB);
    }

    private static bool TrySplit(string version, out long epoch, out string upstream, out string revision)
    {
        epoch = 0;
        upstream = version;
        revision = "";
        if (version.Length is 0 or > VersionComparer.MaxLength)
        {
            return false;
        }

        int colon = upstream.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!long.TryParse(upstream.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out epoch))
            {
                return false;
            }

            upstream = upstream[(colon + 1)..];
        }

        int dash = upstream.LastIndexOf('-');
        if (dash >= 0)
        {
            revision = upstream[(dash + 1)..];
            upstream = upstream[..dash];
        }

        // Policy: the upstream version should start with a digit; dpkg only warns, so require one digit anywhere.
        return upstream.Length > 0 && upstream.AsSpan().ContainsAny("0123456789");
    }

    private static int CompareParts(string a, string b)
    {
        int i = 0;
        int j = 0;
        while (i < a.Length || j < b.Length)
        {
            int firstDiff = 0;
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                int ac = i < a.Length && !char.IsAsciiDigit(a[i]) ? Order(a[i]) : 0;
                int bc = j < b.Length && !char.IsAsciiDigit(b[j]) ? Order(b[j]) : 0;
                if (ac != bc)
                {
                    return ac < bc ? -1 : 1;
                }

                i++;
                j++;
            }

            while (i < a.Length && a[i] == '0')
            {
                i++;
            }

            while (j < b.Length && b[j] == '0')
            {
                j++;
            }

            while (i < a.Length && char.IsAsciiDigit(a[i]) && j < b.Length && char.IsAsciiDigit(b[j]))
            {
                if (firstDiff == 0)
                {
                    firstDiff = a[i] - b[j];
                }

                i++;
                j++;
            }

            if (i < a.Length && char.IsAsciiDigit(a[i]))
            {
                return 1;
            }

            if (j < b.Length && char.IsAsciiDigit(b[j]))
            {
                return -1;
            }

            if (firstDiff != 0)
            {
                return Math.Sign(firstDiff);
            }
        }

        return 0;
    }

    // dpkg's order(): '~' sorts before everything (even the end), letters before non-letters.
    private static int Order(char c) => c switch
    {
        '~' => -1,
        _ when char.IsAsciiLetter(c) => c,
        _ => c + 256,
    };
}
