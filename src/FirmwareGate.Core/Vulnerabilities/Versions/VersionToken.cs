namespace FirmwareGate.Core.Vulnerabilities.Versions;

/// <summary>What a piece of a version is.</summary>
internal enum VersionTokenKind
{
    /// <summary>A run of digits.</summary>
    Number,

    /// <summary>A pre-release word (<c>rc</c>, <c>beta</c>...) or a <c>~</c> marker: sorts before the release.</summary>
    PreRelease,

    /// <summary>Other letters (<c>p</c>, <c>w</c>, <c>k</c>): a post-release level.</summary>
    Letters,
}

/// <summary>One run of a version: digits (without leading zeros) or lower-case letters.</summary>
/// <param name="Kind">What the run is.</param>
/// <param name="Text">The digits without leading zeros ("" for zero), or the lower-case letters.</param>
/// <param name="Rank">For a pre-release word, its order (dev &lt; alpha &lt; beta &lt; pre &lt; rc).</param>
internal readonly record struct VersionToken(VersionTokenKind Kind, string Text, int Rank);
