using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Vulnerabilities.Versions;

namespace FirmwareGate.Core.Diff;

/// <summary>
/// Compares two scans' facts. Components pair by <see cref="ComponentFact.Key"/> (the purl without its version,
/// else the name), so a new version of a package is an upgrade, not a removal and an addition; vulnerabilities and
/// findings pair by their fingerprints, which leave out the image name and offsets, so a file that moves keeps its
/// findings. Every list comes out in a fixed ordinal order.
/// </summary>
public static class ScanDiffer
{
    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static ScanDiff Compare(ScanFacts before, ScanFacts after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var added = new List<ComponentFact>();
        var removed = new List<ComponentFact>();
        var upgraded = new List<ComponentChange>();
        var downgraded = new List<ComponentChange>();
        var changed = new List<ComponentChange>();
        PairComponents(before.Components, after.Components, added, removed, change =>
        {
            var list = Direction(change) switch
            {
                > 0 => upgraded,
                < 0 => downgraded,
                null => changed,
                _ => null,
            };
            list?.Add(change);
        });

        return new ScanDiff
        {
            Before = before.ImageName,
            After = after.ImageName,
            Added = Sorted(added),
            Removed = Sorted(removed),
            Upgraded = Sorted(upgraded),
            Downgraded = Sorted(downgraded),
            Changed = Sorted(changed),
            Introduced = Missing(after.Vulnerabilities, before.Vulnerabilities, v => v.Fingerprint, VulnerabilityOrder),
            Fixed = Missing(before.Vulnerabilities, after.Vulnerabilities, v => v.Fingerprint, VulnerabilityOrder),
            NewFindings = Missing(after.Findings, before.Findings, f => f.Fingerprint, FindingOrder),
            GoneFindings = Missing(before.Findings, after.Findings, f => f.Fingerprint, FindingOrder),
        };
    }

    /// <summary>Positive when the version went up, negative down, 0 the same, null when it cannot be ordered.</summary>
    private static int? Direction(ComponentChange change) => (change.Before.Version, change.After.Version) switch
    {
        (null, null) => 0,
        ({ } a, { } b) => VersionComparer.Compare(a, b) is { } order ? -order : null,
        _ => null,
    };

    /// <summary>
    /// Pairs by key. Several components of one key (two copies of a library) first pair by equal version; what is
    /// left pairs in version order, and the surplus on either side is added or removed.
    /// </summary>
    private static void PairComponents(IReadOnlyList<ComponentFact> before, IReadOnlyList<ComponentFact> after, List<ComponentFact> added, List<ComponentFact> removed, Action<ComponentChange> onChange)
    {
        var beforeByKey = ByKey(before);
        var afterByKey = ByKey(after);
        foreach (var key in beforeByKey.Keys.Union(afterByKey.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var olds = beforeByKey.GetValueOrDefault(key) ?? [];
            var news = afterByKey.GetValueOrDefault(key) ?? [];
            for (int i = olds.Count - 1; i >= 0; i--)
            {
                int match = news.FindIndex(n => n.Version == olds[i].Version);
                if (match >= 0)
                {
                    olds.RemoveAt(i);
                    news.RemoveAt(match);
                }
            }

            int pairs = Math.Min(olds.Count, news.Count);
            for (int i = 0; i < pairs; i++)
            {
                onChange(new ComponentChange(olds[i], news[i]));
            }

            removed.AddRange(olds.Skip(pairs));
            added.AddRange(news.Skip(pairs));
        }
    }

    private static Dictionary<string, List<ComponentFact>> ByKey(IReadOnlyList<ComponentFact> components)
    {
        var byKey = new Dictionary<string, List<ComponentFact>>(StringComparer.Ordinal);
        foreach (var c in components.OrderBy(c => c.Version ?? "", StringComparer.Ordinal).ThenBy(c => c.BomRef, StringComparer.Ordinal))
        {
            if (!byKey.TryGetValue(c.Key, out var list))
            {
                byKey[c.Key] = list = [];
            }

            list.Add(c);
        }

        return byKey;
    }

    private static List<T> Missing<T>(IReadOnlyList<T> from, IReadOnlyList<T> other, Func<T, string> fingerprint, Comparison<T> order)
    {
        var present = other.Select(fingerprint).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = from.Where(x => !present.Contains(fingerprint(x)) && seen.Add(fingerprint(x))).ToList();
        list.Sort(order);
        return list;
    }

    private static List<ComponentFact> Sorted(List<ComponentFact> list)
    {
        list.Sort(ComponentOrder);
        return list;
    }

    private static List<ComponentChange> Sorted(List<ComponentChange> list)
    {
        list.Sort((x, y) => ComponentOrder(x.After, y.After) is var c and not 0 ? c : ComponentOrder(x.Before, y.Before));
        return list;
    }

    private static int ComponentOrder(ComponentFact x, ComponentFact y) =>
        Chain(string.CompareOrdinal(x.Name, y.Name), string.CompareOrdinal(x.Version, y.Version), string.CompareOrdinal(x.BomRef, y.BomRef));

    private static int VulnerabilityOrder(VulnerabilityFact x, VulnerabilityFact y) =>
        Chain(string.CompareOrdinal(x.ComponentName, y.ComponentName), string.CompareOrdinal(x.Id, y.Id), string.CompareOrdinal(x.Fingerprint, y.Fingerprint));

    private static int FindingOrder(Finding x, Finding y) =>
        Chain(string.CompareOrdinal(x.Path, y.Path), string.CompareOrdinal(x.RuleId, y.RuleId), string.CompareOrdinal(x.Fingerprint, y.Fingerprint));

    private static int Chain(int first, int second, int third) => first != 0 ? first : second != 0 ? second : third;
}
