using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Tests.Reports.Gate;

/// <summary>A violation about a file whose name and message try to break out of Markdown, HTML and tables.</summary>
internal static class Hostile
{
    public const string Name = "<script>document.title='pwned'</script>|@everyone*[x](http://evil.example)";

    public static Violation Violation { get; } = new()
    {
        Kind = ViolationKind.Finding,
        RuleId = "fs.world_writable",
        Ref = "f00dfeed",
        Fingerprint = Finding.FingerprintOf("fs.world_writable", "router-sample.trx@0x4158:trx/squashfs(xz):/www/" + Name, ""),
        Message = "world-writable file /www/" + Name + " <img src=x onerror=alert(1)>",
        Location = "router-sample.trx@0x4158:trx/squashfs(xz):/www/" + Name,
        Path = "/www/" + Name,
        Severity = Severity.Medium,
        Level = PolicyLevel.Error,
        PolicyRule = "config.fs.world_writable",
        PolicyPosition = new SourcePosition(22, 3),
        Fails = true,
    };
}
