namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>Picks the rule that decides an item several rules match: the strongest level, the first in the file on ties.</summary>
internal static class StrongestRule
{
    /// <summary>The deciding rule of <paramref name="matched"/> (given in the policy's declaration order), null when none matched.</summary>
    public static T? Of<T>(IEnumerable<T> matched)
        where T : PolicyRule
    {
        T? best = null;
        foreach (var rule in matched)
        {
            if (best is null || rule.Level > best.Level || (rule.Level == best.Level && Before(rule.Position, best.Position)))
            {
                best = rule;
            }
        }

        return best;
    }

    private static bool Before(SourcePosition? a, SourcePosition? b) =>
        a is { } x && b is { } y && (x.Line < y.Line || (x.Line == y.Line && x.Column < y.Column));
}
