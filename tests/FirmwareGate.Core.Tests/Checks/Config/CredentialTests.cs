using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Config;

namespace FirmwareGate.Core.Tests.Checks.Config;

/// <summary>
/// Hard-coded credentials. The expected lines of each fixture are what <c>grep -E</c> found with the formats the
/// providers publish (secrets/expected.tsv, written by tests/fixtures/config-fixtures.sh).
/// </summary>
public sealed partial class CredentialTests
{
    [Theory]
    [InlineData("cloud.sh", "/usr/bin/cloud.sh")]
    [InlineData("tokens.conf", "/etc/app/tokens.conf")]
    public void Credentials_are_found_on_the_lines_grep_finds(string fixture, string path)
    {
        var expected = ConfigHarness.Tsv("secrets/expected.tsv").Where(r => r[0] == fixture)
            .Select(r => (r[2], int.Parse(r[1], CultureInfo.InvariantCulture))).Order().ToList();
        Assert.NotEmpty(expected);

        var findings = ConfigHarness.Run((path, ConfigHarness.Bytes("secrets/" + fixture))).Findings();

        Assert.Equal(expected, findings.Select(f => (f.RuleId, f.Line ?? 0)).Order().ToList());
    }

    [Fact]
    public void Near_misses_placeholders_and_test_keys_are_not_reported()
    {
        Assert.Empty(ConfigHarness.Run(("/etc/notes.txt", ConfigHarness.Bytes("secrets/negatives.txt"))).Findings());
    }

    [Fact]
    public void No_finding_carries_any_part_of_a_credential_value()
    {
        byte[] tokens = ConfigHarness.Bytes("secrets/tokens.conf");
        byte[] cloud = ConfigHarness.Bytes("secrets/cloud.sh");
        var findings = ConfigHarness.Run(("/etc/app/tokens.conf", tokens), ("/usr/bin/cloud.sh", cloud)).Findings();
        Assert.NotEmpty(findings);

        var values = Values().Matches(Encoding.ASCII.GetString(tokens) + "\n" + Encoding.ASCII.GetString(cloud)).Select(m => m.Groups[1].Value).Where(v => v.Any(char.IsAsciiDigit)).ToList();
        Assert.True(values.Count >= 12, $"{values.Count} values");
        foreach (var f in findings)
        {
            string text = f.Message + "\n" + f.Evidence;
            foreach (string value in values)
            {
                // Any 6 consecutive characters of the secret part (after the public prefix) would be a leak.
                for (int i = 0; i + 6 <= value.Length; i++)
                {
                    Assert.False(text.Contains(value.Substring(i, 6), StringComparison.Ordinal), $"'{value.Substring(i, 6)}' of a value in: {text}");
                }
            }
        }
    }

    [Fact]
    public void Documented_example_values_are_reported_at_medium_and_say_so()
    {
        var findings = ConfigHarness.Run(("/usr/bin/cloud.sh", ConfigHarness.Bytes("secrets/cloud.sh"))).Findings();
        var example = findings.Where(f => f.Line is 7 or 8).ToList();
        Assert.Equal(2, example.Count);
        Assert.All(example, f => Assert.Equal(Severity.Medium, f.Severity));
        Assert.All(example, f => Assert.Contains("documented example value", f.Evidence, StringComparison.Ordinal));
        var live = findings.Single(f => f.Line == 3);
        Assert.Equal(Severity.High, live.Severity);
        Assert.Equal("AWS access key id with prefix AKIA, 20 characters, assigned to AWS_ACCESS_KEY_ID", live.Evidence);
    }

    [Fact]
    public void Binary_files_and_files_over_the_cap_are_not_read()
    {
        byte[] token = ConfigHarness.Bytes("secrets/tokens.conf");
        byte[] elf = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, .. token];
        byte[] big = [.. token, .. Enumerable.Repeat((byte)'\n', (int)CloudCredentialCheck.MaxFileBytes)];
        Assert.Empty(ConfigHarness.Run(("/usr/bin/agent", elf), ("/etc/big.conf", big)).Findings());
    }

    [Fact]
    public void The_search_is_linear_on_hostile_text_full_of_anchors()
    {
        var text = new StringBuilder();
        while (text.Length < CloudCredentialCheck.MaxFileBytes - 64)
        {
            text.Append("AKIAAKIA ghp_ghp_ xoxb-123 aws_secret_key=ecretECRET AIza sk_live_ npm_ ");
        }

        byte[] data = Encoding.ASCII.GetBytes(text.ToString());
        var clock = Stopwatch.StartNew();
        var hits = CloudCredentialCheck.Find(data);
        clock.Stop();

        Assert.Empty(hits);
        Assert.True(clock.ElapsedMilliseconds < 2000, $"{clock.ElapsedMilliseconds} ms for 1 MiB of anchors");
    }

    [Fact]
    public void Findings_per_file_are_capped_with_a_note()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 80; i++)
        {
            string id = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))[..16];
            text.Append(CultureInfo.InvariantCulture, $"KEY{i}=AKIA{id}\n");
        }

        var results = ConfigHarness.Run(("/etc/keys.env", Encoding.ASCII.GetBytes(text.ToString())));

        Assert.Equal(CloudCredentialCheck.MaxFindingsPerFile, results.Findings().Count);
        Assert.Contains(results.Notes, n => n.Contains("30 more credentials", StringComparison.Ordinal));
    }

    // The secret part of each value: after an assignment or at a word start, without its public type prefix.
    [GeneratedRegex(@"(?:[=:] *""?|(?<![A-Za-z0-9_]))(?:AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xoxb-|AIza|sk_live_|npm_|pypi-AgEIcHlwaS5vcmc)?([A-Za-z0-9/+_-]{16,})", RegexOptions.CultureInvariant)]
    private static partial Regex Values();
}
