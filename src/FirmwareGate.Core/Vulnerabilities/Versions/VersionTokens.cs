namespace FirmwareGate.Core.Vulnerabilities.Versions;

/// <summary>Cuts a version into digit and letter runs and compares two such lists (the rules of <see cref="VersionComparer"/>).</summary>
internal static class VersionTokens
{
    /// <summary>Splits <paramref name="text"/> into runs; punctuation separates, <c>~</c> starts a pre-release.</summary>
    public static List<VersionToken> Tokenize(ReadOnlySpan<char> text)
    {
        var tokens = new List<VersionToken>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsAsciiDigit(c))
            {
                int start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                tokens.Add(new VersionToken(VersionTokenKind.Number, text[start..i].TrimStart('0').ToString(), 0));
            }
            else if (char.IsAsciiLetter(c))
            {
                int start = i;
                while (i < text.Length && char.IsAsciiLetter(text[i]))
                {
                    i++;
                }

                tokens.Add(Word(text[start..i].ToString().ToLowerInvariant()));
            }
            else
            {
                if (c == '~')
                {
                    tokens.Add(new VersionToken(VersionTokenKind.PreRelease, "~", -1));
                }

                i++;
            }
        }

        return tokens;
    }

    /// <summary>The rank of a pre-release word, or null when <paramref name="word"/> is not one.</summary>
    public static int? PreReleaseRank(string word) => word switch
    {
        "dev" or "snapshot" => 0,
        "alpha" => 1,
        "beta" => 2,
        "pre" or "preview" => 3,
        "rc" => 4,
        _ => null,
    };

    /// <summary>Compares two token lists; a missing number counts as 0.</summary>
    public static int Compare(IReadOnlyList<VersionToken> x, IReadOnlyList<VersionToken> y)
    {
        int length = Math.Max(x.Count, y.Count);
        for (int i = 0; i < length; i++)
        {
            int c = (i < x.Count, i < y.Count) switch
            {
                (true, true) => CompareTokens(x[i], y[i]),
                (true, false) => AgainstEnd(x[i]),
                _ => -AgainstEnd(y[i]),
            };
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    private static VersionToken Word(string word) =>
        PreReleaseRank(word) is { } rank
            ? new VersionToken(VersionTokenKind.PreRelease, word, rank)
            : new VersionToken(VersionTokenKind.Letters, word, 0);

    // A token where the other version has ended: 0 equals the end, pre-releases sort before it, the rest after.
    private static int AgainstEnd(VersionToken t) => t.Kind switch
    {
        VersionTokenKind.Number => t.Text.Length == 0 ? 0 : 1,
        VersionTokenKind.PreRelease => -1,
        _ => 1,
    };

    private static int CompareTokens(VersionToken a, VersionToken b)
    {
        if (a.Kind != b.Kind)
        {
            return Order(a.Kind).CompareTo(Order(b.Kind));
        }

        return a.Kind switch
        {
            VersionTokenKind.Number => CompareNumbers(a.Text, b.Text),
            VersionTokenKind.PreRelease when a.Rank != b.Rank => a.Rank.CompareTo(b.Rank),
            _ => Math.Sign(string.CompareOrdinal(a.Text, b.Text)),
        };
    }

    // At one position: pre-release < post-release letters < number (1.0rc1 < 1.0a < 1.0.1).
    private static int Order(VersionTokenKind kind) => kind switch
    {
        VersionTokenKind.PreRelease => 0,
        VersionTokenKind.Letters => 1,
        _ => 2,
    };

    private static int CompareNumbers(string a, string b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : Math.Sign(string.CompareOrdinal(a, b));
}
