namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// Applies waivers: a waiver covers a violation when every field it gives matches (<c>cve</c> the record's id or
/// an alias, <c>rule</c> the rule id, <c>path</c> the path, <c>component</c> and <c>versions</c> the component);
/// the first unexpired covering waiver in file order waives it. Expired waivers waive nothing; unexpired
/// waivers that cover nothing are stale.
/// </summary>
internal sealed class WaiverMatcher
{
    private readonly IReadOnlyList<Waiver> _waivers;
    private readonly GlobCache _globs;
    private readonly bool[] _expired;

    public WaiverMatcher(IReadOnlyList<Waiver> waivers, DateTimeOffset now, GlobCache globs)
    {
        _waivers = waivers;
        _globs = globs;
        _expired = [.. waivers.Select(w => w.IsExpired(now))];
    }

    /// <summary>Waivers past their expiry, in file order.</summary>
    public IReadOnlyList<Waiver> Expired => [.. _waivers.Where((_, i) => _expired[i])];

    /// <summary>
    /// Sets <see cref="Violation.WaivedBy"/> on each violation an unexpired waiver covers, and returns the
    /// fingerprints each waiver covers (a waiver behind an earlier one that covers the same violation counts as
    /// used too, so it is not called stale).
    /// </summary>
    public (List<Violation> Violations, List<SortedSet<string>> Covered) Apply(IReadOnlyList<Judged> judged)
    {
        var covered = _waivers.Select(_ => new SortedSet<string>(StringComparer.Ordinal)).ToList();
        var result = new List<Violation>(judged.Count);
        foreach (var j in judged)
        {
            Waiver? first = null;
            for (int i = 0; i < _waivers.Count; i++)
            {
                if (_expired[i] || !Covers(_waivers[i], j))
                {
                    continue;
                }

                covered[i].Add(j.Violation.Fingerprint);
                first ??= _waivers[i];
            }

            result.Add(first is null ? j.Violation : j.Violation with { WaivedBy = first });
        }

        return (result, covered);
    }

    /// <summary>True when every field the waiver gives matches; a waiver that gives none covers nothing.</summary>
    public bool Covers(Waiver w, Judged j)
    {
        if (w.Cve is null && w.Rule is null && w.Path is null && w.Component is null && w.Versions is null)
        {
            return false;
        }

        var v = j.Violation;
        return (w.Cve is null || j.Ids.Contains(w.Cve, StringComparer.OrdinalIgnoreCase))
            && (w.Rule is null || _globs.RuleId(w.Rule, v.RuleId))
            && (w.Path is null || _globs.Path(w.Path, v.Path))
            && (w.Component is null || _globs.Name(w.Component, j.ComponentName))
            && (w.Versions is null || (j.ComponentName is not null && w.Versions.Contains(j.ComponentVersion) == true));
    }
}
