namespace FirmwareGate.Core.Vulnerabilities.Versions;

/// <summary>
/// Compares the version strings that embedded software really uses (<c>1.1.1w</c>, <c>2022.83</c>, <c>9.8p1</c>,
/// <c>5.15.0-rc3</c>, <c>1.0.2k-fips</c>). Returns null when two versions cannot be compared: the caller reports
/// that as undecidable, never as a silent "not affected".
/// </summary>
/// <remarks>
/// The rules (docs/matching.md lists them with examples):
/// <list type="number">
/// <item>Case is ignored; a leading <c>v</c> before a digit is dropped; <c>N:</c> is an epoch, compared first (none = 0).</item>
/// <item>The body is cut into runs of digits and runs of letters; <c>.</c>, <c>_</c> and other punctuation only separate
/// them. Digit runs compare as numbers (<c>6.1.176</c> &gt; <c>6.1.76</c>); a missing trailing number counts as 0
/// (<c>6.1</c> = <c>6.1.0</c>).</item>
/// <item>The pre-release words <c>dev</c> &lt; <c>alpha</c> &lt; <c>beta</c> &lt; <c>pre</c>/<c>preview</c> &lt; <c>rc</c>
/// sort before the release (<c>5.15.0-rc3</c> &lt; <c>5.15.0</c>); text after <c>~</c> is a pre-release too.</item>
/// <item>Any other letters are a post-release level: after the plain release, before the next number
/// (<c>1.1.1</c> &lt; <c>1.1.1w</c> &lt; <c>1.1.2</c>, <c>1.9.13</c> &lt; <c>1.9.13p3</c> &lt; <c>1.9.14</c>).</item>
/// <item>After a <c>-</c>, text that is not a pre-release is a build flavour or packaging revision (<c>-fips</c>,
/// <c>-1</c>, <c>-r2</c>): it only decides between two versions that both carry one and are otherwise equal.
/// Text after <c>+</c> is build metadata and is ignored.</item>
/// <item>Undecidable (null): an empty version, one without any digit (<c>latest</c>), a commit hash
/// (<c>a1b2c3d4</c>), over-long input, or two different schemes: a date (<c>20230115</c>, or a first number of
/// 1900..2199 such as <c>2022.83</c>) against an ordinary version whose first number is below 1000.</item>
/// </list>
/// </remarks>
public static class VersionComparer
{
    /// <summary>Longest version compared; longer strings are undecidable unless identical.</summary>
    public const int MaxLength = 128;

    // Matching compares the same few versions (a component's, the bounds of a product's records) thousands of
    // times: parsed versions are kept, up to a bound, and the cache starts over when it is full.
    private const int CacheLimit = 65_536;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ParsedVersion?> Parsed = new(StringComparer.Ordinal);

    private static ParsedVersion? Parse(string text)
    {
        if (Parsed.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var parsed = ParsedVersion.TryParse(text);
        if (Parsed.Count >= CacheLimit)
        {
            Parsed.Clear();
        }

        Parsed.TryAdd(text, parsed);
        return parsed;
    }

    /// <summary>Negative when <paramref name="a"/> sorts before <paramref name="b"/>, 0 when equal, positive after; null when undecidable.</summary>
    public static int? Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase) && a.Trim().Length > 0)
        {
            return 0;
        }

        ParsedVersion? x = Parse(a);
        ParsedVersion? y = Parse(b);
        if (x is null || y is null || !ParsedVersion.SameScheme(x, y))
        {
            return null;
        }

        int byEpoch = x.Epoch.CompareTo(y.Epoch);
        if (byEpoch != 0)
        {
            return Math.Sign(byEpoch);
        }

        int body = VersionTokens.Compare(x.Body, y.Body);
        if (body != 0 || x.Revision is null || y.Revision is null)
        {
            return body;
        }

        return VersionTokens.Compare(x.Revision, y.Revision);
    }

    /// <summary>
    /// Splits a trailing patch level written onto the version (<c>1.9.13p3</c> -&gt; <c>1.9.13</c> + <c>p3</c>,
    /// <c>5.15.0-rc3</c> -&gt; <c>5.15.0</c> + <c>rc3</c>): letters then digits after a digit, as NVD puts them in
    /// the CPE <c>update</c> attribute. A lone letter (<c>1.1.1w</c>) is part of the version and is not split.
    /// </summary>
    /// <returns>The base version and the update, or the version and null when there is nothing to split.</returns>
    public static (string Version, string? Update) SplitUpdate(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        int end = version.Length;
        int digitsStart = end;
        while (digitsStart > 0 && char.IsAsciiDigit(version[digitsStart - 1]))
        {
            digitsStart--;
        }

        int lettersStart = digitsStart;
        while (lettersStart > 0 && char.IsAsciiLetter(version[lettersStart - 1]))
        {
            lettersStart--;
        }

        if (digitsStart == end || lettersStart == digitsStart)
        {
            return (version, null);
        }

        int baseEnd = lettersStart;
        if (baseEnd > 0 && version[baseEnd - 1] is '-' or '_' or '.')
        {
            baseEnd--;
        }

        if (baseEnd == 0 || !char.IsAsciiDigit(version[baseEnd - 1]))
        {
            return (version, null);
        }

        return (version[..baseEnd], version[lettersStart..]);
    }

    /// <summary>Joins a CPE version and update back into one version string (<c>1.9.13</c> + <c>p3</c> -&gt; <c>1.9.13p3</c>).</summary>
    public static string JoinUpdate(string version, string? update)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (string.IsNullOrEmpty(update))
        {
            return version;
        }

        return char.IsAsciiLetter(update[0]) ? version + update : version + "-" + update;
    }
}
