using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Hardening;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;
using Xunit.Abstractions;

namespace FirmwareGate.Core.Tests.Checks.Hardening;

/// <summary>
/// Every ELF file of every corpus image against Debian's checksec 2.6 (the committed reference that
/// tests/fixtures/hardening-checksec.sh wrote), and the planted binaries against the manifests' readelf facts.
/// </summary>
public sealed class HardeningCorpusTests(ITestOutputHelper output)
{
    /// <summary>
    /// The differences from checksec, each with the reason checksec is wrong. Key: image, path, field; value: our value,
    /// checksec's value, the reason. Anything not listed must agree exactly.
    /// </summary>
    private static readonly Dictionary<(string Image, string Path, string Field), (string Ours, string Checksec, string Reason)> KnownDifferences = new()
    {
        [("gateway-arm64", "/bin/busybox", "canary")] = ("unknown", "no", NoSymbols),
        [("sysupgrade-armhf", "/bin/busybox", "canary")] = ("unknown", "no", NoSymbols),
        [("update-amd64", "/bin/busybox", "canary")] = ("unknown", "no", NoSymbols),
    };

    private const string NoSymbols =
        "statically linked and stripped: no .dynsym and no .symtab, so no symbol can show a stack protector; checksec says no, the scanner says unknown";

    // plant.py's list of flagged names: the manifest's imports_flagged is the intersection of the symbol tables with it.
    private static readonly HashSet<string> ManifestVocabulary = new(StringComparer.Ordinal)
    {
        "gets", "strcpy", "strcat", "sprintf", "vsprintf", "scanf", "sscanf", "system", "popen", "execl", "execlp",
        "execv", "execvp", "mktemp", "tmpnam", "socket", "bind", "listen", "accept",
    };

    [CorpusTheory]
    [MemberData(nameof(CorpusTests.Images), MemberType = typeof(CorpusTests))]
    public void Every_elf_agrees_with_checksec_except_the_documented_differences(string image)
    {
        var rows = ChecksecRow.Read(TestPaths.Fixture(Path.Combine("Hardening", "checksec", image + ".tsv")));
        using var result = Scan.Run(ImagePath(image));
        var byKey = BinariesByPathAndHash(result);

        var differences = new List<string>();
        var agreeing = ChecksecRow.Fields.ToDictionary(f => f, _ => 0, StringComparer.Ordinal);
        int compared = 0;
        foreach (var row in rows)
        {
            string path = row["path"];
            bool expectItem = row["type"] is "EXEC" or "DYN";
            bool found = byKey.TryGetValue((path, row["sha256"]), out var binary);
            if (!expectItem)
            {
                Assert.False(found, $"{image}:{path} is {row["type"]}: not a binaries[] item");
                continue;
            }

            Assert.True(found, $"{image}:{path} ({row["type"]}) is missing from binaries[]");
            compared++;
            var ours = ChecksecRow.Of(binary!);
            foreach (var field in ChecksecRow.Fields)
            {
                if (ours[field] == row[field])
                {
                    agreeing[field]++;
                    continue;
                }

                if (KnownDifferences.TryGetValue((image, path, field), out var known) && known.Ours == ours[field] && known.Checksec == row[field])
                {
                    continue;
                }

                differences.Add($"[(\"{image}\", \"{path}\", \"{field}\")] = (\"{ours[field]}\", \"{row[field]}\", \"\"),");
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{image}: {rows.Count} ELF files, {compared} executables and shared objects compared; agreement per field: {string.Join(", ", agreeing.Select(a => $"{a.Key} {a.Value}/{compared}"))}"));
        foreach (var d in KnownDifferences.Where(k => k.Key.Image == image))
        {
            output.WriteLine($"  documented: {d.Key.Path} {d.Key.Field}: ours {d.Value.Ours}, checksec {d.Value.Checksec}: {d.Value.Reason}");
        }

        // The network finding is about programs; a library that can listen is judged in its caller.
        var dsos = result.Checks.Binaries.Where(b => b.Pie.Value == "dso").Select(b => b.Location).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(result.Checks.Findings, f => f.RuleId == HardeningAnalyzer.NetworkUnsafeCalls && dsos.Contains(f.Location));

        Assert.True(differences.Count == 0, $"{image}: {differences.Count} undocumented differences from checksec:\n{string.Join("\n", differences)}");
        int stale = KnownDifferences.Keys.Count(k => k.Image == image && !rows.Any(r => r["path"] == k.Path));
        Assert.Equal(0, stale);
    }

    [CorpusTheory]
    [MemberData(nameof(CorpusTests.Images), MemberType = typeof(CorpusTests))]
    public void Planted_binaries_have_the_manifest_properties(string image)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image + ".manifest.json")));
        var planted = doc.RootElement.TryGetProperty("planted", out var p0) && p0.TryGetProperty("binaries", out var list) ? list.EnumerateArray().ToList() : [];
        using var result = Scan.Run(ImagePath(image));
        foreach (var p in planted)
        {
            string path = p.GetProperty("path").GetString()!;
            var e = p.GetProperty("expected");
            var b = Assert.Single(result.Checks.Binaries, x => x.Path == path);
            string what = $"{image}:{path}";
            Assert.True(e.GetProperty("elf_type").GetString() == (b.Type == "exec" ? "EXEC" : "DYN"), what + " type");
            Assert.True(e.GetProperty("nx").GetBoolean() == b.Nx.Value, $"{what} nx: {b.Nx.Evidence}");
            Assert.True(e.GetProperty("pie").GetBoolean() == (b.Pie.Value == "yes"), $"{what} pie: {b.Pie.Evidence}");
            Assert.True(e.GetProperty("relro").GetString() == b.Relro.Value, $"{what} relro: {b.Relro.Evidence}");
            Assert.True(e.GetProperty("canary").GetBoolean() == b.Canary.Value, $"{what} canary: {b.Canary.Evidence}");
            Assert.True(e.GetProperty("fortify").GetBoolean() == b.Fortify.Value, $"{what} fortify: {b.Fortify.Evidence}");
            Assert.Equal(e.GetProperty("fortified_functions").EnumerateArray().Select(x => x.GetString()!), b.Fortify.Fortified);
            Assert.True(e.GetProperty("stripped").GetBoolean() == b.Stripped.Value, $"{what} stripped");
            Assert.Equal(e.GetProperty("rpath").GetString(), b.RPath.Value);
            Assert.Equal(e.GetProperty("runpath").GetString(), b.RunPath.Value);
            Assert.Equal(e.GetProperty("cet_ibt").GetBoolean(), b.Cet?.Ibt ?? false);
            Assert.Equal(e.GetProperty("cet_shstk").GetBoolean(), b.Cet?.Shstk ?? false);
            Assert.Equal(e.GetProperty("imports_flagged").EnumerateArray().Select(x => x.GetString()!), b.Imports.Where(ManifestVocabulary.Contains));

            // The sample daemon binds, listens and calls system(): the one finding a reviewer must see.
            bool listens = b.Imports.Contains("bind") && b.Imports.Contains("listen");
            Assert.Equal(listens, b.ListensOnNetwork);
            bool flagged = result.Checks.Findings.Any(f => f.Path == path && f.RuleId == HardeningAnalyzer.NetworkUnsafeCalls);
            Assert.Equal(listens && b.Imports.Any(FlaggedFunctions.IsDangerousNextToNetwork), flagged);
        }

        output.WriteLine($"{image}: {planted.Count} planted binaries agree with the manifest");
    }

    private static string ImagePath(string image)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image + ".manifest.json")));
        return Path.Combine(TestPaths.Corpus, doc.RootElement.GetProperty("image").GetProperty("file").GetString()!);
    }

    private static Dictionary<(string Path, string Sha256), BinaryHardening> BinariesByPathAndHash(Pipeline.ScanResult result)
    {
        var byLocation = result.Checks.Binaries.ToDictionary(b => b.Location, StringComparer.Ordinal);
        var map = new Dictionary<(string, string), BinaryHardening>();
        foreach (var layer in result.AllLayers.Where(l => l.FileSystem is not null))
        {
            foreach (var entry in layer.FileSystem!.Entries)
            {
                if (entry.Content is { } content && byLocation.TryGetValue(layer.Location + ":" + entry.Path, out var binary))
                {
                    var bytes = new byte[content.Length];
                    content.ReadFully(0, bytes);
                    map[(entry.Path, Convert.ToHexStringLower(SHA256.HashData(bytes)))] = binary;
                }
            }
        }

        return map;
    }
}
