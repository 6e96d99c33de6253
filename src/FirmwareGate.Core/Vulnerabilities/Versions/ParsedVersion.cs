namespace FirmwareGate.Core.Vulnerabilities.Versions;

/// <summary>A version cut into epoch, body and packaging revision or flavour (see <see cref="VersionComparer"/>).</summary>
internal sealed class ParsedVersion
{
    private ParsedVersion(long epoch, List<VersionToken> body, List<VersionToken>? revision, VersionScheme scheme)
    {
        Epoch = epoch;
        Body = body;
        Revision = revision;
        Scheme = scheme;
    }

    /// <summary>How a version's first number reads.</summary>
    public enum VersionScheme
    {
        /// <summary>Nothing tells.</summary>
        Other,

        /// <summary>First number below 1000: 1.36.1.</summary>
        Ordinary,

        /// <summary>A year first: 2022.83, 2023.01.</summary>
        Year,

        /// <summary>A compact date: 20230115.</summary>
        CompactDate,
    }

    public long Epoch { get; }

    public List<VersionToken> Body { get; }

    public List<VersionToken>? Revision { get; }

    public VersionScheme Scheme { get; }

    public static ParsedVersion? TryParse(string text)
    {
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.Length is 0 or > VersionComparer.MaxLength || IsCommitHash(s))
        {
            return null;
        }

        long epoch = 0;
        int colon = s.IndexOf(':');
        if (colon > 0 && colon <= 9 && IsDigits(s[..colon]))
        {
            epoch = long.Parse(s[..colon], System.Globalization.CultureInfo.InvariantCulture);
            s = s[(colon + 1)..];
        }

        if (s.Length > 1 && s[0] is 'v' or 'V' && char.IsAsciiDigit(s[1]))
        {
            s = s[1..];
        }

        int plus = s.IndexOf('+');
        if (plus >= 0)
        {
            s = s[..plus];
        }

        int dash = RevisionDash(s);
        ReadOnlySpan<char> body = dash < 0 ? s : s[..dash];
        ReadOnlySpan<char> revision = dash < 0 ? [] : s[(dash + 1)..];
        List<VersionToken> bodyTokens = VersionTokens.Tokenize(body);
        if (!bodyTokens.Exists(t => t.Kind == VersionTokenKind.Number))
        {
            return null;
        }

        List<VersionToken>? revisionTokens = revision.IsEmpty ? null : VersionTokens.Tokenize(revision);
        return new ParsedVersion(epoch, bodyTokens, revisionTokens, SchemeOf(bodyTokens));
    }

    /// <summary>False when one is a date and the other an ordinary version number.</summary>
    public static bool SameScheme(ParsedVersion x, ParsedVersion y) =>
        x.Scheme == y.Scheme || x.Scheme == VersionScheme.Other || y.Scheme == VersionScheme.Other;

    // "5.15.0-rc3": the pre-release stays in the body; "1.0.2k-fips", "2.9.14-2": flavour or revision.
    // "2023-01-15": a date, all body.
    // The index of the '-' that starts a revision or flavour, -1 when there is none.
    private static int RevisionDash(ReadOnlySpan<char> s)
    {
        int dash = s.IndexOf('-');
        if (dash < 0)
        {
            return -1;
        }

        ReadOnlySpan<char> head = s[..dash];
        ReadOnlySpan<char> tail = s[(dash + 1)..];
        int letters = 0;
        while (letters < tail.Length && char.IsAsciiLetter(tail[letters]))
        {
            letters++;
        }

        bool preRelease = letters > 0 && VersionTokens.PreReleaseRank(tail[..letters].ToString().ToLowerInvariant()) is not null;
        bool date = head.Length == 4 && IsDigits(head) && tail.Length > 0 && char.IsAsciiDigit(tail[0]);
        return preRelease || date ? -1 : dash;
    }

    private static VersionScheme SchemeOf(List<VersionToken> body)
    {
        VersionToken first = body[0];
        if (first.Kind != VersionTokenKind.Number)
        {
            return VersionScheme.Other;
        }

        string digits = first.Text;
        if (digits.Length == 8 && digits[0] is '1' or '2')
        {
            return VersionScheme.CompactDate;
        }

        if (digits.Length == 4 && string.CompareOrdinal(digits, "1900") >= 0 && string.CompareOrdinal(digits, "2199") <= 0)
        {
            return VersionScheme.Year;
        }

        return digits.Length <= 3 ? VersionScheme.Ordinary : VersionScheme.Other;
    }

    // A bare commit id: 7 to 64 hex digits with at least one letter and one digit.
    private static bool IsCommitHash(ReadOnlySpan<char> s)
    {
        if (s.Length is < 7 or > 64 || !s.ContainsAnyExcept("0123456789") || !s.ContainsAny("0123456789"))
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s) => s.Length > 0 && !s.ContainsAnyExcept("0123456789");
}
