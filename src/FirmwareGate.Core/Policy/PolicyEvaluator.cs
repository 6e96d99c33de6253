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
        throw new NotImplementedException();
    }
}
