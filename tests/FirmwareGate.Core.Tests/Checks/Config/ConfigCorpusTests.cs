using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;
using Xunit.Abstractions;

namespace FirmwareGate.Core.Tests.Checks.Config;

/// <summary>
/// The configuration rules on the corpus: every planted config item of each manifest (<c>planted.configs</c>:
/// rule id, path, line) is found with that rule, path and line; every other finding of these rules is one of the
/// real items listed in <see cref="RealExtras"/>, each with the reason it is really there. Mode findings among them
/// are also checked against the image's file list (mode as unsquashfs printed it).
/// </summary>
public sealed class ConfigCorpusTests(ITestOutputHelper output)
{
    private static readonly string[] Rules = ["config.", "secret.", "fs."];

    // Findings that the manifests do not plant but that are real: (rule, path, line or null) and why.
    private static readonly Dictionary<(string Rule, string Path, int? Line), string> RealExtras = new()
    {
        [("config.ssh_root_password_login", "/etc/default/dropbear", 2)] =
            "DROPBEAR_EXTRA_ARGS=\"-p 22\" with NO_START=0: Debian's dropbear started with neither -w, -g nor -s lets root log in with a password",
        [("secret.aws_secret_key", "/usr/bin/cloud-sync.sh", 3)] =
            "the planted AWS key pair's secret half (AWS_SECRET_ACCESS_KEY, the documented example value); the manifest lists the pair by its key id line",
        [("fs.setuid", "/usr/sbin/pppd", null)] = "Debian's ppp installs pppd set-user-id root (mode 4754)",
        [("fs.setuid", "/usr/bin/sudo", null)] = "Debian's sudo is set-user-id root (mode 4755)",
    };

    [CorpusTheory]
    [MemberData(nameof(CorpusTests.Images), MemberType = typeof(CorpusTests))]
    public void Planted_configs_are_all_found_and_nothing_else_is_reported(string image)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image + ".manifest.json")));
        var manifest = doc.RootElement;
        var planted = manifest.GetProperty("planted").TryGetProperty("configs", out var configs) && configs.ValueKind == JsonValueKind.Array
            ? configs.EnumerateArray().Select(c => (
                Rule: c.GetProperty("id").GetString()!,
                Path: c.GetProperty("path").GetString()!,
                Line: c.TryGetProperty("line", out var l) ? l.GetInt32() : (int?)null)).ToList()
            : [];

        using var result = Scan.Run(Path.Combine(TestPaths.Corpus, manifest.GetProperty("image").GetProperty("file").GetString()!));
        var findings = result.Checks.Findings.Where(f => Rules.Any(r => f.RuleId.StartsWith(r, StringComparison.Ordinal))).ToList();

        var missed = planted.Where(p => !findings.Any(f => f.RuleId == p.Rule && f.Path == p.Path && f.Line == p.Line)).ToList();
        var extra = findings.Where(f => !planted.Contains((f.RuleId, f.Path!, f.Line))).ToList();
        var unexplained = extra.Where(f => !RealExtras.ContainsKey((f.RuleId, f.Path!, f.Line))).ToList();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{image}: planted {planted.Count - missed.Count}/{planted.Count} found; {extra.Count} other findings, {unexplained.Count} unexplained"));
        foreach (var f in findings)
        {
            output.WriteLine($"  {f.RuleId} {SeverityNames.Of(f.Severity)} {f.Path}:{f.Line} {f.Evidence}");
        }

        Assert.True(missed.Count == 0, $"missed: {string.Join("; ", missed)}");
        Assert.True(unexplained.Count == 0, $"unexplained: {string.Join("; ", unexplained.Select(f => $"{f.RuleId} {f.Path}:{f.Line} {f.Evidence}"))}");

        // Mode extras must have the bits in the image's reference file list.
        foreach (var f in extra.Where(f => f.RuleId.StartsWith("fs.", StringComparison.Ordinal)))
        {
            int mode = ReferenceMode(image, f.Path!);
            int bit = f.RuleId == "fs.setuid" ? 0b100_000_000_000 : f.RuleId == "fs.setgid" ? 0b010_000_000_000 : 0b010;
            Assert.True((mode & bit) != 0, $"{f.Path}: mode {Convert.ToString(mode, 8)} in the file list");
        }
    }

    private static int ReferenceMode(string image, string path)
    {
        foreach (string list in Directory.GetFiles(TestPaths.Corpus, image + ".*.files.tsv"))
        {
            foreach (string row in File.ReadLines(list))
            {
                var cols = row.Split('\t');
                if (cols[0] == path)
                {
                    return Convert.ToInt32(cols[2], 8);
                }
            }
        }

        throw new InvalidOperationException($"{path} is in no file list of {image}");
    }
}
