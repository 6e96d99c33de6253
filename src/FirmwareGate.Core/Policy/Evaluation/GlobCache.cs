namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// Globs of one evaluation, each prepared once however many binaries, findings and components it is tried
/// on (see <see cref="GlobMatcher"/>); rule-id globs also remember their answer per id (a scan has thousands of findings but few rule ids).
/// A malformed glob (the loader rejects those) matches nothing.
/// </summary>
internal sealed class GlobCache
{
    private readonly Dictionary<(string Pattern, bool IgnoreCase), GlobMatcher> _globs = [];
    private readonly Dictionary<(string Pattern, string Text), bool> _idMatches = [];

    /// <summary>True when <paramref name="text"/> matches the path glob <paramref name="pattern"/> (case-sensitive).</summary>
    public bool Path(string pattern, string? text) => text is not null && Get(pattern, ignoreCase: false).IsMatch(text);

    /// <summary>True when <paramref name="text"/> matches the name glob <paramref name="pattern"/> (case-insensitive).</summary>
    public bool Name(string pattern, string? text) => text is not null && Get(pattern, ignoreCase: true).IsMatch(text);

    /// <summary>True when the rule id matches the glob (case-insensitive), remembered per pattern and id.</summary>
    public bool RuleId(string pattern, string ruleId)
    {
        if (!_idMatches.TryGetValue((pattern, ruleId), out bool match))
        {
            match = Name(pattern, ruleId);
            _idMatches[(pattern, ruleId)] = match;
        }

        return match;
    }

    /// <summary>True when any glob of <paramref name="patterns"/> matches the path.</summary>
    public bool AnyPath(IReadOnlyList<string> patterns, string? text)
    {
        foreach (string pattern in patterns)
        {
            if (Path(pattern, text))
            {
                return true;
            }
        }

        return false;
    }

    private GlobMatcher Get(string pattern, bool ignoreCase)
    {
        if (!_globs.TryGetValue((pattern, ignoreCase), out var glob))
        {
            glob = new GlobMatcher(pattern, ignoreCase);
            _globs[(pattern, ignoreCase)] = glob;
        }

        return glob;
    }
}
