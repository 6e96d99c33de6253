using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Config;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Checks.Config;

/// <summary>
/// World-writable and set-id files on a real tree packed by GNU tar (modes.tar); the expected list is what
/// <c>find -perm</c> printed on that tree (modes.expected.tsv): world-writable files and directories outside
/// /tmp, /var/tmp and /run/lock, and executable set-user-id and set-group-id files.
/// </summary>
public sealed class FileModeTests
{
    [Fact]
    public void Mode_findings_on_a_tar_tree_are_what_find_perm_lists()
    {
        var expected = ConfigHarness.Tsv("modes.expected.tsv").Select(r => (r[0], r[1])).Order().ToList();

        using var result = Scan.Run(ConfigHarness.Fixture("modes.tar"));

        var actual = result.Checks.Findings.Where(f => f.RuleId.StartsWith("fs.", StringComparison.Ordinal))
            .Select(f => (f.Path!, f.RuleId)).Order().ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Severity_follows_what_else_the_mode_and_owner_allow()
    {
        using var result = Scan.Run(ConfigHarness.Fixture("modes.tar"));
        string Of(string path, string rule) => SeverityNames.Of(result.Checks.Findings.Single(f => f.Path == path && f.RuleId == rule).Severity);

        Assert.Equal("critical", Of("/usr/sbin/vendord", SetIdBinaryCheck.SetUidRuleId)); // 4777
        Assert.Equal("high", Of("/usr/sbin/vendord", WorldWritableCheck.RuleId)); // executable
        Assert.Equal("medium", Of("/usr/sbin/helper", SetIdBinaryCheck.SetUidRuleId)); // 4750 owned by 1000
        Assert.Equal("low", Of("/usr/bin/passwd", SetIdBinaryCheck.SetUidRuleId)); // 4755 root
        Assert.Equal("info", Of("/usr/bin/crontab", SetIdBinaryCheck.SetGidRuleId)); // 2755
        Assert.Equal("high", Of("/etc/init.d/S99app", WorldWritableCheck.RuleId)); // 0777 boot script
        Assert.Equal("medium", Of("/etc/app.conf", WorldWritableCheck.RuleId)); // 0666
        Assert.Equal("medium", Of("/var/spool", WorldWritableCheck.RuleId)); // 0777 directory
        Assert.Equal("low", Of("/var/shared", WorldWritableCheck.RuleId)); // 1777 directory
    }

    [Fact]
    public void Symlinks_devices_fifos_and_hard_link_aliases_are_not_reported()
    {
        var entries = new List<FsEntry>
        {
            new() { Path = "/bin/sh", Type = EntryType.Symlink, Mode = 0b111_111_111, LinkTarget = "busybox" },
            new() { Path = "/dev/null", Type = EntryType.CharDev, Mode = 0b110_110_110, Major = 1, Minor = 3 },
            new() { Path = "/run/fifo", Type = EntryType.Fifo, Mode = 0b110_110_110 },
            new() { Path = "/run/sock", Type = EntryType.Socket, Mode = 0b111_111_111 },
            new() { Path = "/usr/bin/su", Type = EntryType.File, Mode = 0b100_111_101_101 },
            new() { Path = "/usr/bin/su-alias", Type = EntryType.File, Mode = 0b100_111_101_101, HardLinkTo = "/usr/bin/su" },
            new() { Path = "/var/tmp/x/y", Type = EntryType.Dir, Mode = 0b111_111_111 },
            new() { Path = "/tmpfoo", Type = EntryType.Dir, Mode = 0b111_111_111 },
        };

        var findings = ConfigHarness.Run(entries).Findings();

        Assert.Equal(["/tmpfoo fs.world_writable", "/usr/bin/su fs.setuid"], findings.Select(f => $"{f.Path} {f.RuleId}"));
    }
}
