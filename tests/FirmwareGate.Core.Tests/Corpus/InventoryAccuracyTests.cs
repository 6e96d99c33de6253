using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Tests.Support;
using Xunit.Abstractions;

namespace FirmwareGate.Core.Tests.Corpus;

/// <summary>
/// Inventory accuracy against the corpus manifests, which list every component really in each image.
/// Recall: manifest components whose version can be read (visible in a binary or in the image's package
/// database) that are reported with the exact upstream version. Precision: reported components that are real:
/// in the manifest (same product; same version when one is reported), or proven by a package database or
/// release file entry of the image (the evidence names that file).
/// </summary>
public sealed class InventoryAccuracyTests(ITestOutputHelper output)
{
    private const double Target = 0.95;

    [CorpusTheory]
    [MemberData(nameof(CorpusTests.Images), MemberType = typeof(CorpusTests))]
    public void Inventory_meets_recall_and_precision_targets(string image)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image + ".manifest.json")));
        var manifest = doc.RootElement;
        using var result = Scan.Run(Path.Combine(TestPaths.Corpus, manifest.GetProperty("image").GetProperty("file").GetString()!));
        var reported = result.Inventory.Components;
        var truth = manifest.GetProperty("components").EnumerateArray().Select(ManifestComponent.From).ToList();

        var findable = truth.Where(t => t.Findable).ToList();
        var missed = findable.Where(t => !reported.Any(c => t.SameProduct(c) && c.Version == t.Version)).ToList();
        int foundAll = truth.Count(t => reported.Any(c => t.SameProduct(c) && c.Version == t.Version));
        // A component is real when the manifest lists it, or when a package database entry proves it and that
        // package is not one the manifest gives to another product (a misnamed package is not a real component).
        var unproven = reported.Where(c => !truth.Any(t => t.SameProduct(c) && (c.Version is null || c.Version == t.Version))
            && !(ProvenByDatabase(c) && !PackagesOf(c).Any(p => truth.Any(t => t.Packages.Contains(p)))))
            .ToList();

        double recall = findable.Count == 0 ? 1 : (double)(findable.Count - missed.Count) / findable.Count;
        double precision = reported.Count == 0 ? 1 : (double)(reported.Count - unproven.Count) / reported.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{image}: recall {findable.Count - missed.Count}/{findable.Count} = {recall:P1} (findable), {foundAll}/{truth.Count} over all manifest components; precision {reported.Count - unproven.Count}/{reported.Count} = {precision:P1}"));
        foreach (var m in missed)
        {
            output.WriteLine($"  missed   {m.Name} {m.Version}");
        }

        foreach (var u in unproven)
        {
            output.WriteLine($"  unproven {u.Name} {u.Version} ({string.Join(", ", u.Evidence.Select(e => InventoryNames.Of(e.Method) + " " + e.Location))})");
        }

        Assert.True(recall >= Target, $"{image}: recall {recall:P1} below {Target:P0}; missed: {string.Join(", ", missed.Select(m => m.Name + " " + m.Version))}");
        Assert.True(precision >= Target, $"{image}: precision {precision:P1} below {Target:P0}; unproven: {string.Join(", ", unproven.Select(u => u.Name + " " + u.Version))}");
    }

    private static bool ProvenByDatabase(Component c) => c.Evidence.Any(e => e.Method == EvidenceMethod.PackageDb);

    // Package-database evidence reads "dpkg: libssl3 3.0.20-1~deb12u2 (source openssl)" or "opkg: busybox 1.35.0-4".
    private static IEnumerable<string> PackagesOf(Component c) => c.Evidence
        .Where(e => e.Method == EvidenceMethod.PackageDb && e.Detail is not null)
        .Select(e => System.Text.RegularExpressions.Regex.Match(e.Detail!, "^(?:dpkg|opkg): (\\S+) "))
        .Where(m => m.Success)
        .Select(m => m.Groups[1].Value);

    private sealed record ManifestComponent(string Name, string Version, string? CpeVendorProduct, bool Findable, IReadOnlyList<string> Packages)
    {
        public static ManifestComponent From(JsonElement e)
        {
            string cpe = e.GetProperty("cpe").GetString() ?? "";
            var parts = cpe.Split(':');
            return new ManifestComponent(
                e.GetProperty("name").GetString()!,
                e.GetProperty("version").GetString()!,
                parts.Length > 4 ? parts[3] + ":" + parts[4] : null,
                e.GetProperty("version_visible").GetBoolean() || e.GetProperty("in_package_db").GetBoolean(),
                [.. e.GetProperty("debian_packages").EnumerateArray().Select(p => p.GetString()!)]);
        }

        public bool SameProduct(Component c)
        {
            if (CpeVendorProduct is not null && c.Cpe?.Split(':') is { Length: > 4 } parts && parts[3] + ":" + parts[4] == CpeVendorProduct)
            {
                return true;
            }

            return string.Equals(c.Name, Name, StringComparison.OrdinalIgnoreCase);
        }
    }
}
