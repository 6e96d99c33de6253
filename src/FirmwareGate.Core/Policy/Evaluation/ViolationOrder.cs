namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>The outcome's order: level (error first), rule id, location, fingerprint (then the subject's reference); ordinal, so every run gives the same list.</summary>
internal sealed class ViolationOrder : IComparer<Violation>
{
    public static ViolationOrder Instance { get; } = new();

    public int Compare(Violation? x, Violation? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        int c = y.Level.CompareTo(x.Level);
        if (c == 0)
        {
            c = string.CompareOrdinal(x.RuleId, y.RuleId);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(x.Location, y.Location);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(x.Fingerprint, y.Fingerprint);
        }

        return c != 0 ? c : string.CompareOrdinal(x.Ref, y.Ref);
    }
}
