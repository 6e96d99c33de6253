namespace FirmwareGate.Core.Vulnerabilities.Matching;

/// <summary>The verdict of one record for one component.</summary>
public enum MatchVerdict
{
    /// <summary>The record does not apply.</summary>
    NotAffected,

    /// <summary>The record applies.</summary>
    Affected,

    /// <summary>The record may apply but it cannot be decided (a version that cannot be compared, a platform that is not known).</summary>
    Undecidable,

    /// <summary>The record names the component only in prose: no CPE or package data to decide with (e.g. NVD "Awaiting Analysis"). Unconfirmed, never a confirmed match.</summary>
    NoCpeData,
}

/// <summary>The verdict with what decided it.</summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Method">How it was matched: <c>nvd-cpe</c>, <c>cve5-cpe</c>, <c>cve5-affected</c>, <c>osv-purl</c>, <c>osv-ecosystem</c>, <c>description</c>.</param>
/// <param name="Entry">The matching entry: the CPE criteria with its range (<c>cpe:2.3:a:zlib:zlib:*:... &lt;= 1.3</c>), or the package and range; null when none.</param>
/// <param name="Reason">One line on why (why undecidable, which platform could not be decided, why not affected); null when the entry says it all.</param>
public sealed record MatchOutcome(MatchVerdict Verdict, string Method, string? Entry, string? Reason)
{
    /// <summary>True when the verdict was decided (affected or not affected).</summary>
    public bool Decidable => Verdict is MatchVerdict.Affected or MatchVerdict.NotAffected;
}

/// <summary>The names reports and the CLI give verdicts.</summary>
public static class MatchVerdictNames
{
    /// <summary><c>affected</c>, <c>undecidable</c>, <c>unconfirmed</c> (no CPE data) or <c>not-affected</c>.</summary>
    public static string Of(MatchVerdict verdict) => verdict switch
    {
        MatchVerdict.Affected => "affected",
        MatchVerdict.Undecidable => "undecidable",
        MatchVerdict.NoCpeData => "unconfirmed",
        _ => "not-affected",
    };
}
