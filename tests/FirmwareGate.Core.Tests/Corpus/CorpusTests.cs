using System.Text.Json;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Corpus;

/// <summary>
/// Every filesystem in the corpus whose format this engine reads must unpack to exactly the tree the
/// image was built from: same paths, types, modes, owners, sizes, SHA-256, link targets, devices, hard links.
/// </summary>
public sealed class CorpusTests
{
    private static readonly string[] ReadableFormats = ["squashfs", "cpio", "ext4"];

    public static TheoryData<string, string> Filesystems()
    {
        var data = new TheoryData<string, string>();
        if (!TestPaths.CorpusPresent)
        {
            data.Add("corpus-absent", "none");
            return data;
        }

        foreach (var manifest in Directory.GetFiles(TestPaths.Corpus, "*.manifest.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
            foreach (var fs in doc.RootElement.GetProperty("filesystems").EnumerateArray())
            {
                if (ReadableFormats.Contains(fs.GetProperty("format").GetString()))
                {
                    data.Add(Path.GetFileName(manifest).Replace(".manifest.json", "", StringComparison.Ordinal), fs.GetProperty("id").GetString()!);
                }
            }
        }

        return data;
    }

    public static TheoryData<string> Images()
    {
        var data = new TheoryData<string>();
        if (!TestPaths.CorpusPresent)
        {
            data.Add("corpus-absent");
            return data;
        }

        foreach (var manifest in Directory.GetFiles(TestPaths.Corpus, "*.manifest.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(manifest).Replace(".manifest.json", "", StringComparison.Ordinal));
        }

        return data;
    }

    [CorpusTheory]
    [MemberData(nameof(Filesystems))]
    public void Filesystem_matches_the_tree_it_was_built_from(string image, string filesystem)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image + ".manifest.json")));
        var root = doc.RootElement;
        var fsInfo = root.GetProperty("filesystems").EnumerateArray().Single(f => f.GetProperty("id").GetString() == filesystem);
        string format = fsInfo.GetProperty("format").GetString()!;
        var rows = ManifestRow.Load(Path.Combine(TestPaths.Corpus, fsInfo.GetProperty("files").GetString()!));
        using var result = Scan.Run(Path.Combine(TestPaths.Corpus, root.GetProperty("image").GetProperty("file").GetString()!));

        // Pick the layer of that format that shares the most paths with the list (a kernel may carry a tiny built-in cpio).
        var paths = rows.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        var layer = result.WithFileSystem(format).MaxBy(l => l.FileSystem!.Entries.Count(e => paths.Contains(e.Path)));
        Assert.NotNull(layer);
        if (format == "squashfs")
        {
            Assert.Equal(fsInfo.GetProperty("compression").GetString(), layer.Compression);
        }

        var diffs = TreeComparer.Differences(layer.FileSystem!, rows);
        Assert.True(diffs.Count == 0, $"{image}/{filesystem}: {diffs.Count} differences:\n" + string.Join('\n', diffs.Take(40)));
        Assert.Equal(fsInfo.GetProperty("entries").GetInt32(), layer.FileSystem!.Entries.Count);
    }

    [CorpusTheory]
    [MemberData(nameof(Images))]
    public void Image_layers_and_coverage_agree_with_the_manifest(string image)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image + ".manifest.json")));
        var root = doc.RootElement;
        var info = root.GetProperty("image");
        using var result = Scan.Run(Path.Combine(TestPaths.Corpus, info.GetProperty("file").GetString()!));

        Assert.Equal(info.GetProperty("sha256").GetString(), result.Image.Sha256);
        var c = result.Coverage;
        Assert.Equal(info.GetProperty("size").GetInt64(), c.Bytes);
        Assert.Equal(c.Bytes, c.Recognised + c.Padding + c.Unknown);

        // Every squashfs, ext4 and container layer the manifest names is found at its offset with its size.
        foreach (var expected in Flatten(root.GetProperty("layers")))
        {
            string format = KnownFormat(expected);
            if (format is not ("trx" or "uimage" or "squashfs" or "fit" or "kwbimage" or "ext4") || expected.GetProperty("offset").ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            long offset = expected.GetProperty("offset").GetInt64();
            long size = expected.GetProperty("size").GetInt64();
            Assert.Contains(result.AllLayers, l => l.Format == format && l.Offset == offset && l.Size == size);
        }

        // Deliberately unidentifiable regions are reported as unknown, and high-entropy ones counted as such.
        foreach (var region in root.GetProperty("expected_unknown_regions").EnumerateArray())
        {
            long offset = region.GetProperty("offset").GetInt64();
            long size = region.GetProperty("size").GetInt64();
            var layer = Assert.Single(result.Layers, l => l.Format == LayerFormats.Unknown && l.Offset == offset);
            Assert.Equal(size, layer.Size);
            Assert.True(layer.Entropy > Entropy.HighThreshold, $"entropy {layer.Entropy}");
            Assert.True(c.UnknownHighEntropy >= size);
        }
    }

    /// <summary>The manifest names a U-Boot binary by its package path; a .kwb one is a Marvell kwbimage.</summary>
    private static string KnownFormat(JsonElement layer)
    {
        string format = layer.GetProperty("format").GetString()!;
        return format == "ubootbin" && layer.TryGetProperty("source", out var source) && source.GetString()!.EndsWith(".kwb", StringComparison.Ordinal)
            ? "kwbimage"
            : format;
    }

    private static IEnumerable<JsonElement> Flatten(JsonElement layers)
    {
        foreach (var layer in layers.EnumerateArray())
        {
            yield return layer;
            if (layer.TryGetProperty("children", out var children))
            {
                foreach (var c in Flatten(children))
                {
                    yield return c;
                }
            }
        }
    }
}
