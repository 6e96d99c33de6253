namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>Three-valued logic over <c>bool?</c>: null is "could not be decided".</summary>
internal static class Truth
{
    /// <summary>False when any is false, else null when any is null, else true (true when empty).</summary>
    public static bool? All(IEnumerable<bool?> values)
    {
        bool unknown = false;
        foreach (bool? v in values)
        {
            if (v == false)
            {
                return false;
            }

            unknown |= v is null;
        }

        return unknown ? null : true;
    }

    /// <summary>True when any is true, else null when any is null, else false (false when empty).</summary>
    public static bool? Any(IEnumerable<bool?> values)
    {
        bool unknown = false;
        foreach (bool? v in values)
        {
            if (v == true)
            {
                return true;
            }

            unknown |= v is null;
        }

        return unknown ? null : false;
    }

    /// <summary>Negation; null stays null.</summary>
    public static bool? Not(bool? value) => value is null ? null : !value.Value;
}
