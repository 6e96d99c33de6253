using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Gate;

/// <summary><c>gate --baseline</c> under <c>baseline: new-only</c>: only what is new fails.</summary>
public sealed class GateBaselineTests
{
    private const string NewOnly = """
        version: 1
        baseline: new-only
        vulnerabilities:
          severity: { critical: error, high: error, medium: warning }
        findings: { critical: error, high: error, medium: warning, low: note }
        private-keys:
          unencrypted: error
        """;

    [Fact]
    public async Task Nothing_new_since_the_baseline_passes_what_fails_without_it()
    {
        using var temp = new TempDir();
        string policy = GateKit.WritePolicy(temp, NewOnly);
        string baseline = temp.Combine("baseline.json");
        var (without, _, _) = await GateKit.GateSample("--policy", policy, "--json", baseline, "-q");
        Assert.Equal(1, without);

        var (code, stdout, stderr) = await GateKit.GateSample("--policy", policy, "--baseline", baseline);
        Assert.True(code == 0, stderr + stdout);
        Assert.Matches(@"errors [1-9]\d* \(0 failing, [1-9]\d* in the baseline\)", stdout);
        Assert.Matches(@"\n  baseline +key\.private-unencrypted +/etc/uhttpd\.key", stdout);
    }

    [Fact]
    public async Task The_sbom_of_the_baseline_serves_as_well()
    {
        using var temp = new TempDir();
        string sbom = temp.Combine("baseline.cdx.json");
        var (written, _, _) = await GateKit.Run("sbom", GateKit.Sample, "--db", GateKit.VulnDb, "--now", GateKit.Now, "-o", sbom, "-q");
        Assert.Equal(0, written);
        // An SBOM has components and vulnerabilities, no findings: the CVEs are known, the findings are new.
        string policy = GateKit.WritePolicy(temp, "version: 1\nbaseline: new-only\nvulnerabilities:\n  severity: { critical: error, high: error }\n");
        var (code, stdout, stderr) = await GateKit.GateSample("--policy", policy, "--baseline", sbom);
        Assert.True(code == 0, stderr + stdout);
    }

    [CorpusTheory]
    [InlineData("sysupgrade-armhf")]
    public async Task The_after_image_of_a_real_pair_fails_on_what_it_adds(string name)
    {
        Assert.Equal("sysupgrade-armhf", name);
        using var temp = new TempDir();
        string policy = GateKit.WritePolicy(temp, NewOnly);
        string before = temp.Combine("before.json");
        var (beforeCode, _, beforeErr) = await GateKit.Run("gate", GateKit.PairBefore, "--policy", policy, "--db", GateKit.VulnDb, "--now", GateKit.Now, "--json", before, "-q");
        Assert.True(beforeCode is 0 or 1, beforeErr);

        // The before image against its own report: nothing new.
        var (same, sameOut, sameErr) = await GateKit.Run("gate", GateKit.PairBefore, "--policy", policy, "--db", GateKit.VulnDb, "--now", GateKit.Now, "--baseline", before);
        Assert.True(same == 0, sameErr + sameOut);

        // The after image adds an unencrypted private key: new, so it fails; what it shares with the before image does not.
        string after = temp.Combine("after.json");
        var (code, stdout, stderr) = await GateKit.Run("gate", GateKit.PairAfter, "--policy", policy, "--db", GateKit.VulnDb, "--now", GateKit.Now, "--baseline", before, "--json", after);
        Assert.True(code == 1, stderr + stdout);
        Assert.Matches(@"\n  error +key\.private-unencrypted +/etc/ssl/private/server\.key", stdout);
        Assert.DoesNotMatch(@"\n  error .*/etc/(shadow|inittab)", stdout);
    }
}
