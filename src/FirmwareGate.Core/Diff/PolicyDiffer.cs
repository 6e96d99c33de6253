using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Diff;

/// <summary>
/// Evaluates two policies on one scan and compares: violations pair by fingerprint and rule id, waivers by what
/// they cover and until when (not by their position in the file, so reordering or rewording is no change).
/// </summary>
public static class PolicyDiffer
{
    /// <summary>The change in verdict from <paramref name="oldPolicy"/> to <paramref name="newPolicy"/> on <paramref name="facts"/>.</summary>
    public static PolicyDiff Compare(PolicyDocument oldPolicy, PolicyDocument newPolicy, ScanFacts facts, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(oldPolicy);
        ArgumentNullException.ThrowIfNull(newPolicy);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);
        return Compare(PolicyEvaluator.Evaluate(oldPolicy, facts, options), PolicyEvaluator.Evaluate(newPolicy, facts, options), oldPolicy.Waivers, newPolicy.Waivers);
    }

    /// <summary>Compares two outcomes already evaluated on the same scan, with the waivers of their policies.</summary>
    public static PolicyDiff Compare(PolicyOutcome oldOutcome, PolicyOutcome newOutcome, IReadOnlyList<Waiver> oldWaivers, IReadOnlyList<Waiver> newWaivers)
    {
        ArgumentNullException.ThrowIfNull(oldOutcome);
        ArgumentNullException.ThrowIfNull(newOutcome);
        ArgumentNullException.ThrowIfNull(oldWaivers);
        ArgumentNullException.ThrowIfNull(newWaivers);
        var olds = Index(oldOutcome.Violations);
        var news = Index(newOutcome.Violations);
        var start = new List<Violation>();
        var stop = new List<Violation>();
        var levels = new List<(Violation? Old, Violation? New)>();
        foreach (var key in olds.Keys.Union(news.Keys).Order(KeyComparer.Instance))
        {
            var o = olds.GetValueOrDefault(key);
            var n = news.GetValueOrDefault(key);
            bool failedBefore = o?.Fails == true;
            bool failsNow = n?.Fails == true;
            if (failsNow && !failedBefore)
            {
                start.Add(n!); // failsNow: n is not null
            }
            else if (failedBefore && !failsNow)
            {
                stop.Add(n ?? o!); // failedBefore: o is not null
            }
            else if (o?.Level != n?.Level)
            {
                levels.Add((o, n));
            }
        }

        return new PolicyDiff
        {
            Old = oldOutcome,
            New = newOutcome,
            StartFailing = start,
            StopFailing = stop,
            LevelChanged = levels,
            WaiversAdded = WaiversMissing(newWaivers, oldWaivers),
            WaiversRemoved = WaiversMissing(oldWaivers, newWaivers),
        };
    }

    /// <summary>What a waiver covers and until when: two waivers with the same coverage are the same waiver.</summary>
    public static string CoverageOf(Waiver waiver)
    {
        ArgumentNullException.ThrowIfNull(waiver);
        return string.Join('\n', waiver.Cve ?? "", waiver.Rule ?? "", waiver.Path ?? "", waiver.Component?.ToLowerInvariant() ?? "", waiver.Versions?.Text ?? "", waiver.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Dictionary<(string Fingerprint, string RuleId), Violation> Index(IReadOnlyList<Violation> violations)
    {
        var map = new Dictionary<(string, string), Violation>();
        foreach (var v in violations)
        {
            // One subject matched twice under one rule id (two policy rules): the failing or higher-level one speaks for it.
            var key = (v.Fingerprint, v.RuleId);
            if (!map.TryGetValue(key, out var seen) || Rank(v) > Rank(seen))
            {
                map[key] = v;
            }
        }

        return map;
    }

    private static int Rank(Violation v) => (v.Fails ? 100 : 0) + (int)v.Level;

    private static List<Waiver> WaiversMissing(IReadOnlyList<Waiver> from, IReadOnlyList<Waiver> other)
    {
        var present = other.Select(CoverageOf).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. from.Where(w => !present.Contains(CoverageOf(w)) && seen.Add(CoverageOf(w)))];
    }

    private sealed class KeyComparer : IComparer<(string Fingerprint, string RuleId)>
    {
        public static KeyComparer Instance { get; } = new();

        public int Compare((string Fingerprint, string RuleId) x, (string Fingerprint, string RuleId) y)
        {
            int byRule = string.CompareOrdinal(x.RuleId, y.RuleId);
            return byRule != 0 ? byRule : string.CompareOrdinal(x.Fingerprint, y.Fingerprint);
        }
    }
}
