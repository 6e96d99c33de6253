using System.Globalization;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Config;

namespace FirmwareGate.Core.Tests.Checks.Config;

/// <summary>
/// Root password login over SSH. OpenSSH cases are decided by what <c>sshd -T</c> printed for each fixture (the
/// effective PermitRootLogin, PasswordAuthentication, UsePAM and KbdInteractiveAuthentication); dropbear's flags by
/// <c>dropbear -h</c>; UCI and /etc/default cases by OpenWrt's and Debian's documented defaults, stated per case.
/// </summary>
public sealed class SshRootLoginTests
{
    public static TheoryData<string> SshdFixtures() =>
        [.. Directory.GetFiles(ConfigHarness.Fixture("ssh"), "sshd-*.sshd-T").Select(p => Path.GetFileName(p)[..^".sshd-T".Length]).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(SshdFixtures))]
    public void Sshd_config_is_reported_exactly_when_sshd_lets_root_log_in_with_a_password(string fixture)
    {
        var settings = File.ReadAllLines(ConfigHarness.Fixture($"ssh/{fixture}.sshd-T"))
            .Select(l => l.Split(' ', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        bool rootPassword = settings["permitrootlogin"] == "yes"
            && (settings["passwordauthentication"] == "yes" || (settings["usepam"] == "yes" && settings["kbdinteractiveauthentication"] == "yes"));

        var findings = ConfigHarness.Run(("/etc/ssh/sshd_config", ConfigHarness.Bytes("ssh/" + fixture))).Findings();

        if (!rootPassword)
        {
            Assert.Empty(findings);
            return;
        }

        int line = int.Parse(File.ReadAllText(ConfigHarness.Fixture($"ssh/{fixture}.line")).Trim(), CultureInfo.InvariantCulture);
        var f = Assert.Single(findings);
        Assert.Equal(SshRootPasswordLoginCheck.RuleId, f.RuleId);
        Assert.Equal(line, f.Line);
        // A PermitRootLogin inside a Match block applies to some connections only.
        Assert.Equal(fixture == "sshd-match" ? Severity.Medium : Severity.High, f.Severity);
    }

    [Fact]
    public void Drop_in_files_of_sshd_config_d_are_read_and_other_conf_files_are_not()
    {
        byte[] text = ConfigHarness.Bytes("ssh/sshd-yes");
        var findings = ConfigHarness.Run(("/etc/ssh/sshd_config.d/50-cloud.conf", text), ("/etc/ssh/ssh_config.d/50.conf", text), ("/usr/share/openssh/sshd_config.example", text)).Findings();
        Assert.Equal("/etc/ssh/sshd_config.d/50-cloud.conf", Assert.Single(findings).Path);
    }

    [Theory]
    [InlineData("uci-explicit", "high@3")] // RootPasswordAuth 'on', PasswordAuth 'on'
    [InlineData("uci-default", "medium@1")] // nothing set: OpenWrt's dropbear.init leaves -s, -g, -w out (defaults on)
    [InlineData("uci-root-off", "")] // RootPasswordAuth 'off' gives -g
    [InlineData("uci-two-sections", "high@11")] // lan: RootLogin '0' (-w); wan: enable '0'; mgmt: RootPasswordAuth yes
    public void Uci_dropbear_sections(string fixture, string expected)
    {
        var findings = ConfigHarness.Run(("/etc/config/dropbear", ConfigHarness.Bytes("ssh/" + fixture))).Findings();
        Assert.Equal(expected, string.Join(",", findings.Select(f => $"{SeverityNames.Of(f.Severity)}@{f.Line}")));
    }

    [Theory]
    [InlineData("default-p22", "medium@2")] // DROPBEAR_EXTRA_ARGS="-p 22"
    [InlineData("default-w", "")]
    [InlineData("default-cluster", "")] // -sg clustered
    [InlineData("default-nostart", "")] // NO_START=1
    public void Default_dropbear_arguments(string fixture, string expected)
    {
        var findings = ConfigHarness.Run(("/etc/default/dropbear", ConfigHarness.Bytes("ssh/" + fixture))).Findings();
        Assert.Equal(expected, string.Join(",", findings.Select(f => $"{SeverityNames.Of(f.Severity)}@{f.Line}")));
    }

    [Fact]
    public void The_flags_that_close_root_password_login_are_the_ones_dropbear_h_describes()
    {
        var help = File.ReadAllLines(ConfigHarness.Fixture("ssh/dropbear-h.txt"))
            .ToDictionary(l => l[1], l => l[2..].Trim());
        Assert.Equal("Disallow root logins", help['w']);
        Assert.Equal("Disable password logins for root", help['g']);
        Assert.Equal("Disable password logins", help['s']);
        foreach (char flag in "wgs")
        {
            Assert.True(SshRootPasswordLoginCheck.DisablesRootPassword(["-p", "22", "-" + flag]), $"-{flag}");
            Assert.True(SshRootPasswordLoginCheck.DisablesRootPassword(["-R" + flag]), $"-R{flag}");
        }

        // -G takes a group name: a group called "wheel" is not -w; -p 2222 is a port, not flags.
        Assert.False(SshRootPasswordLoginCheck.DisablesRootPassword(["-G", "wheel", "-p", "2222", "-R", "-F"]));
        Assert.False(SshRootPasswordLoginCheck.DisablesRootPassword(["-pw"])); // -p's argument is "w"
    }

    [Fact]
    public void Sshd_config_with_crlf_line_ends_and_tabs_is_read()
    {
        byte[] text = "Port 22\r\n\tPermitRootLogin\tyes\r\nPasswordAuthentication yes\r\n"u8.ToArray();
        var f = Assert.Single(ConfigHarness.Run(("/etc/ssh/sshd_config", text)).Findings());
        Assert.Equal(2, f.Line);
    }
}
