using FirmwareGate.Core.Checks;

namespace FirmwareGate.Core.Tests.Checks;

public sealed class FindingTests
{
    [Fact]
    public void Fingerprint_survives_a_moved_layer_and_a_renamed_image()
    {
        var before = Finding.Of("fw-1.0.trx@0x1c:trx/squashfs(xz):/etc/shadow", "/etc/shadow", "account.empty-password", Severity.High, "m", key: "guest");
        var after = Finding.Of("fw-1.1.trx@0x4bb9d4:trx/squashfs(xz):/etc/shadow", "/etc/shadow", "account.empty-password", Severity.High, "m", key: "guest");
        Assert.Equal(before.Fingerprint, after.Fingerprint);
        Assert.Equal(32, before.Fingerprint.Length);
    }

    [Theory]
    [InlineData("fw.trx@0x1c:trx/squashfs(xz):/etc/shadow", "account.empty-password", "admin")]
    [InlineData("fw.trx@0x1c:trx/squashfs(xz):/etc/shadow", "account.weak-hash", "guest")]
    [InlineData("fw.trx@0x1c:trx/squashfs(xz):/etc/shadow-", "account.empty-password", "guest")]
    public void Fingerprint_changes_with_rule_path_or_key(string location, string rule, string key)
    {
        var reference = Finding.Of("fw.trx@0x1c:trx/squashfs(xz):/etc/shadow", "/etc/shadow", "account.empty-password", Severity.High, "m", key: "guest");
        var other = Finding.Of(location, null, rule, Severity.High, "m", key: key);
        Assert.NotEqual(reference.Fingerprint, other.Fingerprint);
    }

    [Fact]
    public void Message_and_evidence_are_one_line()
    {
        var f = Finding.Of("fw.bin@0x0:cpio:/etc/inittab", "/etc/inittab", "config.telnetd_enabled", Severity.High, "telnetd\r\nstarted", "line\nmore", line: 2);
        Assert.Equal("telnetd started", f.Message);
        Assert.Equal("line more", f.Evidence);
        Assert.Equal(2, f.Line);
    }
}
