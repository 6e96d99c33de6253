using FirmwareGate.Core.Policy.Evaluation;

namespace FirmwareGate.Core.Policy;

/// <summary>Applies a policy to a scan's facts: rules, then waivers, then the baseline, then the verdict.</summary>
public static class PolicyEvaluator
{
    /// <summary>Evaluates <paramref name="policy"/> on <paramref name="facts"/>.</summary>
    public static PolicyOutcome Evaluate(PolicyDocument policy, ScanFacts facts, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);

        var globs = new GlobCache();
        var uncovered = new SortedSet<string>(StringComparer.Ordinal);
        var judged = Judge(policy, facts, globs, uncovered).ToList();

        var waivers = new WaiverMatcher(policy.Waivers, options.Now, globs);
        var (violations, covered) = waivers.Apply(judged);

        var baseline = options.Baseline is { } b ? BaselineStep.Fingerprints(policy, b) : null;
        bool newOnly = baseline is not null && policy.Baseline == BaselineMode.NewOnly;
        for (int i = 0; i < violations.Count; i++)
        {
            var v = violations[i];
            bool inBaseline = baseline?.Contains(v.Fingerprint) == true;
            violations[i] = v with
            {
                InBaseline = inBaseline,
                Fails = v.Level == PolicyLevel.Error && v.WaivedBy is null && !(newOnly && inBaseline),
            };
        }

        return new PolicyOutcome
        {
            PolicyFile = policy.File,
            Verdict = VerdictOf(violations),
            Violations = [.. violations.OrderBy(v => v, ViolationOrder.Instance)],
            Uncovered = [.. uncovered],
            Applied = [.. policy.Waivers.Select((w, i) => (w, i)).Where(p => covered[p.i].Count > 0).Select(p => new WaiverUse(p.w, [.. covered[p.i]]))],
            Expired = waivers.Expired,
            Stale = [.. policy.Waivers.Where((w, i) => !w.IsExpired(options.Now) && covered[i].Count == 0)],
            HasBaseline = options.Baseline is not null,
            EvaluatedAt = options.Now,
        };
    }

    /// <summary>Every violation the rules give (level above off), before waivers and the baseline; uncovered findings go to <paramref name="uncovered"/>.</summary>
    internal static IEnumerable<Judged> Judge(PolicyDocument policy, ScanFacts facts, GlobCache globs, ICollection<string> uncovered) =>
        VulnerabilityEvaluator.Evaluate(policy.Vulnerabilities, facts)
            .Concat(HardeningEvaluator.Evaluate(policy.Hardening, facts, globs))
            .Concat(FindingEvaluator.Evaluate(policy, facts, globs, uncovered))
            .Concat(ComponentEvaluator.Evaluate(policy.Components, facts, globs))
            .Concat(CompletenessEvaluator.Evaluate(policy.Completeness, facts))
            .Concat(DatabaseEvaluator.Evaluate(policy.Database, facts))
            .Where(j => j.Violation.Level > PolicyLevel.Off);

    /// <summary>Incomplete when an unexcused incomplete-analysis violation fails, else fail when anything fails, else pass.</summary>
    private static PolicyVerdict VerdictOf(IReadOnlyList<Violation> violations) =>
        violations.Any(v => v.Fails && v.RuleId == CompletenessEvaluator.IncompleteRule && v.Kind == ViolationKind.Completeness) ? PolicyVerdict.Incomplete
        : violations.Any(v => v.Fails) ? PolicyVerdict.Fail
        : PolicyVerdict.Pass;
}
