using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Tests.Policy.File;

/// <summary>Policies the schema rejects are rejected by the loader too: editors and <c>policy check</c> agree.</summary>
public sealed class PolicySchemaAgreementTests
{
    public static TheoryData<string, string> Invalid() => new()
    {
        { "no version", "baseline: all\n" },
        { "version 2", "version: 2\n" },
        { "unknown section", "version: 1\nsecrets: error\n" },
        { "bad baseline", "version: 1\nbaseline: some\n" },
        { "bad level", "version: 1\ncertificates:\n  expired: fatal\n" },
        { "level in capitals", "version: 1\nfindings:\n  high: Error\n" },
        { "unknown severity", "version: 1\nvulnerabilities:\n  severity:\n    severe: error\n" },
        { "cvss over 10", "version: 1\nvulnerabilities:\n  cvss: { min: 11, level: error }\n" },
        { "cvss as text", "version: 1\nvulnerabilities:\n  cvss: { min: \"7\", level: error }\n" },
        { "cvss without min", "version: 1\nvulnerabilities:\n  cvss: { level: error }\n" },
        { "epss as a level", "version: 1\nvulnerabilities:\n  epss: warning\n" },
        { "undecidable unknown", "version: 1\nvulnerabilities:\n  undecidable: maybe\n" },
        { "hardening as mapping", "version: 1\nhardening:\n  paths: [/bin/*]\n" },
        { "hardening without require", "version: 1\nhardening:\n  - paths: [/bin/*]\n    level: error\n" },
        { "unknown property", "version: 1\nhardening:\n  - paths: [/bin/*]\n    require: [aslr]\n    level: error\n" },
        { "property twice", "version: 1\nhardening:\n  - paths: [/bin/*]\n    require: [pie, pie]\n    level: error\n" },
        { "relative path", "version: 1\nhardening:\n  - paths: [bin/*]\n    require: [nx]\n    level: error\n" },
        { "no paths", "version: 1\nhardening:\n  - paths: []\n    require: [nx]\n    level: error\n" },
        { "unknown binary type", "version: 1\nhardening:\n  - paths: [/bin/*]\n    types: [script]\n    require: [nx]\n    level: error\n" },
        { "unknown certificate key", "version: 1\ncertificates:\n  revoked: error\n" },
        { "finding rule extra key", "version: 1\naccounts:\n  weak-hash: { level: error, path: /etc/shadow }\n" },
        { "bad min-severity", "version: 1\nconfig:\n  fs.setuid: { level: error, min-severity: severe }\n" },
        { "config value a list", "version: 1\nconfig:\n  fs.setuid: [error]\n" },
        { "findings unknown severity", "version: 1\nfindings:\n  urgent: error\n" },
        { "deny without name", "version: 1\ncomponents:\n  deny:\n    - versions: \"< 2\"\n      level: error\n" },
        { "require without min-version", "version: 1\ncomponents:\n  require:\n    - name: zlib\n      level: error\n" },
        { "require unknown mode", "version: 1\ncomponents:\n  require:\n    - name: zlib\n      min-version: \"1.3\"\n      unknown: ignore\n      level: error\n" },
        { "licences without level", "version: 1\ncomponents:\n  licenses:\n    deny: [GPL-3.0-only]\n" },
        { "share over 1", "version: 1\ncompleteness:\n  max-unknown: { share: 1.5, level: warning }\n" },
        { "days as a fraction", "version: 1\ndatabase:\n  max-age-days: { days: 7.5, level: warning }\n" },
        { "waiver without owner", "version: 1\nwaivers:\n  - cve: CVE-2023-45853\n    reason: r\n    expires: 2030-01-01\n" },
        { "waiver covering nothing", "version: 1\nwaivers:\n  - reason: r\n    owner: o\n    expires: 2030-01-01\n" },
        { "waiver expires not a date", "version: 1\nwaivers:\n  - rule: cert.expired\n    reason: r\n    owner: o\n    expires: next year\n" },
        { "waiver versions alone", "version: 1\nwaivers:\n  - rule: cert.expired\n    versions: \"< 2\"\n    reason: r\n    owner: o\n    expires: 2030-01-01\n" },
        { "waiver bad cve", "version: 1\nwaivers:\n  - cve: 2023 45853\n    reason: r\n    owner: o\n    expires: 2030-01-01\n" },
        { "waiver empty reason", "version: 1\nwaivers:\n  - cve: CVE-2023-45853\n    reason: \"\"\n    owner: o\n    expires: 2030-01-01\n" },
        { "vex bad state", "version: 1\nwaivers:\n  - cve: CVE-2023-45853\n    reason: r\n    owner: o\n    expires: 2030-01-01\n    analysis: { state: fine }\n" },
        { "vex justification without not_affected", "version: 1\nwaivers:\n  - cve: CVE-2023-45853\n    reason: r\n    owner: o\n    expires: 2030-01-01\n    analysis: { state: exploitable, justification: code_not_present }\n" },
        { "vex bad response", "version: 1\nwaivers:\n  - cve: CVE-2023-45853\n    reason: r\n    owner: o\n    expires: 2030-01-01\n    analysis: { state: exploitable, response: [ignore] }\n" },
        { "empty section", "version: 1\nvulnerabilities:\n" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Schema_and_loader_both_reject(string name, string yaml)
    {
        Assert.True(PolicyYamlJson.SchemaErrors(yaml).Count > 0, $"{name}: the schema accepts it");
        Assert.True(PolicyText.Errors(yaml).Count > 0, $"{name}: the loader accepts it");
    }

    public static TheoryData<string, string> SemanticOnly() => new()
    {
        { "unknown rule id", "version: 1\nconfig:\n  config.telnet_enabled: error\n" },
        { "glob matching no rule", "version: 1\nwaivers:\n  - rule: \"nosuch.*\"\n    reason: r\n    owner: o\n    expires: 2030-01-01\n" },
        { "bad glob", "version: 1\nwaivers:\n  - path: \"/usr/[bin\"\n    reason: r\n    owner: o\n    expires: 2030-01-01\n" },
        { "bad version range", "version: 1\ncomponents:\n  deny:\n    - name: zlib\n      versions: \"< 1.2, >=\"\n      level: error\n" },
        { "impossible date", "version: 1\nwaivers:\n  - rule: cert.expired\n    reason: r\n    owner: o\n    expires: 2026-02-30\n" },
        { "same rule twice", "version: 1\ncertificates:\n  expired: error\nconfig:\n  cert.expired: note\n" },
    };

    [Theory]
    [MemberData(nameof(SemanticOnly))]
    public void What_the_schema_cannot_express_the_loader_rejects(string name, string yaml)
    {
        Assert.True(PolicyYamlJson.SchemaErrors(yaml).Count == 0, $"{name}: the schema now rejects it; move it to Invalid");
        Assert.True(PolicyText.Errors(yaml).Count > 0, $"{name}: the loader accepts it");
    }
}
