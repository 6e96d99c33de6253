using System.Text.Json;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Tests.Gate;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Cli;

/// <summary><c>firmwaregate policy init | check | diff</c> on real files.</summary>
public sealed class PolicyCommandTests
{
    [Fact]
    public async Task Init_writes_the_starter_refuses_to_overwrite_and_the_result_checks_clean()
    {
        using var temp = new TempDir();
        string file = temp.Combine("firmware-policy.yml");
        var (code, stdout, _) = await GateKit.Run("policy", "init", file);
        Assert.Equal(0, code);
        Assert.Contains("starter policy written", stdout, StringComparison.Ordinal);
        Assert.Equal(PolicyLoader.StarterPolicy, File.ReadAllText(file));
        Assert.Contains("# yaml-language-server: $schema=", File.ReadAllText(file), StringComparison.Ordinal);

        File.WriteAllText(file, "mine");
        var (again, _, stderr) = await GateKit.Run("policy", "init", file);
        Assert.Equal(2, again);
        Assert.Contains("--force", stderr, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(file));

        var (forced, _, _) = await GateKit.Run("policy", "init", file, "--force");
        Assert.Equal(0, forced);
        Assert.Equal(PolicyLoader.StarterPolicy, File.ReadAllText(file));

        var (checkCode, checkOut, checkErr) = await GateKit.Run("policy", "check", file, "--now", GateKit.Now);
        Assert.True(checkCode == 0, checkErr);
        Assert.Matches(new Regex("^" + Regex.Escape(file) + @": OK, version 1, [1-9]\d* rule\(s\), \d+ waiver\(s\), baseline (all|new-only)\n$"), checkOut);
    }

    [Fact]
    public async Task Init_to_standard_output_and_the_default_file_name()
    {
        var (code, stdout, _) = await GateKit.Run("policy", "init", "-");
        Assert.Equal(0, code);
        Assert.Equal(PolicyLoader.StarterPolicy, stdout);

        using var temp = new TempDir();
        string before = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = temp.Path;
            var (inFolder, _, _) = await GateKit.Run("policy", "init");
            Assert.Equal(0, inFolder);
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }

        Assert.True(File.Exists(temp.Combine("firmware-policy.yml")));
    }

    [Fact]
    public async Task Check_prints_every_error_with_line_and_column_and_exits_2()
    {
        using var temp = new TempDir();
        string file = GateKit.WritePolicy(temp, """
            version: 1
            vulnerabilities:
              severity: { critical: fatal }
            config:
              config.no_such_rule: error
            waivers:
              - cve: CVE-2023-45853
                reason: accepted
                owner: firmware-team@example.com
                expires: 2026-01-31
            """);
        var (code, stdout, stderr) = await GateKit.Run("policy", "check", file, "--now", GateKit.Now);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var errors = Regex.Matches(stderr, "^" + Regex.Escape(file) + @"\((\d+),(\d+)\): error: ", RegexOptions.Multiline);
        // The bad level (line 3), the unknown rule id (line 5) and the waiver past its expiry (line 7 on).
        var lines = errors.Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(3, lines);
        Assert.Contains(5, lines);
        Assert.Contains(lines, l => l >= 7);
        Assert.All(errors, m => Assert.True(int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1));
        Assert.Contains($"{errors.Count} policy error(s)", stderr, StringComparison.Ordinal);

        // Before the waiver's expiry, only the two other errors remain.
        var (_, _, earlier) = await GateKit.Run("policy", "check", file, "--now", "2026-01-15T00:00:00Z");
        Assert.Equal(errors.Count - 1, Regex.Matches(earlier, @"\): error: ").Count);
    }

    [Fact]
    public async Task Check_on_a_missing_file_exits_2_naming_it()
    {
        var (code, _, stderr) = await GateKit.Run("policy", "check", "/nonexistent/policy.yml");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/policy.yml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_shipped_policy_checks_clean()
    {
        var policies = Directory.GetFiles(GateKit.Samples, "*.yml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(policies, p => Path.GetFileName(p) == "firmware-policy.yml");
        foreach (var policy in policies)
        {
            var (code, stdout, stderr) = await GateKit.Run("policy", "check", policy, "--now", GateKit.Now);
            Assert.True(code == 0, policy + ": " + stderr);
            Assert.Contains(": OK, version 1, ", stdout, StringComparison.Ordinal);
        }
    }

    private const string Old = """
        version: 1
        config:
          config.telnetd_enabled: error
          config.ssh_root_password_login: warning
        """;

    private const string New = """
        version: 1
        config:
          config.telnetd_enabled: error
          config.ssh_root_password_login: error
        waivers:
          - rule: config.telnetd_enabled
            reason: the factory image keeps telnet for the production line
            owner: firmware-team@example.com
            expires: 2026-12-31
        """;

    [Fact]
    public async Task Diff_shows_what_starts_and_stops_failing_and_the_waivers_added_and_exits_0()
    {
        using var temp = new TempDir();
        string report = temp.Combine("report.json");
        var (scan, _, _) = await GateKit.Run("scan", GateKit.Sample, "--db", GateKit.VulnDb, "--now", GateKit.Now, "--json", report, "-q");
        Assert.Equal(0, scan);
        string oldPolicy = GateKit.WritePolicy(temp, Old, "old.yml");
        string newPolicy = GateKit.WritePolicy(temp, New, "new.yml");
        string json = temp.Combine("diff.json"), markdown = temp.Combine("diff.md");

        var (code, stdout, stderr) = await GateKit.Run("policy", "diff", oldPolicy, newPolicy, "--report", report, "--json", json, "--markdown", markdown, "--now", GateKit.Now);
        Assert.True(code == 0, stderr);
        Assert.Contains("config.ssh_root_password_login", stdout, StringComparison.Ordinal);
        Assert.Contains("config.telnetd_enabled", stdout, StringComparison.Ordinal);
        Assert.Contains("waivers[0]", stdout, StringComparison.Ordinal);
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            Assert.Contains("config.ssh_root_password_login", doc.RootElement.GetRawText(), StringComparison.Ordinal);
        }

        // Markdown escapes the underscores of rule ids.
        Assert.Contains(@"config.telnetd\_enabled", File.ReadAllText(markdown), StringComparison.Ordinal);
        Assert.Matches(@"Start failing \(1\)\n  \+ config\.ssh_root_password_login /etc/config/dropbear", stdout);
        Assert.Matches(@"Stop failing \(1\)\n  - config\.telnetd_enabled /etc/inittab.*waived by waivers\[0\]", stdout);

        // The same policy on both sides: nothing changes.
        var (same, sameOut, _) = await GateKit.Run("policy", "diff", oldPolicy, oldPolicy, "--report", report, "--now", GateKit.Now);
        Assert.Equal(0, same);
        Assert.DoesNotContain("config.telnetd_enabled", sameOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_with_a_bad_policy_or_report_exits_2()
    {
        using var temp = new TempDir();
        string good = GateKit.WritePolicy(temp, Old, "old.yml");
        string bad = GateKit.WritePolicy(temp, "version: 7\n", "bad.yml");
        string garbage = temp.Combine("garbage.json");
        File.WriteAllText(garbage, "{\"schemaVersion\": [1, 2");

        var (badPolicy, _, badErr) = await GateKit.Run("policy", "diff", good, bad, "--report", garbage);
        Assert.Equal(2, badPolicy);
        Assert.Matches(new Regex("^" + Regex.Escape(bad) + @"\(1,\d+\): error: ", RegexOptions.Multiline), badErr);

        var (badReport, _, reportErr) = await GateKit.Run("policy", "diff", good, good, "--report", garbage);
        Assert.Equal(2, badReport);
        Assert.Contains("garbage.json", reportErr, StringComparison.Ordinal);

        var (noReport, _, _) = await GateKit.Run("policy", "diff", good, good);
        Assert.Equal(2, noReport);
    }
}
