using System.Text.RegularExpressions;

namespace FirmwareGate.Core.Vulnerabilities.Versions;

/// <summary>
/// Semantic Versioning 2.0.0 precedence (semver.org section 11): major, minor and patch as numbers, then a
/// pre-release sorts before the release, its dot-separated identifiers compared numerically when both are numbers,
/// numbers before text, text in ASCII order, fewer identifiers first; build metadata (<c>+...</c>) is ignored.
/// A leading <c>v</c> (Go modules) is accepted. Used for OSV <c>SEMVER</c> ranges and the npm, crates.io, Go...
/// ecosystems.
/// </summary>
public static partial class SemanticVersionComparer
{
    /// <summary>Negative, 0 or positive by SemVer precedence; null when either is not a SemVer 2.0 version.</summary>
    public static int? Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Match x = Parse(a);
        Match y = Parse(b);
        if (!x.Success || !y.Success)
        {
            return null;
        }

        for (int group = 1; group <= 3; group++)
        {
            int c = CompareNumeric(x.Groups[group].Value, y.Groups[group].Value);
            if (c != 0)
            {
                return c;
            }
        }

        return ComparePreRelease(x.Groups[4], y.Groups[4]);
    }

    /// <summary>True when <paramref name="version"/> is a SemVer 2.0 version (leading <c>v</c> allowed).</summary>
    public static bool IsValid(string version) => Parse(version).Success;

    private static Match Parse(string version) =>
        version.Length > VersionComparer.MaxLength ? Match.Empty : SemVerPattern().Match(version.Trim());

    private static int ComparePreRelease(Group x, Group y)
    {
        if (!x.Success || !y.Success)
        {
            return x.Success == y.Success ? 0 : x.Success ? -1 : 1;
        }

        string[] a = x.Value.Split('.');
        string[] b = y.Value.Split('.');
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            bool an = a[i].AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
            bool bn = b[i].AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
            int c = (an, bn) switch
            {
                (true, true) => CompareNumeric(a[i], b[i]),
                (true, false) => -1,
                (false, true) => 1,
                _ => Math.Sign(string.CompareOrdinal(a[i], b[i])),
            };
            if (c != 0)
            {
                return c;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static int CompareNumeric(string a, string b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : Math.Sign(string.CompareOrdinal(a, b));
    }

    // semver.org's suggested regular expression, with an optional leading "v".
    [GeneratedRegex(@"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex SemVerPattern();
}
