namespace FirmwareGate.Core.Vulnerabilities.Cpe;

/// <summary>Compares one attribute of two CPE names (NISTIR 7696 section 6.1.2, table 6-2).</summary>
public static class CpeAttribute
{
    private const int MaxWildcardCells = 1 << 20;

    /// <summary>
    /// The relation of <paramref name="source"/> (the NVD criteria's attribute) to <paramref name="target"/> (the
    /// component's), as <see cref="CpeName"/> stores them. Case is ignored.
    /// </summary>
    public static CpeRelation Compare(string source, string target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (CpeName.IsAny(source))
        {
            return CpeName.IsAny(target) ? CpeRelation.Equal : CpeRelation.Superset;
        }

        if (CpeName.IsAny(target))
        {
            return CpeRelation.Subset;
        }

        if (CpeName.IsNotApplicable(source) || CpeName.IsNotApplicable(target))
        {
            return source == target ? CpeRelation.Equal : CpeRelation.Disjoint;
        }

        if (string.Equals(source, target, StringComparison.OrdinalIgnoreCase))
        {
            return CpeRelation.Equal;
        }

        // A wildcard in the target is undefined in the table; it cannot show a match.
        if (HasWildcard(target))
        {
            return CpeRelation.Disjoint;
        }

        return HasWildcard(source) && WildcardMatches(source, target) ? CpeRelation.Superset : CpeRelation.Disjoint;
    }

    /// <summary>True unless the relation is <see cref="CpeRelation.Disjoint"/>: the target may name what the source names.</summary>
    public static bool MayMatch(string source, string target) => Compare(source, target) != CpeRelation.Disjoint;

    /// <summary>True when the stored value holds an unquoted <c>*</c> or <c>?</c>.</summary>
    public static bool HasWildcard(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
            }
            else if (value[i] is '*' or '?')
            {
                return true;
            }
        }

        return false;
    }

    // '*' any run, '?' one character; quoted characters literal. Dynamic programming, bounded in size.
    private static bool WildcardMatches(string pattern, string text)
    {
        var tokens = new List<(char C, bool Literal)>();
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                tokens.Add((char.ToLowerInvariant(pattern[++i]), true));
            }
            else
            {
                tokens.Add((char.ToLowerInvariant(pattern[i]), pattern[i] is not ('*' or '?')));
            }
        }

        string plain = CpeName.Plain(text).ToLowerInvariant();
        if ((long)(tokens.Count + 1) * (plain.Length + 1) > MaxWildcardCells)
        {
            return false;
        }

        var previous = new bool[plain.Length + 1];
        var row = new bool[plain.Length + 1];
        previous[0] = true;
        foreach ((char c, bool literal) in tokens)
        {
            row[0] = !literal && c == '*' && previous[0];
            for (int j = 1; j <= plain.Length; j++)
            {
                row[j] = literal ? previous[j - 1] && plain[j - 1] == c
                    : c == '*' ? previous[j] || row[j - 1]
                    : previous[j - 1];
            }

            (previous, row) = (row, previous);
        }

        return previous[plain.Length];
    }
}
