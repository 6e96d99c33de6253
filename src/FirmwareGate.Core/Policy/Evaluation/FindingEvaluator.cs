using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// Check findings: the first <see cref="FindingRule"/> in file order that names the finding's rule id (and
/// matches its path and severity when it says so) decides; else the <c>findings:</c> level for its severity;
/// else it is uncovered (reported, never failing). Level <c>off</c> ignores it.
/// </summary>
internal static class FindingEvaluator
{
    public static IEnumerable<Judged> Evaluate(PolicyDocument policy, ScanFacts facts, GlobCache globs, ICollection<string> uncovered)
    {
        foreach (var finding in facts.Findings)
        {
            PolicyRule? rule = policy.Findings.FirstOrDefault(r => Matches(r, finding, globs))
                ?? (PolicyRule?)policy.FindingSeverities.FirstOrDefault(r => r.Severity == finding.Severity);
            if (rule is null)
            {
                uncovered.Add(finding.Fingerprint);
                continue;
            }

            if (rule.Level == PolicyLevel.Off)
            {
                continue;
            }

            var violation = new Violation
            {
                Kind = ViolationKind.Finding,
                RuleId = finding.RuleId,
                Ref = finding.Fingerprint,
                Fingerprint = finding.Fingerprint,
                Message = Messages.OneLine(finding.Message),
                Location = finding.Location,
                Path = finding.Path,
                Severity = finding.Severity,
                Level = rule.Level,
                PolicyRule = rule.Id,
                PolicyPosition = rule.Position,
            };
            yield return new Judged(violation, [], null, null);
        }
    }

    private static bool Matches(FindingRule rule, Finding finding, GlobCache globs) =>
        globs.RuleId(rule.RulePattern, finding.RuleId)
        && (rule.PathGlob is null || globs.Path(rule.PathGlob, finding.Path))
        && (rule.MinSeverity is not { } min || finding.Severity >= min);
}
