using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// What the release files of one filesystem layer say, read once per layer and shared: the package-database
/// analysers take the purl namespace and distro from it, and <see cref="OsReleaseAnalyzer"/> the OS component.
/// </summary>
internal sealed partial class ReleaseFacts
{
    /// <summary>Largest release file read.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>
    /// The release files, most authoritative first. The first one present in a layer is the one whose analysis
    /// emits the layer's operating-system component (each layer gets exactly one).
    /// </summary>
    public static readonly string[] Candidates =
    [
        "/etc/os-release", "/usr/lib/os-release", "/etc/openwrt_release", "/etc/lsb-release", "/etc/alpine-release",
        "/etc/debian_version", "/etc/issue", "/etc/openwrt_version", "/etc/version",
    ];

    /// <summary>Files holding one value on their first line.</summary>
    public static readonly string[] OneLineFiles = ["/etc/alpine-release", "/etc/debian_version", "/etc/issue", "/etc/openwrt_version", "/etc/version"];

    private static readonly ConditionalWeakTable<Layer, ReleaseFacts> Cache = [];

    private readonly Dictionary<string, SortedDictionary<string, string>> _files = new(StringComparer.Ordinal);

    /// <summary>
    /// The first candidate present as a regular file at its own path (the walk hands regular files only, so a
    /// symlinked /etc/os-release defers to the file it points to); null when there is none.
    /// </summary>
    public string? FirstPath { get; private set; }

    /// <summary>Parsed os-release (from /etc, else /usr/lib), or null.</summary>
    public SortedDictionary<string, string>? OsReleaseFields { get; private set; }

    /// <summary>The path os-release was read from.</summary>
    public string? OsReleasePath { get; private set; }

    /// <summary>The facts of <paramref name="layer"/>, read on first use.</summary>
    public static ReleaseFacts Of(Layer layer) => Cache.GetValue(layer, Read);

    /// <summary>Parses a release file's text: key/value pairs, or the first line of a one-line file.</summary>
    public static SortedDictionary<string, string> ParseFile(string path, string text, Action<string> warn)
    {
        if (Array.IndexOf(OneLineFiles, path) < 0)
        {
            return ShellAssignments.Parse(text, warn);
        }

        int nl = text.AsSpan().IndexOfAny('\r', '\n');
        string first = (nl < 0 ? text : text[..nl]).Trim();
        if (first.Length > 256)
        {
            warn($"first line is {first.Length} characters, over the 256 limit; ignored");
            first = "";
        }

        return new SortedDictionary<string, string>(StringComparer.Ordinal) { [Inventory.PackageDb.OsRelease.ValueKey] = first };
    }

    /// <summary>Decodes a release file (UTF-8, invalid bytes replaced).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>The value of <paramref name="key"/> in the file at <paramref name="path"/>, or null.</summary>
    public string? Get(string path, string key) =>
        _files.TryGetValue(path, out var fields) && fields.TryGetValue(key, out string? v) && v.Length > 0 ? v : null;

    /// <summary>The os-release ID and ID_LIKE words, lower case.</summary>
    public IEnumerable<string> Ids()
    {
        if (OsReleaseFields is null)
        {
            yield break;
        }

        if (OsReleaseFields.TryGetValue("ID", out string? id))
        {
            yield return id.ToLowerInvariant();
        }

        if (OsReleaseFields.TryGetValue("ID_LIKE", out string? like))
        {
            foreach (string w in like.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                yield return w.ToLowerInvariant();
            }
        }
    }

    /// <summary>purl namespace of a Debian package: "ubuntu" when the OS is or derives from Ubuntu, else "debian".</summary>
    public string DebNamespace => Ids().Contains("ubuntu") ? "ubuntu" : "debian";

    /// <summary>purl distro qualifier: "debian-12" from /etc/debian_version "12.5", "ubuntu-22.04"; null when unknown.</summary>
    public string? DebDistro
    {
        get
        {
            string? id = OsReleaseFields?.GetValueOrDefault("ID");
            string? versionId = OsReleaseFields?.GetValueOrDefault("VERSION_ID");
            if (id == "ubuntu" && versionId is { Length: > 0 } && VersionLike().IsMatch(versionId))
            {
                return "ubuntu-" + versionId;
            }

            // /etc/debian_version says "12.5" on a release and "bookworm/sid" on testing: only a number counts.
            if (Get("/etc/debian_version", Inventory.PackageDb.OsRelease.ValueKey) is { } dv && MajorVersion().Match(dv) is { Success: true } m)
            {
                return "debian-" + m.Groups["major"].Value;
            }

            return id == "debian" && versionId is { Length: > 0 } && MajorVersion().IsMatch(versionId) ? "debian-" + versionId : null;
        }
    }

    /// <summary>True when the release files say OpenWrt (not a derivative that renamed itself).</summary>
    public bool IsOpenWrt =>
        string.Equals(Get("/etc/openwrt_release", "DISTRIB_ID"), "OpenWrt", StringComparison.OrdinalIgnoreCase)
        || string.Equals(OsReleaseFields?.GetValueOrDefault("ID"), "openwrt", StringComparison.Ordinal);

    [GeneratedRegex(@"^(?<major>[0-9]{1,4})(\.[0-9]{1,4}){0,3}$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    internal static partial Regex MajorVersion();

    [GeneratedRegex(@"^[0-9][A-Za-z0-9._+~-]{0,63}$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    internal static partial Regex VersionLike();

    private static ReleaseFacts Read(Layer layer)
    {
        var facts = new ReleaseFacts();
        foreach (string candidate in Candidates)
        {
            var entry = LayerFiles.Find(layer, candidate, out string resolved);
            if (entry?.Content is not { } content || content.Length > MaxFileBytes)
            {
                continue;
            }

            if (resolved == candidate)
            {
                facts.FirstPath ??= candidate;
            }

            var bytes = LayerFiles.Read(layer, resolved, MaxFileBytes, out _);
            if (bytes is null)
            {
                continue;
            }

            // Warnings about the file itself are reported when the walk hands it to the analyser.
            var fields = ParseFile(candidate, Decode(bytes), _ => { });
            facts._files[candidate] = fields;
            if (candidate.EndsWith("os-release", StringComparison.Ordinal) && facts.OsReleaseFields is null)
            {
                facts.OsReleaseFields = fields;
                facts.OsReleasePath = resolved;
            }
        }

        return facts;
    }
}
