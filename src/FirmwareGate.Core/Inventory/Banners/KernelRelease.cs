using System.Text.RegularExpressions;

namespace FirmwareGate.Core.Inventory.Banners;

/// <summary>
/// Upstream versions from kernel and U-Boot banners and release names. Distribution kernels carry an ABI name
/// (Debian "6.1.0-50-arm64") that is not the upstream version: the upstream one is read from the distribution
/// marker ("#1 SMP Debian 6.1.176-1", "(Ubuntu 5.15.0-91.101-generic 5.15.131)") or not at all.
/// </summary>
public static partial class KernelRelease
{
    /// <summary>The upstream version in a "Linux version RELEASE (...) ..." line; null when it does not show one.</summary>
    public static string? FromLinuxBanner(string banner)
    {
        var m = LinuxBanner().Match(banner);
        if (!m.Success)
        {
            return null;
        }

        string release = m.Groups["release"].Value;
        string rest = banner[(m.Index + m.Length)..];

        // The compiler part names Debian too ("(gcc-12 (Debian 12.2.0-14) 12.2.0"): only the part after '#' counts.
        int hash = rest.IndexOf('#', StringComparison.Ordinal);
        string build = hash >= 0 ? rest[hash..] : "";
        if (DebianBuild().Match(build) is { Success: true } debian)
        {
            return debian.Groups["version"].Value;
        }

        if (UbuntuSignature().Match(build) is { Success: true } ubuntu)
        {
            return ubuntu.Groups["version"].Value;
        }

        if (build.Contains("Debian", StringComparison.Ordinal) || build.Contains("Ubuntu", StringComparison.Ordinal))
        {
            return null;
        }

        return FromRelease(release);
    }

    /// <summary>
    /// The upstream version of a bare kernel release (a uImage name, a /lib/modules folder): the leading X.Y.Z,
    /// or null for a Debian-style ABI name ("6.1.0-50-arm64"), which does not say which stable release it is.
    /// </summary>
    public static string? FromRelease(string release)
    {
        if (AbiRelease().IsMatch(release))
        {
            return null;
        }

        return LeadingVersion().Match(release) is { Success: true } m ? m.Groups["version"].Value : null;
    }

    /// <summary>The version of a "U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)" line: "2023.01"; null otherwise.</summary>
    public static string? FromUBootBanner(string banner) =>
        UBootBanner().Match(banner) is { Success: true } m ? m.Groups["version"].Value : null;

    // "Linux version 6.1.0-50-arm64 (debian-kernel@lists.debian.org) (gcc-12 ...) #1 SMP Debian 6.1.176-1 (2026-07-02)"
    [GeneratedRegex(@"^Linux version (?<release>\d+\.\d+[^\s()]*) \(", RegexOptions.CultureInvariant, 100)]
    private static partial Regex LinuxBanner();

    [GeneratedRegex(@"^#\S*(?: [A-Z_]+)* Debian (?<version>\d+\.\d+(?:\.\d+)?)(?:[-+~]\S*)?(?: |$)", RegexOptions.CultureInvariant, 100)]
    private static partial Regex DebianBuild();

    [GeneratedRegex(@"\(Ubuntu \S+ (?<version>\d+\.\d+\.\d+)\)", RegexOptions.CultureInvariant, 100)]
    private static partial Regex UbuntuSignature();

    // Debian and Ubuntu ABI names: X.Y.0-N-flavour (also X.Y.0-N).
    [GeneratedRegex(@"^\d+\.\d+\.0-\d+(?:[-.][A-Za-z0-9.+~-]*)?$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex AbiRelease();

    [GeneratedRegex(@"^(?<version>\d+\.\d+(?:\.\d+)?)(?![\d.])", RegexOptions.CultureInvariant, 100)]
    private static partial Regex LeadingVersion();

    // "U-Boot 2023.01..." / "U-Boot SPL 2016.09.01 (..." / "U-Boot 1.1.4 (...": the version, then a build date in parentheses.
    [GeneratedRegex(@"^U-Boot (?:SPL |TPL )?(?<version>\d{4}\.\d{2}(?:\.\d+)?(?:-rc\d+)?|1\.\d+\.\d+)[^\s(]* \([A-Z][a-z]{2} [ 0-3]?\d \d{4}", RegexOptions.CultureInvariant, 100)]
    private static partial Regex UBootBanner();
}
