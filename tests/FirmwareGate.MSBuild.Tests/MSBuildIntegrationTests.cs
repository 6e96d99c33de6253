using System.Text.RegularExpressions;

namespace FirmwareGate.MSBuild.Tests;

/// <summary>
/// The package as a user gets it: packed, restored from a local folder into projects in temporary folders, and run
/// by the real <c>dotnet build</c> on the real sample image (samples/router-sample.trx) and NVD records.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed partial class MSBuildIntegrationTests(PackageFixture package)
{
    // Everything reported, nothing fails: the sample's CVEs and weaknesses are warnings and notes.
    private const string PermissivePolicy = """
        version: 1
        vulnerabilities:
          severity: { critical: warning, high: warning, medium: note, low: note }
        findings: { critical: warning, high: note, medium: note, low: note, info: note }
        """;

    // Fails on the two critical CVEs (line 3, column 15) and the default root password (line 5, column 3).
    private const string StrictPolicy = """
        version: 1
        vulnerabilities:
          severity: { critical: error, high: warning, medium: warning, low: note }
        accounts:
          default-password: error
        findings: { critical: warning, high: warning, medium: note, low: note, info: note }
        """;

    private const string Waivers = """

        waivers:
          - cve: CVE-2022-48174
            component: busybox
            reason: the affected applet is not built
            owner: firmware-team@example.com
            expires: 2099-12-31
          - cve: CVE-2023-45853
            component: zlib
            reason: minizip is not built into the image
            owner: firmware-team@example.com
            expires: 2099-12-31
            analysis: { state: not_affected, justification: code_not_present }
          - rule: account.default-password
            path: /etc/shadow
            reason: the factory image forces a password change at first login
            owner: firmware-team@example.com
            expires: 2099-12-31
        """;

    [Fact]
    public void PassingImageBuildsWritesItsOutputsAndIsNotRescannedOnTheNextBuild()
    {
        AssertPacked();
        var project = SampleProject.Create(package, "passing", PermissivePolicy);

        var first = package.Build(project.Folder, "first.binlog");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains($"FirmwareGate: PASS images{Path.DirectorySeparatorChar}router.trx: 0 violation(s) fail policy firmware-policy.yml", first.Output);
        // The critical CVEs are warnings pointing at the policy line that made them warnings.
        Assert.Matches(new Regex(@"firmware-policy\.yml\(3,15\): warning FG1000: CVE-2022-48174: .* - /bin/busybox in images/router\.trx"), first.Output);
        var outputs = new[] { ".gate.json", ".cdx.json", ".sarif" }.Select(suffix => project.Image + suffix).ToArray();
        Assert.All(outputs, path => Assert.True(File.Exists(path), path));
        Assert.True(File.Exists(Path.Combine(project.Folder, "release", "router.trx.cdx.json")), "the FirmwareGateSbom item was not copied");
        Assert.Contains("\"verdict\": \"pass\"", File.ReadAllText(project.Image + ".gate.json"));
        var written = outputs.Select(File.GetLastWriteTimeUtc).ToArray();

        var second = package.Build(project.Folder, "second.binlog", "-v:n");

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("Skipping target \"FirmwareGateRun\" because all output files are up-to-date", second.Output);
        Assert.DoesNotContain("FirmwareGate: PASS", second.Output);
        Assert.Equal(written, outputs.Select(File.GetLastWriteTimeUtc).ToArray());
    }

    [Fact]
    public void FailingImageFailsWithCodesAtThePolicyLinesAndPassesOnceWaived()
    {
        AssertPacked();
        var project = SampleProject.Create(package, "failing", StrictPolicy);

        var failed = package.Build(project.Folder, "failed.binlog");

        Assert.Equal(1, failed.ExitCode);
        var expected = new[]
        {
            @"firmware-policy\.yml\(3,15\): error FG1000: CVE-2022-48174: CVE-2022-48174 affects busybox 1\.35\.0: critical 9\.8 - /bin/busybox in images/router\.trx \[policy rule vulnerabilities\.severity\.critical\]",
            @"firmware-policy\.yml\(3,15\): error FG1000: CVE-2023-45853: .* - /lib/libz\.so\.1\.2\.13 in images/router\.trx",
            @"firmware-policy\.yml\(5,3\): error FG1100: account\.default-password: .* - /etc/shadow in images/router\.trx \[policy rule accounts\.default-password\]",
        };
        Assert.Equal(3, DistinctErrors(failed.Output).Count);
        var replay = package.Replay(project.Folder, "failed.binlog", "detailed");
        foreach (var pattern in expected)
        {
            Assert.Matches(new Regex(Regex.Escape(project.Policy).Replace(@"firmware-policy\.yml", "") + pattern), failed.Output);
            Assert.Matches(new Regex(pattern), replay);
        }

        Assert.Contains("FirmwareGate: FAIL", failed.Output);
        // Details (violations that do not fail) only at detailed verbosity.
        Assert.Contains("cert.self-signed-leaf", replay);
        Assert.DoesNotContain("cert.self-signed-leaf", failed.Output);
        Assert.DoesNotContain(" error : ", failed.Output);

        // The failed gate runs again on the next build; FirmwareGateFailOn=never turns its errors into warnings.
        var never = package.Build(project.Folder, "never.binlog", "-p:FirmwareGateFailOn=never");

        Assert.True(never.ExitCode == 0, never.Output);
        Assert.Matches(new Regex(@"firmware-policy\.yml\(5,3\): warning FG1100: account\.default-password"), never.Output);
        Assert.Empty(DistinctErrors(never.Output));

        File.AppendAllText(project.Policy, Waivers);
        var waived = package.Build(project.Folder, "waived.binlog");

        Assert.True(waived.ExitCode == 0, waived.Output);
        Assert.Contains("0 violation(s) fail policy firmware-policy.yml", waived.Output);
        Assert.Contains("waivers 3 applied, 0 expired, 0 stale", waived.Output);
    }

    [Fact]
    public void WarningsBecomeErrorsWhenAsked()
    {
        AssertPacked();
        var project = SampleProject.Create(package, "warnings-as-errors", PermissivePolicy);

        var result = package.Build(project.Folder, "strict.binlog", "-p:FirmwareGateTreatWarningsAsErrors=true");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(new Regex(@"firmware-policy\.yml\(3,15\): error FG1000: CVE-2022-48174"), result.Output);
        Assert.DoesNotContain("warning FG", result.Output);
    }

    [Fact]
    public void MissingImageMalformedPolicyAndMissingDatabaseEachGiveOneClearError()
    {
        AssertPacked();
        var project = SampleProject.Create(package, "input-errors", PermissivePolicy);

        var missingImage = package.Build(project.Folder, "image.binlog", "-p:ImagePath=images/absent.bin");
        var missingDatabase = package.Build(project.Folder, "db.binlog", "-p:FirmwareGateDatabase=" + Path.Combine(project.Folder, "absent.sqlite"));
        File.WriteAllText(project.Policy, "version: 1\nvulnerabilities:\n  severity: { critical: eror }\n");
        var malformed = package.Build(project.Folder, "policy.binlog");

        Assert.Equal(1, missingImage.ExitCode);
        var image = Assert.Single(DistinctErrors(missingImage.Output));
        Assert.Matches(new Regex(@"images/absent\.bin : error FG0001: firmware image '.*images/absent\.bin' does not exist"), image);

        Assert.Equal(1, missingDatabase.ExitCode);
        var database = Assert.Single(DistinctErrors(missingDatabase.Output));
        Assert.Matches(new Regex(@"error FG0003: vulnerability database '.*absent\.sqlite' does not exist"), database);

        Assert.Equal(1, malformed.ExitCode);
        var policy = Assert.Single(DistinctErrors(malformed.Output));
        Assert.Matches(new Regex(Regex.Escape(project.Policy) + @"\(3,25\): error FG0002: vulnerabilities\.severity\.critical: 'eror' is not a level"), policy);
    }

    private static List<string> DistinctErrors(string output) =>
        [.. output.Split('\n').Select(l => l.Trim()).Where(l => ErrorLine().IsMatch(l)).Distinct(StringComparer.Ordinal)];

    private void AssertPacked() => Assert.True(package.Pack.ExitCode == 0 && package.Version.Length > 0, package.Pack.Output);

    [GeneratedRegex(@": error [A-Z]+[0-9]+: ")]
    private static partial Regex ErrorLine();
}
