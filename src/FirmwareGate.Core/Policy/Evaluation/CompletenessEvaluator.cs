using System.Globalization;

namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// <c>completeness:</c> an incomplete analysis (one violation naming the first warnings and limits), and
/// shares of the image that are unknown or unknown high-entropy bytes above the policy's maximum.
/// </summary>
internal static class CompletenessEvaluator
{
    public const string IncompleteRule = "analysis.incomplete";
    public const string UnknownBytesRule = "analysis.unknown-bytes";
    public const string HighEntropyRule = "analysis.high-entropy";
    private const int ReasonsShown = 3;

    public static IEnumerable<Judged> Evaluate(CompletenessPolicy policy, ScanFacts facts)
    {
        if (policy.Incomplete is { } incomplete && !facts.Complete)
        {
            yield return ImageViolation.Of(ViolationKind.Completeness, IncompleteRule, "image", IncompleteMessage(facts), facts, incomplete);
        }

        if (facts.Coverage is not { Bytes: > 0 } coverage)
        {
            yield break;
        }

        if (policy.MaxUnknown is { } unknown && Share(coverage.Unknown, coverage.Bytes) is var u && u > unknown.Min)
        {
            string message = string.Create(CultureInfo.InvariantCulture, $"{Messages.Percent(u)} of the image ({coverage.Unknown} of {coverage.Bytes} bytes) is unknown, over the policy's {Messages.Percent(unknown.Min)}");
            yield return ImageViolation.Of(ViolationKind.Completeness, UnknownBytesRule, "image", message, facts, unknown);
        }

        if (policy.MaxHighEntropy is { } high && Share(coverage.UnknownHighEntropy, coverage.Bytes) is var h && h > high.Min)
        {
            string message = string.Create(CultureInfo.InvariantCulture, $"{Messages.Percent(h)} of the image ({coverage.UnknownHighEntropy} of {coverage.Bytes} bytes) is unknown high-entropy data (encrypted or compressed, not unpacked), over the policy's {Messages.Percent(high.Min)}");
            yield return ImageViolation.Of(ViolationKind.Completeness, HighEntropyRule, "image", message, facts, high);
        }
    }

    private static double Share(long part, long whole) => (double)Math.Clamp(part, 0, whole) / whole;

    private static string IncompleteMessage(ScanFacts facts)
    {
        var reasons = facts.Warnings.Concat(facts.LimitsHit.Select(l => "limit reached: " + l)).ToList();
        string shown = string.Join("; ", reasons.Take(ReasonsShown));
        string more = reasons.Count > ReasonsShown ? $" (and {reasons.Count - ReasonsShown} more)" : "";
        return reasons.Count == 0 ? "the analysis is incomplete" : $"the analysis is incomplete: {shown}{more}";
    }
}
