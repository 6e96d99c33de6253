using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Config;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Checks.Config;

/// <summary>
/// telnetd and dropbear started at boot, on the fixtures of <c>tests/fixtures/config-fixtures.sh</c>: each file is
/// placed where the init system reads it, and the findings must be exactly the lines listed in
/// <c>boot/expected.tsv</c> (every other fixture, each a negative case, gives none).
/// </summary>
public sealed class BootServiceTests
{
    // Where each fixture is placed; the positive ones as boot/expected.tsv says.
    private static readonly Dictionary<string, string> Mounts = new(StringComparer.Ordinal)
    {
        ["inittab-busybox"] = "/etc/inittab",
        ["inittab-sysv"] = "/etc/inittab",
        ["rcS"] = "/etc/init.d/rcS",
        ["telnet-debian"] = "/etc/init.d/telnetd",
        ["telnet-stop-only"] = "/etc/init.d/S40telnet",
        ["telnet-procd"] = "/etc/init.d/telnet",
        ["telnet-heredoc"] = "/etc/rc.local",
        ["inetd.conf"] = "/etc/inetd.conf",
        ["inetd-busybox.conf"] = "/etc/inetd.conf",
        ["xinetd-telnet"] = "/etc/xinetd.d/telnet",
        ["xinetd-telnet-disabled"] = "/etc/xinetd.d/telnet",
        ["dropbear-literal"] = "/etc/init.d/S50dropbear",
        ["dropbear-w"] = "/etc/init.d/S50dropbear",
        ["dropbear-cluster"] = "/etc/rc.d/S50dropbear",
        ["dropbear-vars"] = "/etc/init.d/dropbear",
    };

    public static TheoryData<string> Fixtures() => [.. Mounts.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Boot_file_gives_exactly_the_expected_lines(string fixture)
    {
        var rows = ConfigHarness.Tsv("boot/expected.tsv").Where(r => r[0] == fixture).ToList();
        Assert.All(rows, r => Assert.Equal(Mounts[fixture], r[1]));
        var expected = rows.Select(r => (r[2], int.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture))).Order().ToList();

        var results = ConfigHarness.Run((Mounts[fixture], ConfigHarness.Bytes("boot/" + fixture)));

        var actual = results.Findings().Select(f => (f.RuleId, f.Line ?? 0)).Order().ToList();
        Assert.Equal(expected, actual);
        Assert.All(results.Findings(), f => Assert.Equal(Mounts[fixture], f.Path));
        Assert.Empty(results.Warnings);
    }

    [Theory]
    [InlineData("start-stop-daemon -S -b -x /usr/sbin/telnetd -- -l /bin/login", 1)]
    [InlineData("nohup /usr/sbin/utelnetd -d &", 1)]
    [InlineData("exec busybox telnetd -F", 1)]
    [InlineData("TELNETD=\"/usr/sbin/telnetd -l /bin/login\"\n$TELNETD &", 2)]
    [InlineData("/usr/sbin/telnetd \\\n  -l /bin/login -p 23", 1)]
    [InlineData("PID=$(pidof telnetd); [ -n \"$PID\" ] || echo telnetd not running", 0)]
    [InlineData("start-stop-daemon -K -x /usr/sbin/telnetd", 0)]
    [InlineData("test -x /usr/sbin/telnetd || exit 0 # telnetd", 0)]
    [InlineData("kill_telnet() { killall telnetd; }", 0)]
    [InlineData("case $1 in\n stop|force-stop) telnetd -K ;;\n start) telnetd -F ;;\nesac", 3)]
    public void Shell_launch_forms(string script, int line)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes("#!/bin/sh\n" + script + "\n");

        var findings = ConfigHarness.Run(("/etc/init.d/S45telnet", bytes)).Findings();

        Assert.Equal(line == 0 ? [] : [line + 1], findings.Select(f => f.Line ?? 0));
    }

    [Fact]
    public void Telnet_findings_are_high_and_name_the_file_and_line()
    {
        var f = Assert.Single(ConfigHarness.Run(("/etc/inittab", ConfigHarness.Bytes("boot/inittab-busybox"))).Findings());
        Assert.Equal(TelnetdBootCheck.RuleId, f.RuleId);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Contains("/etc/inittab, line 3", f.Message, StringComparison.Ordinal);
        Assert.Contains("respawn", f.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_text_outside_boot_locations_is_not_read()
    {
        byte[] script = ConfigHarness.Bytes("boot/rcS");
        var results = ConfigHarness.Run(("/usr/share/doc/telnetd/rcS.example", script), ("/etc/inittab.d/readme", script), ("/root/S50telnet.bak", script));
        Assert.Empty(results.Findings());
    }

    [Fact]
    public void Systemd_telnet_socket_enabled_for_boot_is_reported_and_a_unit_file_alone_is_not()
    {
        var entries = new List<FsEntry>
        {
            new() { Path = "/lib/systemd/system/telnet.socket", Type = EntryType.File, Mode = 0b110_100_100 },
            new() { Path = "/etc/systemd/system/sockets.target.wants/telnet.socket", Type = EntryType.Symlink, Mode = 0b111_111_111, LinkTarget = "/lib/systemd/system/telnet.socket" },
            new() { Path = "/etc/systemd/system/multi-user.target.wants/ssh.service", Type = EntryType.Symlink, Mode = 0b111_111_111, LinkTarget = "/lib/systemd/system/ssh.service" },
            new() { Path = "/usr/lib/systemd/system/sockets.target.wants/telnet@.service", Type = EntryType.Symlink, Mode = 0b111_111_111, LinkTarget = "../telnet@.service" },
        };

        var findings = ConfigHarness.Run(entries).Findings();

        Assert.Equal(
            ["/etc/systemd/system/sockets.target.wants/telnet.socket", "/usr/lib/systemd/system/sockets.target.wants/telnet@.service"],
            findings.Select(f => f.Path!).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Equal(TelnetdBootCheck.RuleId, f.RuleId));
    }

    [Fact]
    public void A_line_over_the_cap_is_cut_and_noted_and_reading_goes_on()
    {
        string longLine = "::respawn:/bin/sh -c '" + new string('x', 100_000) + " /usr/sbin/telnetd'\n";
        byte[] inittab = System.Text.Encoding.ASCII.GetBytes(longLine + "::respawn:/usr/sbin/telnetd -F\n");

        var results = ConfigHarness.Run(("/etc/inittab", inittab));

        var f = Assert.Single(results.Findings());
        Assert.Equal(2, f.Line);
        Assert.Contains(results.Notes, n => n.Contains("line 1 is", StringComparison.Ordinal) && n.Contains("read up to 4096", StringComparison.Ordinal));
    }

    [Fact]
    public void Reading_stops_at_the_line_cap_with_a_note()
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 100_010; i++)
        {
            text.Append("# comment\n");
        }

        text.Append("::respawn:/usr/sbin/telnetd -F\n");
        var results = ConfigHarness.Run(("/etc/inittab", System.Text.Encoding.ASCII.GetBytes(text.ToString())));

        Assert.Empty(results.Findings());
        Assert.Contains(results.Notes, n => n.Contains("more than 100000 lines", StringComparison.Ordinal));
    }

    [Fact]
    public void Random_and_mutated_bytes_at_every_config_path_never_fail_the_analysers()
    {
        string[] paths = ["/etc/inittab", "/etc/init.d/rcS", "/etc/inetd.conf", "/etc/xinetd.d/telnet", "/etc/ssh/sshd_config", "/etc/config/dropbear", "/etc/default/dropbear", "/etc/app.conf"];
        string[] seeds = ["boot/rcS", "boot/telnet-debian", "boot/xinetd-telnet", "ssh/sshd-match", "ssh/uci-two-sections", "secrets/tokens.conf"];
        var random = new Random(1234);
        for (int round = 0; round < 40; round++)
        {
            var files = new List<(string, byte[])>();
            foreach (string path in paths)
            {
                byte[] data = round % 2 == 0 ? RandomText(random) : Mutate(ConfigHarness.Bytes(seeds[random.Next(seeds.Length)]), random);
                files.Add((path, data));
            }

            var results = ConfigHarness.Run([.. files]);
            Assert.Empty(results.Warnings);
        }
    }

    private static byte[] RandomText(Random random)
    {
        const string alphabet = "telnetd dropbear -w ; & | ( ) { } ' \" ` $ \\ # = : \n\t case esac stop) start) ;; <<EOF EOF\n service option config";
        var b = new byte[random.Next(0, 4000)];
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = random.Next(4) == 0 ? (byte)random.Next(256) : (byte)alphabet[random.Next(alphabet.Length)];
        }

        return b;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] b = seed[..random.Next(seed.Length + 1)];
        for (int i = 0; i < b.Length / 10; i++)
        {
            b[random.Next(b.Length)] = (byte)random.Next(256);
        }

        return b;
    }
}
