using System.Text.Json;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Inventory.PackageDb;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;
using Xunit.Abstractions;

namespace FirmwareGate.Core.Tests.Inventory.PackageDb;

/// <summary>
/// The package databases and release files of the corpus images, read by the analysers through the real walk
/// over the unpacked image, against the image manifests (the ground truth written when the image was built).
/// </summary>
public sealed class PackageDbCorpusTests(ITestOutputHelper output)
{
    public static TheoryData<string> ImagesWithPackageDb()
    {
        var data = new TheoryData<string>();
        if (!TestPaths.CorpusPresent)
        {
            data.Add("corpus-absent");
            return data;
        }

        foreach (var manifest in Directory.GetFiles(TestPaths.Corpus, "*.manifest.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
            if (doc.RootElement.GetProperty("filesystems").EnumerateArray().Any(f => f.GetProperty("package_db").ValueKind == JsonValueKind.String))
            {
                data.Add(Path.GetFileName(manifest).Replace(".manifest.json", "", StringComparison.Ordinal));
            }
        }

        return data;
    }

    public static TheoryData<string> Images() => CorpusTests.Images();

    [CorpusTheory]
    [MemberData(nameof(ImagesWithPackageDb))]
    public void Every_package_of_the_manifest_is_read_with_its_upstream_version(string image)
    {
        var manifest = ManifestComponents.Load(Path.Combine(TestPaths.Corpus, image + ".manifest.json"));
        using var scan = Scan.Run(Path.Combine(TestPaths.Corpus, manifest.ImageFile));
        var results = PackageDbRun.Walk(scan.Layers);
        var observations = results.Packages();
        Assert.NotEmpty(observations);

        var expected = manifest.Components.Where(c => c.InPackageDb).ToList();
        Assert.NotEmpty(expected);
        var byPackage = observations.ToLookup(o => o.Package!, StringComparer.Ordinal);
        int exact = 0;
        int byName = 0;
        foreach (var component in expected)
        {
            foreach (string package in component.Packages)
            {
                var seen = Assert.Single(byPackage[package]);
                Assert.Equal(component.Version, seen.Version);
                Assert.Equal(EvidenceMethod.PackageDb, seen.Method);
                Assert.Equal(1.0, seen.Confidence);
                if (manifest.Database == "dpkg")
                {
                    // The images have no /etc/debian_version, so the distro qualifier is unknown and left out.
                    Assert.Equal(component.Purl.Replace("&distro=debian-12", "", StringComparison.Ordinal), seen.Purl);
                }
                else
                {
                    Assert.StartsWith($"pkg:opkg/{package}@", seen.Purl, StringComparison.Ordinal);
                }
            }

            exact++;
            if (observations.Any(o => o.Name == component.Name && o.Version == component.Version))
            {
                byName++;
            }
        }

        // Nothing beyond the manifest: every installed package belongs to a manifest component.
        var known = manifest.Components.SelectMany(c => c.Packages).ToHashSet(StringComparer.Ordinal);
        Assert.All(observations, o => Assert.Contains(o.Package!, known));

        var unmapped = observations.Where(o => o.Product is null).Select(o => o.Package!).Distinct().Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"{image}: {exact}/{expected.Count} package-db components with the exact upstream version; {byName} also under the manifest name; {observations.Count} packages read");
        output.WriteLine($"{image}: packages with no catalog product ({unmapped.Count}): {string.Join(' ', unmapped)}");
        Assert.DoesNotContain(results.Warnings, w => w.Contains("dpkg", StringComparison.Ordinal) || w.Contains("opkg", StringComparison.Ordinal));
    }

    [CorpusTheory]
    [MemberData(nameof(ImagesWithPackageDb))]
    public void File_lists_tie_the_manifest_files_to_their_packages(string image)
    {
        var manifest = ManifestComponents.Load(Path.Combine(TestPaths.Corpus, image + ".manifest.json"));
        using var scan = Scan.Run(Path.Combine(TestPaths.Corpus, manifest.ImageFile));
        var lists = PackageDbRun.Walk(scan.Layers).Items<PackageFiles>().ToDictionary(p => p.Package, StringComparer.Ordinal);
        foreach (var component in manifest.Components.Where(c => c.InPackageDb))
        {
            var listed = component.Packages.SelectMany(p => lists[p].Paths).ToHashSet(StringComparer.Ordinal);
            Assert.All(component.Files, f => Assert.Contains(f, listed));
        }
    }

    [CorpusTheory]
    [MemberData(nameof(Images))]
    public void Release_files_give_the_manifest_os_and_one_os_component_per_filesystem(string image)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image + ".manifest.json")));
        var os = doc.RootElement.GetProperty("os").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        using var scan = Scan.Run(Path.Combine(TestPaths.Corpus, doc.RootElement.GetProperty("image").GetProperty("file").GetString()!));
        var results = PackageDbRun.Walk(scan.Layers);

        var records = results.Items<OsRelease>();
        Assert.NotEmpty(records);
        Assert.Contains(records, r => r.Fields.Count == os.Count && os.All(kv => r.Fields.GetValueOrDefault(kv.Key) == kv.Value));

        var systems = results.Systems();
        Assert.Equal(systems.Count, systems.Select(s => s.Location[..s.Location.LastIndexOf(':')]).Distinct().Count());
        string name = (os.GetValueOrDefault("ID") ?? os["DISTRIB_ID"]).ToLowerInvariant();
        string version = os.GetValueOrDefault("VERSION_ID") ?? os["DISTRIB_RELEASE"];
        Assert.NotEmpty(systems);
        Assert.All(systems, s =>
        {
            Assert.Equal(name, s.Name);
            Assert.Equal(version, s.Version);
            Assert.Null(s.Cpe); // vendor distributions NVD does not know get no CPE
            Assert.Equal(EvidenceMethod.PackageDb, s.Method);
        });
        output.WriteLine($"{image}: {string.Join("; ", systems.Select(s => $"{s.Name} {s.Version} at {s.Location}"))}");
    }
}
