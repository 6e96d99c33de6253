namespace FirmwareGate.Core.Checks;

/// <summary>One rule id FirmwareGate can report, with its documentation.</summary>
/// <param name="Id">Stable rule id.</param>
/// <param name="Title">Short description (SARIF <c>shortDescription</c>).</param>
/// <param name="Doc">The document in <c>docs/</c> that explains it (SARIF <c>helpUri</c>, with <see cref="Anchor"/>).</param>
/// <param name="Anchor">The heading anchor in that document, without <c>#</c>; empty for the top.</param>
public sealed record RuleInfo(string Id, string Title, string Doc, string Anchor = "");

/// <summary>
/// Every rule id the checks and the policy report: what <c>policy check</c> accepts in <c>config</c> and in
/// waivers, and what SARIF lists as rules. Vulnerabilities are reported under their record id instead.
/// </summary>
public static class RuleCatalog
{
    /// <summary>All rules, by id.</summary>
    public static IReadOnlyList<RuleInfo> All { get; } =
    [
        new("account.default-password", "Account password matches a common default password", "docs/accounts.md"),
        new("account.empty-password", "Login account without a password", "docs/accounts.md"),
        new("account.extra-uid0", "uid 0 account other than root", "docs/accounts.md"),
        new("account.hash-not-checked", "Password hash this host cannot check", "docs/accounts.md"),
        new("account.plaintext-password", "Password stored in clear", "docs/accounts.md"),
        new("account.shadow-readable", "Password file readable by everyone", "docs/accounts.md"),
        new("account.weak-hash", "Password hashed with a weak algorithm", "docs/accounts.md"),
        new("analysis.high-entropy", "Too much of the image is unclaimed high-entropy data", "docs/policy.md", "completeness"),
        new("analysis.incomplete", "A layer could not be unpacked or a limit was hit", "docs/policy.md", "completeness"),
        new("analysis.unknown-bytes", "Too much of the image is unclaimed", "docs/policy.md", "completeness"),
        new("cert.expired", "Expired certificate", "docs/certificates.md"),
        new("cert.not-yet-valid", "Certificate not yet valid", "docs/certificates.md"),
        new("cert.self-signed-leaf", "Self-signed end-entity certificate", "docs/certificates.md"),
        new("cert.weak-key", "Certificate with a weak key", "docs/certificates.md"),
        new("cert.weak-signature", "Certificate with a weak signature algorithm", "docs/certificates.md"),
        new("component.denied", "Component the policy denies", "docs/policy.md", "components"),
        new("component.license", "Component under a licence the policy denies", "docs/policy.md", "components"),
        new("component.min-version", "Component older than the policy's minimum version", "docs/policy.md", "components"),
        new("config.ssh_root_password_login", "SSH lets root log in with a password", "docs/config-rules.md"),
        new("config.telnetd_enabled", "Telnet server started at boot", "docs/config-rules.md"),
        new("database.age", "Vulnerability database older than the policy allows", "docs/policy.md", "database"),
        new("database.missing", "No vulnerability database was used", "docs/policy.md", "database"),
        new("elf.core-dump", "ELF core dump in the image", "docs/hardening.md"),
        new("elf.malformed", "File with ELF magic whose headers cannot be read", "docs/hardening.md"),
        new("elf.network-unsafe-calls", "Network service calling shell or unbounded string functions", "docs/hardening.md"),
        new("elf.unsafe-search-path", "Unsafe RPATH or RUNPATH entry", "docs/hardening.md"),
        new("fs.setgid", "Set-gid executable", "docs/config-rules.md"),
        new("fs.setuid", "Set-uid executable", "docs/config-rules.md"),
        new("fs.world_writable", "World-writable file or folder", "docs/config-rules.md"),
        new("hardening.canary", "Binary without stack protector", "docs/policy.md", "hardening"),
        new("hardening.cet", "x86 binary without CET (IBT and SHSTK)", "docs/policy.md", "hardening"),
        new("hardening.fortify", "Binary without FORTIFY_SOURCE", "docs/policy.md", "hardening"),
        new("hardening.full-relro", "Binary without full RELRO", "docs/policy.md", "hardening"),
        new("hardening.no-rpath", "Binary with RPATH or RUNPATH", "docs/policy.md", "hardening"),
        new("hardening.nx", "Binary with an executable stack", "docs/policy.md", "hardening"),
        new("hardening.pie", "Executable that is not position-independent", "docs/policy.md", "hardening"),
        new("hardening.relro", "Binary without RELRO", "docs/policy.md", "hardening"),
        new("hardening.stripped", "Binary with its symbol table", "docs/policy.md", "hardening"),
        new("key.private-encrypted", "Encrypted private key", "docs/certificates.md"),
        new("key.private-unencrypted", "Unencrypted private key", "docs/certificates.md"),
        new("key.published", "Published test key", "docs/certificates.md"),
        new("key.tls-key-pair", "Private key of a TLS certificate", "docs/certificates.md"),
        new("secret.aws_access_key", "Hard-coded AWS access key id", "docs/config-rules.md"),
        new("secret.aws_secret_key", "Hard-coded AWS secret access key", "docs/config-rules.md"),
        new("secret.github_token", "Hard-coded GitHub token", "docs/config-rules.md"),
        new("secret.gitlab_token", "Hard-coded GitLab token", "docs/config-rules.md"),
        new("secret.google_api_key", "Hard-coded Google API key", "docs/config-rules.md"),
        new("secret.npm_token", "Hard-coded npm token", "docs/config-rules.md"),
        new("secret.pypi_token", "Hard-coded PyPI token", "docs/config-rules.md"),
        new("secret.slack_token", "Hard-coded Slack token", "docs/config-rules.md"),
        new("secret.stripe_key", "Hard-coded Stripe key", "docs/config-rules.md"),
    ];

    private static readonly Dictionary<string, RuleInfo> ById = All.ToDictionary(r => r.Id, StringComparer.Ordinal);

    /// <summary>The rule with this id, null when unknown.</summary>
    public static RuleInfo? Find(string id) => ById.GetValueOrDefault(id);

    /// <summary>True when the id is a rule of this catalogue.</summary>
    public static bool IsKnown(string id) => ById.ContainsKey(id);
}
