using System.Security.Cryptography;
using System.Text;
using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Policy;

/// <summary>Stable identities of what a policy judges, so baselines, diffs and code scanning track them across rebuilds.</summary>
public static class PolicyFingerprints
{
    /// <summary>A vulnerability: its id and the component's key.</summary>
    public static string Vulnerability(string id, string componentKey) => Hash($"vulnerability\n{id}\n{componentKey}");

    /// <summary>A hardening violation: rule id and the binary's format chain and path (offsets left out).</summary>
    public static string Hardening(string ruleId, string location) => Finding.FingerprintOf(ruleId, location, "");

    /// <summary>A component rule violation: rule id and the component's key.</summary>
    public static string Component(string ruleId, string componentKey) => Hash($"component\n{ruleId}\n{componentKey}");

    /// <summary>An image-wide violation (completeness, database): the rule id alone.</summary>
    public static string Image(string ruleId) => Hash($"image\n{ruleId}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}

/// <summary>Component identity across versions.</summary>
public static class ComponentKeys
{
    /// <summary>The purl without version, qualifiers and subpath, lower-case; else the lower-case name.</summary>
    public static string Of(string name, string? purl)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!string.IsNullOrEmpty(purl))
        {
            int end = purl.IndexOfAny(['@', '?', '#']);
            return (end >= 0 ? purl[..end] : purl).ToLowerInvariant();
        }

        return name.ToLowerInvariant();
    }
}
