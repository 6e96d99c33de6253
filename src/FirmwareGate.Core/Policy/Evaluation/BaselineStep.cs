namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// The baseline: what the same policy rejects in the baseline's facts, plus the fingerprints of its findings and
/// vulnerabilities; a violation with one of those fingerprints is not new.
/// </summary>
internal static class BaselineStep
{
    public static HashSet<string> Fingerprints(PolicyDocument policy, ScanFacts baseline)
    {
        var fingerprints = new HashSet<string>(StringComparer.Ordinal);
        foreach (var j in PolicyEvaluator.Judge(policy, baseline, new GlobCache(), []))
        {
            fingerprints.Add(j.Violation.Fingerprint);
        }

        fingerprints.UnionWith(baseline.Findings.Select(f => f.Fingerprint));
        fingerprints.UnionWith(baseline.Vulnerabilities.Select(v => v.Fingerprint));
        return fingerprints;
    }
}
