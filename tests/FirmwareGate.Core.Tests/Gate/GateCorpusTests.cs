using System.Text.Json;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Gate;

/// <summary>End-to-end gates on the corpus images: the strict default fails each (every image has planted weaknesses); a permissive policy passes it.</summary>
public sealed class GateCorpusTests
{
    private static string ImageOf(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, name + ".manifest.json")));
        return Path.Combine(TestPaths.Corpus, doc.RootElement.GetProperty("image").GetProperty("file").GetString()!); // the manifest names its image
    }

    [CorpusTheory]
    [MemberData(nameof(CorpusTests.Images), MemberType = typeof(CorpusTests))]
    public async Task The_strict_default_fails_and_a_permissive_policy_passes(string name)
    {
        using var temp = new TempDir();
        string image = ImageOf(name);
        string json = temp.Combine("strict.json"), sarif = temp.Combine("strict.sarif");
        var (strict, strictOut, strictErr) = await GateKit.Run("gate", image, "--db", GateKit.VulnDb, "--now", GateKit.Now, "--json", json, "--sarif", sarif);
        Assert.True(strict == 1, $"{name}: exit {strict}: {strictErr}{strictOut}");
        var report = GateKit.ReadJson(json);
        Assert.Equal("fail", report.GetProperty("policy").GetProperty("verdict").GetString());
        Assert.Contains("verdict   FAIL: ", strictOut, StringComparison.Ordinal);
        Assert.NotEmpty(GateKit.ReadJson(sarif).GetProperty("runs")[0].GetProperty("results").EnumerateArray());

        string permissive = GateKit.WritePolicy(temp, GateKit.Permissive);
        var (pass, passOut, passErr) = await GateKit.Run("gate", image, "--policy", permissive, "--db", GateKit.VulnDb, "--now", GateKit.Now);
        Assert.True(pass == 0, $"{name}: exit {pass}: {passErr}{passOut}");
        Assert.Contains("verdict   PASS: ", passOut, StringComparison.Ordinal);
    }

    [CorpusTheory]
    [MemberData(nameof(CorpusTests.Images), MemberType = typeof(CorpusTests))]
    public async Task Every_shipped_sample_policy_gives_a_verdict_that_matches_the_exit_code(string name)
    {
        using var temp = new TempDir();
        string image = ImageOf(name);
        var policies = Directory.GetFiles(GateKit.Samples, "*.yml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(policies);
        foreach (var policy in policies)
        {
            string json = temp.Combine(Path.GetFileName(policy) + ".json");
            var (code, stdout, stderr) = await GateKit.Run("gate", image, "--policy", policy, "--db", GateKit.VulnDb, "--now", GateKit.Now, "--json", json, "-q");
            Assert.True(code is 0 or 1 or 3, $"{name} with {policy}: exit {code}: {stderr}{stdout}");
            string verdict = GateKit.ReadJson(json).GetProperty("policy").GetProperty("verdict").GetString()!;
            Assert.Equal(code switch { 0 => "pass", 1 => "fail", _ => "incomplete" }, verdict);
            if (Path.GetFileName(policy) == "firmware-policy.yml")
            {
                // The starter policy rejects what every corpus image has planted (unencrypted keys, default passwords, telnet...).
                Assert.True(code == 1, $"{name}: the shipped policy gave {verdict}");
                Assert.Contains(GateKit.Violations(GateKit.ReadJson(json)), v => v.GetProperty("fails").GetBoolean());
            }
        }
    }
}
