using System.Text.Json;

namespace FirmwareGate.Core.Tests.Inventory.PackageDb;

/// <summary>The package-database view of a corpus manifest (or of the extract of one committed with the fixtures).</summary>
internal sealed record ManifestComponents(string ImageFile, string? Database, IReadOnlyList<ManifestComponent> Components)
{
    public static ManifestComponents Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        string? db = root.GetProperty("filesystems").EnumerateArray()
            .Select(f => f.GetProperty("package_db")).Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()).FirstOrDefault();
        var components = root.GetProperty("components").EnumerateArray().Select(c => new ManifestComponent(
            c.GetProperty("name").GetString()!,
            c.GetProperty("version").GetString()!,
            c.GetProperty("debian_version").GetString()!,
            [.. c.GetProperty("debian_packages").EnumerateArray().Select(p => p.GetString()!)],
            c.GetProperty("purl").GetString()!,
            [.. c.GetProperty("files").EnumerateArray().Select(p => p.GetString()!)],
            c.GetProperty("in_package_db").GetBoolean())).ToList();
        return new ManifestComponents(root.GetProperty("image").GetProperty("file").GetString()!, db, components);
    }
}

internal sealed record ManifestComponent(string Name, string Version, string DebianVersion, IReadOnlyList<string> Packages, string Purl, IReadOnlyList<string> Files, bool InPackageDb);
