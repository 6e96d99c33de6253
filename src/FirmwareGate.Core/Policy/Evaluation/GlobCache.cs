namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// Globs of one evaluation, each compiled once however many binaries, findings and components it is tried
/// on; rule-id globs also remember their answer per id (a scan has thousands of findings but few rule ids).
/// A malformed glob (the loader rejects those) matches nothing.
/// </summary>
internal sealed class GlobCache
{
    private readonly Dictionary<(string Pattern, bool IgnoreCase), Glob?> _globs = [];
    private readonly Dictionary<(string Pattern, string Text), bool> _idMatches = [];

    /// <summary>True when <paramref name="text"/> matches the path glob <paramref name="pattern"/> (case-sensitive).</summary>
    public bool Path(string pattern, string? text) => text is not null && Get(pattern, ignoreCase: false)?.IsMatch(text) == true;

    /// <summary>True when <paramref name="text"/> matches the name glob <paramref name="pattern"/> (case-insensitive).</summary>
    public bool Name(string pattern, string? text) => text is not null && Get(pattern, ignoreCase: true)?.IsMatch(text) == true;

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

    private Glob? Get(string pattern, bool ignoreCase)
    {
        if (!_globs.TryGetValue((pattern, ignoreCase), out var glob))
        {
            glob = Glob.TryParse(pattern, ignoreCase, out _);
            _globs[(pattern, ignoreCase)] = glob;
        }

        return glob;
    }
}
