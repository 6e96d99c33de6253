using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Checks;

/// <summary>
/// One check result a policy can act on: a stable rule id, a severity, a one-line message, where it is and
/// what decided it. Never carries a secret value (a password, a hash, key material).
/// </summary>
public sealed partial record Finding
{
    /// <summary>Stable rule id ("elf.network-unsafe-calls", "cert.expired", "account.default-password").</summary>
    public required string RuleId { get; init; }

    /// <summary>How bad it is.</summary>
    public required Severity Severity { get; init; }

    /// <summary>One line for people: what was found, never the secret itself.</summary>
    public required string Message { get; init; }

    /// <summary>The report's location syntax (<c>img@0x40:trx/squashfs(xz):/etc/shadow</c>).</summary>
    public required string Location { get; init; }

    /// <summary>Path inside the filesystem; null for a raw layer.</summary>
    public string? Path { get; init; }

    /// <summary>What decided it (the header, flag, line or attribute seen), never a secret value.</summary>
    public string Evidence { get; init; } = "";

    /// <summary>1-based line in the file, when the finding is about one line.</summary>
    public int? Line { get; init; }

    /// <summary>
    /// Identity that survives a rebuild that moves the file: a hash of the rule, the path inside the filesystem
    /// (for a raw layer, the format chain without offsets) and the finding's key (a user, a certificate
    /// fingerprint).
    /// </summary>
    public required string Fingerprint { get; init; }

    /// <summary>A finding about a file (or raw layer) of the walk.</summary>
    /// <param name="target">The file.</param>
    /// <param name="ruleId">Stable rule id.</param>
    /// <param name="severity">Severity.</param>
    /// <param name="message">One line, no secret.</param>
    /// <param name="evidence">What decided it, no secret.</param>
    /// <param name="key">What distinguishes several findings of one rule in one file (a user name, a fingerprint, an offset).</param>
    /// <param name="line">1-based line, when about one line.</param>
    public static Finding Of(AnalysisTarget target, string ruleId, Severity severity, string message, string evidence = "", string? key = null, int? line = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Of(target.Location, target.IsFile ? target.Path : null, ruleId, severity, message, evidence, key, line);
    }

    /// <summary>A finding at a location built elsewhere (a merge step).</summary>
    /// <param name="location">The report's location syntax.</param>
    /// <param name="path">Path inside the filesystem, or null.</param>
    /// <param name="ruleId">Stable rule id.</param>
    /// <param name="severity">Severity.</param>
    /// <param name="message">One line, no secret.</param>
    /// <param name="evidence">What decided it, no secret.</param>
    /// <param name="key">What distinguishes several findings of one rule at one location.</param>
    /// <param name="line">1-based line, when about one line.</param>
    public static Finding Of(string location, string? path, string ruleId, Severity severity, string message, string evidence = "", string? key = null, int? line = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        return new Finding
        {
            RuleId = ruleId,
            Severity = severity,
            Message = OneLine(message),
            Location = location,
            Path = path,
            Evidence = OneLine(evidence),
            Line = line,
            Fingerprint = FingerprintOf(ruleId, location, key ?? (line is { } l ? "line " + l : "")),
        };
    }

    /// <summary>
    /// The fingerprint of a rule at a location: for a file, the rule, the path inside its filesystem and the key,
    /// so the same file keeps it when it moves to another offset or container (a SquashFS root carved from a TRX
    /// or shipped inside a ZIP); for a raw layer (no path), the rule, the format chain without offsets and the key.
    /// </summary>
    public static string FingerprintOf(string ruleId, string location, string key)
    {
        ArgumentNullException.ThrowIfNull(location);
        string chain = Offsets().Replace(location, "");
        int colon = chain.IndexOf(':', StringComparison.Ordinal);
        chain = colon >= 0 ? chain[(colon + 1)..] : "";
        int path = chain.IndexOf(":/", StringComparison.Ordinal);
        string where = path >= 0 ? chain[(path + 1)..] : chain;
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{ruleId}\n{where}\n{key}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    private static string OneLine(string s) =>
        s.Contains('\n', StringComparison.Ordinal) || s.Contains('\r', StringComparison.Ordinal)
            ? s.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ')
            : s;

    [GeneratedRegex(@"@0x[0-9a-fA-F]+", RegexOptions.CultureInvariant)]
    private static partial Regex Offsets();
}
