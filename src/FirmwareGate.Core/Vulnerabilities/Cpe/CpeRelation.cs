namespace FirmwareGate.Core.Vulnerabilities.Cpe;

/// <summary>How a source attribute relates to a target attribute (CPE Name Matching, NISTIR 7696 section 6.1).</summary>
public enum CpeRelation
{
    /// <summary>The source names every value the target does and more (source ANY, or a wildcard that matches).</summary>
    Superset,

    /// <summary>Both name the same.</summary>
    Equal,

    /// <summary>The target names more than the source (target ANY): it may be the source's value.</summary>
    Subset,

    /// <summary>No value in common.</summary>
    Disjoint,
}
