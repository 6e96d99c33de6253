using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Checks.Accounts;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;
using Xunit.Abstractions;

namespace FirmwareGate.Core.Tests.Checks.Accounts;

/// <summary>
/// Accounts against the corpus manifests: every planted account found with the planted algorithm, flags, uid, gid,
/// shell and line, and flagged as a default password exactly when the manifest says its password is in a list of
/// well-known defaults. No account finding on anything the manifest does not plant, except what is shown here to be
/// really there: update-amd64 ships /etc/shadow- (listed in its file list), a byte copy of /etc/shadow, so the same
/// accounts and findings appear a second time at that path, and that copy has mode 0644, so it is also reported as
/// readable by every user. Also prints the time the account checks take beside the image's unpack time.
/// </summary>
public sealed partial class AccountsCorpusTests(ITestOutputHelper output)
{
    [CorpusTheory]
    [MemberData(nameof(CorpusTests.Images), MemberType = typeof(CorpusTests))]
    public void Planted_accounts_are_found_with_their_attributes_and_nothing_else_is_flagged(string image)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image + ".manifest.json")));
        var manifest = doc.RootElement;
        var planted = manifest.GetProperty("planted").TryGetProperty("accounts", out var list) ? [.. list.EnumerateArray()] : new List<JsonElement>();
        using var result = Scan.Run(Path.Combine(TestPaths.Corpus, manifest.GetProperty("image").GetProperty("file").GetString()!));
        var accounts = result.Checks.Accounts;
        var findings = result.Checks.Findings.Where(f => f.RuleId.StartsWith("account.", StringComparison.Ordinal)).ToList();
        var fileRows = File.ReadLines(Path.Combine(TestPaths.Corpus, $"{image}.rootfs.files.tsv")).Select(l => l.Split('\t')).ToDictionary(f => f[0], f => f);

        int found = 0;
        var wrong = new List<string>();
        foreach (var p in planted)
        {
            string file = p.GetProperty("file").GetString()!, user = p.GetProperty("user").GetString()!;
            var matches = accounts.Where(a => a.Path == file && a.User == user).ToList();
            if (matches.Count == 0)
            {
                wrong.Add($"missing {file} {user}");
                continue;
            }

            foreach (var a in matches)
            {
                var diffs = Differences(p, a).ToList();
                if (diffs.Count > 0)
                {
                    wrong.Add($"{file} {user}: {string.Join(", ", diffs)}");
                }
            }

            found++;
        }

        // Every account finding names a planted (file or its shadow- copy, user); the readable-copy finding is about the file.
        var plantedKeys = planted.Select(p => (p.GetProperty("file").GetString()!, p.GetProperty("user").GetString()!)).ToHashSet();
        var unplanted = new List<string>();
        foreach (var f in findings)
        {
            if (f.RuleId == "account.shadow-readable")
            {
                bool readable = fileRows.TryGetValue(f.Path!, out var row) && (Convert.ToInt32(row[2], 8) & 4) != 0;
                if (!readable)
                {
                    unplanted.Add($"{f.RuleId} {f.Path}");
                }

                continue;
            }

            string user = UserInMessage().Match(f.Message).Groups[1].Value;
            string path = f.Path == "/etc/shadow-" && fileRows.ContainsKey("/etc/shadow-") ? "/etc/shadow" : f.Path!;
            if (f.RuleId == "account.extra-uid0")
            {
                path = "/etc/shadow"; // about the passwd line of a planted shadow account
            }

            if (!plantedKeys.Contains((path, user)))
            {
                unplanted.Add($"{f.RuleId} {f.Path} {user}");
            }
        }

        var (walkMs, stepMs) = TimeAccountChecks(result);
        long unpackMs = result.DurationsMs.GetValueOrDefault("unpack");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{image}: planted accounts found {found}/{planted.Count}, attribute mismatches {wrong.Count}, findings {findings.Count} ({unplanted.Count} unexplained); " +
            $"account step {stepMs} ms, account-only walk {walkMs} ms, unpack {unpackMs} ms"));
        foreach (var a in accounts)
        {
            output.WriteLine($"  {a.Path} {a.User} {a.Algorithm} tried {a.CandidatesTried} match {a.MatchesDefaultPassword}");
        }

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
        Assert.True(unplanted.Count == 0, string.Join("; ", unplanted));
        Assert.Equal(planted.Count, found);
    }

    private static IEnumerable<string> Differences(JsonElement p, AccountInfo a)
    {
        if (p.GetProperty("algorithm").GetString() != a.Algorithm)
        {
            yield return $"algorithm {a.Algorithm}";
        }

        if (p.GetProperty("empty").GetBoolean() != a.Empty)
        {
            yield return $"empty {a.Empty}";
        }

        if (p.GetProperty("locked").GetBoolean() != a.Locked)
        {
            yield return $"locked {a.Locked}";
        }

        if (p.TryGetProperty("uid", out var uid) && uid.GetInt32() != a.Uid)
        {
            yield return $"uid {a.Uid}";
        }

        if (p.TryGetProperty("gid", out var gid) && gid.GetInt32() != a.Gid)
        {
            yield return $"gid {a.Gid}";
        }

        if (p.TryGetProperty("shell", out var shell) && shell.GetString() != a.Shell)
        {
            yield return $"shell {a.Shell}";
        }

        if (p.TryGetProperty("line", out var line) && line.GetInt32() != a.Line)
        {
            yield return $"line {a.Line}";
        }

        if (p.GetProperty("password_in_default_list").GetBoolean() != (a.MatchesDefaultPassword == true))
        {
            yield return $"matchesDefaultPassword {a.MatchesDefaultPassword} after {a.CandidatesTried} candidates";
        }
    }

    // The walk with only the account analyser (reading the account files), then the step alone (join and crack).
    private static (long WalkMs, long StepMs) TimeAccountChecks(FirmwareGate.Core.Pipeline.ScanResult result)
    {
        var sw = Stopwatch.StartNew();
        var walked = new AnalysisWalk([new AccountFileAnalyzer()]).Run(result.Layers, CancellationToken.None);
        long walkMs = sw.ElapsedMilliseconds;
        sw.Restart();
        new AccountCheckStep().Run(walked, new AnalysisSink());
        return (walkMs, sw.ElapsedMilliseconds);
    }

    [GeneratedRegex("'([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex UserInMessage();
}
