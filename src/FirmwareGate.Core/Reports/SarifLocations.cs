using System.Text.Json;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Result locations: the place in the image as a logical location (image, layer chain, path), and, when the policy
/// file lies in the repository, the policy line that decided it as a physical location code scanning can show.
/// </summary>
internal static class SarifLocations
{
    /// <summary>The base id GitHub resolves against the checkout.</summary>
    public const string SourceRoot = "%SRCROOT%";

    /// <summary>The policy file's URI relative to the repository root, or null when there is no file or it lies outside.</summary>
    public static string? PolicyArtifact(GateReport report)
    {
        string? file = report.Outcome.PolicyFile ?? report.Policy.File;
        if (file is null || report.RepositoryRoot is not { Length: > 0 } root)
        {
            return null;
        }

        string fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        // A relative policy path is relative to the working directory, where the gate opened it.
        string full = Path.GetFullPath(file);
        string relative = Path.GetRelativePath(fullRoot, full);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return null;
        }

        return string.Join('/', relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Select(Uri.EscapeDataString));
    }

    /// <summary>The policy file at the deciding rule's line and column (its first line for a built-in rule).</summary>
    public static void WritePhysical(Utf8JsonWriter w, string artifact, SourcePosition? position)
    {
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", artifact);
        w.WriteString("uriBaseId", SourceRoot);
        w.WriteEndObject();
        w.WriteStartObject("region");
        w.WriteNumber("startLine", Math.Max(1, position?.Line ?? 1));
        w.WriteNumber("startColumn", Math.Max(1, position?.Column ?? 1));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>
    /// The place in the image: <c>fullyQualifiedName</c> is the report location
    /// (<c>img@0x40:trx/squashfs(xz):/etc/shadow</c>), <c>name</c> the path (or the location for a layer or the
    /// image), with the image and the layer chain as properties.
    /// </summary>
    public static void WriteLogical(Utf8JsonWriter w, string imageName, string location, string? path)
    {
        w.WriteStartArray("logicalLocations");
        w.WriteStartObject();
        w.WriteString("name", path ?? location);
        w.WriteString("fullyQualifiedName", location);
        w.WriteString("kind", path is null ? "module" : "resource");
        w.WriteStartObject("properties");
        w.WriteString("image", imageName);
        w.WriteString("layers", LayerChain(imageName, location, path));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    /// <summary>The format chain of a location: <c>trx/squashfs(xz)</c> of <c>img@0x40:trx/squashfs(xz):/etc/shadow</c>.</summary>
    public static string LayerChain(string imageName, string location, string? path)
    {
        string rest = location;
        if (path is not null && rest.EndsWith(":" + path, StringComparison.Ordinal))
        {
            rest = rest[..^(path.Length + 1)];
        }

        if (rest.StartsWith(imageName, StringComparison.Ordinal))
        {
            rest = rest[imageName.Length..];
        }

        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? rest[(colon + 1)..] : "";
    }
}
