using System.Diagnostics;
using FirmwareGate.Cli;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Tests.Gate;

namespace FirmwareGate.Core.Tests.Cli;

/// <summary>The verdict block on the terminal: colour on a terminal only, the worst violations first, at most ten.</summary>
public sealed class TerminalReportTests
{
    private static Violation Make(int i, PolicyLevel level, bool fails, Severity severity = Severity.High) => new()
    {
        Kind = ViolationKind.Finding,
        RuleId = "config.rule" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture),
        Ref = "fp" + i,
        Fingerprint = "fp" + i,
        Message = "message " + i,
        Location = "image@0x0:squashfs:/etc/file" + i,
        Path = "/etc/file" + i,
        Severity = severity,
        Level = level,
        PolicyRule = "config.rule",
        PolicyPosition = new SourcePosition(4, 3),
        Fails = fails,
    };

    private static PolicyOutcome Outcome()
    {
        var violations = Enumerable.Range(0, 8).Select(i => Make(i, PolicyLevel.Warning, false))
            .Concat(Enumerable.Range(8, 6).Select(i => Make(i, PolicyLevel.Error, true, Severity.Medium)))
            .ToList();
        return new PolicyOutcome
        {
            PolicyFile = "firmware-policy.yml",
            Verdict = PolicyVerdict.Fail,
            Violations = violations,
            Expired = [new Waiver { Id = "waivers[0]", Cve = "CVE-2023-45853", Reason = "minizip not built", Owner = "team", Expires = new DateOnly(2026, 1, 31), Position = new SourcePosition(9, 5) }],
        };
    }

    [Fact]
    public void Failing_violations_come_first_ten_at_most_with_the_rest_counted()
    {
        var output = new StringWriter();
        new TerminalReport(output, color: false).Write(Outcome(), informational: false);
        var lines = output.ToString().Split('\n');
        Assert.Equal("verdict   FAIL: 6 violation(s) fail policy firmware-policy.yml", lines[0]);
        Assert.Equal("           errors 6 (6 failing), warnings 8, notes 0; waivers 0 applied, 1 expired, 0 stale", lines[1]);
        var listed = lines.Skip(2).Take(10).ToList();
        Assert.All(listed.Take(6), l => Assert.StartsWith("  error    config.rule", l, StringComparison.Ordinal));
        Assert.All(listed.Skip(6), l => Assert.StartsWith("  warning  config.rule", l, StringComparison.Ordinal));
        Assert.Contains("/etc/file8  message 8  [config.rule line 4]", listed[0], StringComparison.Ordinal);
        Assert.Equal("  ... and 4 more (--json, --markdown or --html for all)", lines[12]);
        Assert.StartsWith("  expired  " + "waivers[0]".PadRight(32) + " cve CVE-2023-45853  expired 2026-01-31, waives nothing (owner team: minizip not built) [line 9]", lines[13], StringComparison.Ordinal);
        Assert.DoesNotContain('\e', output.ToString());
    }

    [Fact]
    public void Colour_marks_the_verdict_and_levels_when_asked()
    {
        var output = new StringWriter();
        new TerminalReport(output, color: true).Write(Outcome(), informational: true);
        string text = output.ToString();
        Assert.StartsWith("policy    \e[1m\e[31mFAIL\e[0m: ", text, StringComparison.Ordinal);
        Assert.Contains("(information only; 'firmwaregate gate' enforces it)", text, StringComparison.Ordinal);
        Assert.Contains("  \e[31merror   \e[0m config.rule08", text, StringComparison.Ordinal);
        Assert.Contains("  \e[33mwarning \e[0m config.rule00", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_string_writer_is_not_a_terminal()
    {
        Assert.False(CliOutput.ColorFor(new StringWriter()));
    }

    [Fact]
    public async Task Scan_shows_the_strict_default_verdict_as_information_without_changing_its_exit_code()
    {
        var (code, stdout, stderr) = await GateKit.Run("scan", GateKit.Sample, "--db", GateKit.VulnDb, "--now", GateKit.Now);
        Assert.True(code == 0, stderr);
        Assert.Contains("policy    FAIL: ", stdout, StringComparison.Ordinal);
        Assert.Contains("fail the strict default policy  (information only; 'firmwaregate gate' enforces it)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_real_tool_writes_no_colour_codes_when_its_output_is_redirected()
    {
        // A real process: Console.IsOutputRedirected is true for a pipe, and NO_COLOR is cleared so only redirection decides.
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "firmwaregate.dll"), "gate", GateKit.Sample, "--db", GateKit.VulnDb, "--now", GateKit.Now])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!; // Start returns a process for a real executable.
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 1, await stderr + stdout);
        Assert.Contains("verdict   FAIL: ", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\e', stdout);
        Assert.DoesNotContain('\e', await stderr);
    }
}
