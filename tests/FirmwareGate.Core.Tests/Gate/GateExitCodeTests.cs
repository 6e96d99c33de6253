using System.Text.RegularExpressions;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Gate;

/// <summary><c>firmwaregate gate</c> on the sample image: every exit code of the contract (0, 1, 2, 3), waivers and their expiry.</summary>
public sealed class GateExitCodeTests
{
    [Fact]
    public async Task A_permissive_policy_passes_and_says_so()
    {
        using var temp = new TempDir();
        string policy = GateKit.WritePolicy(temp, GateKit.Permissive);
        var (code, stdout, stderr) = await GateKit.GateSample("--policy", policy);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("verdict   PASS: nothing fails policy " + policy, stdout, StringComparison.Ordinal);
        // Still reported at warning: the default password, the unencrypted key of the web UI's certificate.
        Assert.Matches(@"\n  warning +account\.default-password +/etc/shadow", stdout);
        Assert.Matches(@"errors 0 \(0 failing\), warnings [1-9]\d*, notes \d+", stdout);
    }

    [Fact]
    public async Task The_strict_default_fails_the_sample_and_lists_the_worst_violations()
    {
        var (code, stdout, stderr) = await GateKit.GateSample();
        Assert.True(code == 1, stderr + stdout);
        Assert.Contains("verdict   FAIL: ", stdout, StringComparison.Ordinal);
        Assert.Contains("fail the strict default policy", stdout, StringComparison.Ordinal);
        // The terminal lists at most ten, failing ones first, and points at the reports for the rest.
        var listed = Regex.Matches(stdout, @"^  (error|warning|note|waived|baseline) ", RegexOptions.Multiline);
        Assert.InRange(listed.Count, 1, 10);
        Assert.Equal("error", listed[0].Groups[1].Value);
        Assert.Contains("key.private-unencrypted", stdout, StringComparison.Ordinal);
        // A default password is named as such, never shown (the sample's hash starts with this salt).
        Assert.DoesNotContain("Fg7sampl", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_policy_exits_2_with_file_line_and_column_before_scanning()
    {
        using var temp = new TempDir();
        string policy = GateKit.WritePolicy(temp, """
            version: 1
            vulnerabilities:
              severity:
                critical: eror
            """);
        var (code, stdout, stderr) = await GateKit.GateSample("--policy", policy);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        // The compiler form MSBuild and GitHub's problem matchers read: file(line,col): error: message.
        Assert.Matches(new Regex("^" + Regex.Escape(policy) + @"\(4,\d+\): error: .*eror", RegexOptions.Multiline), stderr);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_that_is_not_yaml_exits_2_with_the_position_of_the_syntax_error()
    {
        using var temp = new TempDir();
        string policy = GateKit.WritePolicy(temp, "version: 1\nhardening: [ { paths: [/usr/sbin/*\n");
        var (code, _, stderr) = await GateKit.GateSample("--policy", policy);
        Assert.Equal(2, code);
        Assert.Matches(new Regex("^" + Regex.Escape(policy) + @"\(\d+,\d+\): error: ", RegexOptions.Multiline), stderr);
    }

    [Fact]
    public async Task A_missing_policy_file_or_baseline_exits_2_naming_it()
    {
        var (code, _, stderr) = await GateKit.GateSample("--policy", "/nonexistent/policy.yml");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/policy.yml", stderr, StringComparison.Ordinal);

        var (baselineCode, _, baselineErr) = await GateKit.GateSample("--baseline", "/nonexistent/report.json");
        Assert.Equal(2, baselineCode);
        Assert.Contains("/nonexistent/report.json", baselineErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_errors_exit_2()
    {
        var (code, _, stderr) = await GateKit.Run("gate", GateKit.Sample, "--now", "yesterday");
        Assert.Equal(2, code);
        Assert.Contains("--now 'yesterday' is not an ISO 8601 time", stderr, StringComparison.Ordinal);

        var (dashes, _, dashErr) = await GateKit.GateSample("--json", "-", "--sarif", "-");
        Assert.Equal(2, dashes);
        Assert.Contains("--json and --sarif cannot both write to standard output", dashErr, StringComparison.Ordinal);

        var (unknown, _, unknownErr) = await GateKit.Run("gate", TestPaths.Fixture("zeros.bin"));
        Assert.Equal(2, unknown);
        Assert.Contains("no known signature found", unknownErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_incomplete_image_exits_3_when_the_policy_rejects_that_and_0_when_it_accepts_it()
    {
        using var temp = new TempDir();
        string image = GateKit.TruncatedSample(temp);
        string reject = GateKit.WritePolicy(temp, "version: 1\ncompleteness:\n  incomplete: error\n", "reject.yml");
        string accept = GateKit.WritePolicy(temp, "version: 1\ncompleteness:\n  incomplete: warning\n", "accept.yml");

        var (code, stdout, stderr) = await GateKit.Run("gate", image, "--policy", reject, "--no-vulns", "--now", GateKit.Now);
        Assert.True(code == 3, stderr + stdout);
        Assert.Contains("verdict   INCOMPLETE: ", stdout, StringComparison.Ordinal);
        Assert.Contains("analysis incomplete", stderr, StringComparison.Ordinal);

        var (accepted, acceptOut, acceptErr) = await GateKit.Run("gate", image, "--policy", accept, "--no-vulns", "--now", GateKit.Now);
        Assert.True(accepted == 0, acceptErr + acceptOut);
        Assert.Matches(@"\n  warning +analysis\.incomplete ", acceptOut);
    }

    private const string TelnetOnly = """
        version: 1
        config:
          config.telnetd_enabled: error
        """;

    private const string TelnetWaiver = """
        waivers:
          - rule: config.telnetd_enabled
            path: /etc/inittab
            reason: the factory image keeps telnet for the production line; removed in the customer image
            owner: firmware-team@example.com
            expires: 2026-12-31
        """;

    [Fact]
    public async Task A_waiver_turns_a_fail_into_a_pass()
    {
        using var temp = new TempDir();
        string strict = GateKit.WritePolicy(temp, TelnetOnly, "strict.yml");
        string waived = GateKit.WritePolicy(temp, TelnetOnly + "\n" + TelnetWaiver, "waived.yml");

        var (failed, failOut, _) = await GateKit.GateSample("--policy", strict);
        Assert.Equal(1, failed);
        Assert.Matches(@"\n  error +config\.telnetd_enabled +/etc/inittab", failOut);

        var (passed, passOut, passErr) = await GateKit.GateSample("--policy", waived);
        Assert.True(passed == 0, passErr + passOut);
        Assert.Matches(@"\n  waived +config\.telnetd_enabled +/etc/inittab .*waived by waivers\[0\] until 2026-12-31", passOut);
        Assert.Contains("waivers 1 applied, 0 expired, 0 stale", passOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_waiver_waives_nothing_and_is_shown()
    {
        using var temp = new TempDir();
        string policy = GateKit.WritePolicy(temp, TelnetOnly + "\n" + TelnetWaiver);
        // The same policy a day after the waiver's last day: --now is the waiver clock too.
        var (code, stdout, _) = await GateKit.Run("gate", GateKit.Sample, "--db", GateKit.VulnDb, "--policy", policy, "--now", "2027-01-01T00:00:00Z");
        Assert.Equal(1, code);
        Assert.Matches(@"\n  error +config\.telnetd_enabled +/etc/inittab", stdout);
        Assert.Contains("waivers 0 applied, 1 expired, 0 stale", stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n  expired +waivers\[0\] .*expired 2026-12-31, waives nothing \(owner firmware-team@example\.com", stdout);

        // On its last day it still waives.
        var (lastDay, _, _) = await GateKit.Run("gate", GateKit.Sample, "--db", GateKit.VulnDb, "--policy", policy, "--now", "2026-12-31T23:00:00Z");
        Assert.Equal(0, lastDay);
    }

    [Fact]
    public async Task A_waiver_that_matches_nothing_is_shown_as_stale()
    {
        using var temp = new TempDir();
        string policy = GateKit.WritePolicy(temp, TelnetOnly + "\n" + TelnetWaiver.Replace("/etc/inittab", "/etc/rc.local", StringComparison.Ordinal));
        var (code, stdout, _) = await GateKit.GateSample("--policy", policy);
        Assert.Equal(1, code);
        Assert.Matches(@"\n  stale +waivers\[0\] +rule config\.telnetd_enabled, path /etc/rc\.local +matches nothing", stdout);
    }
}
