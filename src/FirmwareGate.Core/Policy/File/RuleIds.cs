using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// Rule ids a policy may name (<see cref="RuleCatalog"/>), matched case-insensitively: exact ids and globs over
/// them. A name that is neither an id nor a glob matching one is a typo, reported with the closest ids.
/// </summary>
internal static class RuleIds
{
    /// <summary>Prefixes of ids the policy itself reports (not check findings): <c>config</c> cannot set them.</summary>
    private static readonly string[] PolicyPrefixes = ["analysis.", "component.", "database.", "hardening."];

    /// <summary>Every catalogue id.</summary>
    public static IReadOnlyList<string> All { get; } = [.. RuleCatalog.All.Select(r => r.Id).Order(StringComparer.Ordinal)];

    /// <summary>Ids of check findings (what <c>config</c>, <c>certificates</c>... levels apply to).</summary>
    public static IReadOnlyList<string> Findings { get; } =
        [.. All.Where(id => !PolicyPrefixes.Any(p => id.StartsWith(p, StringComparison.Ordinal)))];

    /// <summary>
    /// Resolves <paramref name="pattern"/> against <paramref name="known"/>: the canonical id for an exact id,
    /// the pattern for a glob that matches at least one, else null with an error message listing the closest ids.
    /// </summary>
    public static string? Resolve(string pattern, IReadOnlyList<string> known, out string? error)
    {
        error = null;
        string? exact = known.FirstOrDefault(id => string.Equals(id, pattern, StringComparison.OrdinalIgnoreCase));
        if (exact is not null)
        {
            return exact;
        }

        Glob? glob = Glob.TryParse(pattern, ignoreCase: true, out string? globError);
        if (glob is null)
        {
            error = $"'{ScalarNode.Shorten(pattern)}' is not a rule id or a valid glob: {globError}";
            return null;
        }

        if (!glob.IsLiteral && known.Any(glob.IsMatch))
        {
            return pattern;
        }

        error = glob.IsLiteral
            ? $"unknown rule id '{ScalarNode.Shorten(pattern)}' (known: {string.Join(", ", Closest(pattern, known))}...; docs/checks.md lists them all)"
            : $"the glob '{ScalarNode.Shorten(pattern)}' matches no rule id (known: {string.Join(", ", Closest(pattern, known))}...; docs/checks.md lists them all)";
        return null;
    }

    /// <summary>The ids nearest to a misspelt one (edit distance, then order), at most <paramref name="count"/>.</summary>
    public static IEnumerable<string> Closest(string text, IReadOnlyList<string> known, int count = 4)
    {
        string lower = text.ToLowerInvariant();
        if (lower.Length > 200)
        {
            lower = lower[..200];
        }

        return known.OrderBy(id => Distance(lower, id)).ThenBy(id => id, StringComparer.Ordinal).Take(count);
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
