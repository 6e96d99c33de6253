using System.Text;
using System.Text.RegularExpressions;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// The operating system a layer's release files name. Rule: the name is os-release <c>ID</c>, else the
/// <c>DISTRIB_ID</c> of openwrt_release or lsb-release, lower-cased with blanks as '-' ("AcmeWrt" → "acmewrt");
/// else the distribution a one-value file belongs to (alpine-release → "alpine", debian_version → "debian",
/// a Poky /etc/issue → "poky", an openwrt_version holding a release number → "openwrt"). The version is
/// <c>VERSION_ID</c> or <c>DISTRIB_RELEASE</c> or the one-value file's number; never a build date or revision.
/// Vendor and CPE only for distributions NVD knows under a fixed name, or from os-release <c>CPE_NAME</c>; a
/// vendor's own distribution gets neither (its NAME is a product name, not a supplier).
/// </summary>
/// <param name="Name">Component name.</param>
/// <param name="Version">Version, or null.</param>
/// <param name="Vendor">Supplier, for known distributions.</param>
/// <param name="Cpe">Full CPE 2.3 name, for known distributions with a version.</param>
/// <param name="Path">The file that gave the name.</param>
/// <param name="Detail">The keys and values that decided, one line.</param>
internal sealed partial record OsIdentity(string Name, string? Version, string? Vendor, string? Cpe, string Path, string Detail)
{
    private static readonly Dictionary<string, (string Vendor, string? Cpe)> Known = new(StringComparer.Ordinal)
    {
        ["debian"] = ("Debian", "o:debian:debian_linux"),
        ["ubuntu"] = ("Canonical", "o:canonical:ubuntu_linux"),
        ["openwrt"] = ("OpenWrt", "o:openwrt:openwrt"),
        ["alpine"] = ("Alpine Linux", "o:alpinelinux:alpine_linux"),
        ["buildroot"] = ("Buildroot", "a:buildroot:buildroot"),
        ["fedora"] = ("Fedora Project", "o:fedoraproject:fedora"),
        ["poky"] = ("Yocto Project", null),
    };

    /// <summary>Resolves the OS from <paramref name="facts"/>; null when the files name none.</summary>
    public static OsIdentity? Resolve(ReleaseFacts facts)
    {
        if (facts.OsReleaseFields is { } os && facts.OsReleasePath is { } osPath && Clean(os.GetValueOrDefault("ID")) is { } id)
        {
            string? version = CleanVersion(os.GetValueOrDefault("VERSION_ID"));
            string detail = $"{osPath}: ID={id}" + (version is null ? "" : $" VERSION_ID={version}");
            return Create(id, version, osPath, detail, os.GetValueOrDefault("CPE_NAME"));
        }

        foreach (string path in (string[])["/etc/openwrt_release", "/etc/lsb-release"])
        {
            if (Clean(facts.Get(path, "DISTRIB_ID")) is { } distribId)
            {
                string? version = CleanVersion(facts.Get(path, "DISTRIB_RELEASE"));
                string? revision = facts.Get(path, "DISTRIB_REVISION");
                string detail = $"{path}: DISTRIB_ID={facts.Get(path, "DISTRIB_ID")}"
                    + (version is null ? "" : $" DISTRIB_RELEASE={version}")
                    + (revision is null || revision.Length > 64 ? "" : $" DISTRIB_REVISION={revision}");
                return Create(distribId, version, path, detail, null);
            }
        }

        foreach (var (path, name) in (ReadOnlySpan<(string, string)>)[("/etc/alpine-release", "alpine"), ("/etc/debian_version", "debian")])
        {
            if (facts.Get(path, OsRelease.ValueKey) is { } value)
            {
                string? version = CleanVersion(value);
                return Create(name, version, path, $"{path}: {(version ?? "no release number")}", null);
            }
        }

        if (facts.Get("/etc/issue", OsRelease.ValueKey) is { } issue && PokyIssue().Match(issue) is { Success: true } poky)
        {
            return Create("poky", poky.Groups["version"].Value, "/etc/issue", $"/etc/issue: {poky.Value}", null);
        }

        if (facts.Get("/etc/openwrt_version", OsRelease.ValueKey) is { } owv && ReleaseFacts.MajorVersion().IsMatch(owv))
        {
            return Create("openwrt", owv, "/etc/openwrt_version", $"/etc/openwrt_version: {owv}", null);
        }

        return null;
    }

    private static OsIdentity Create(string name, string? version, string path, string detail, string? cpeName)
    {
        string? vendor = null;
        string? cpe = null;
        if (Known.TryGetValue(name, out var known))
        {
            vendor = known.Vendor;
            cpe = known.Cpe is null || version is null ? null : $"cpe:2.3:{known.Cpe}:{EscapeCpe(version)}:*:*:*:*:*:*:*";
        }
        else if (cpeName is not null)
        {
            cpe = FromCpeName(cpeName);
        }

        return new OsIdentity(name, version, vendor, cpe, path, detail);
    }

    // os-release CPE_NAME is a CPE 2.2 URI ("cpe:/o:fedoraproject:fedora:38") or a 2.3 name.
    private static string? FromCpeName(string cpeName)
    {
        if (cpeName.StartsWith("cpe:2.3:", StringComparison.Ordinal))
        {
            return cpeName.Split(':').Length == 13 && cpeName.Length <= 256 ? cpeName : null;
        }

        var m = CpeUri().Match(cpeName);
        if (!m.Success)
        {
            return null;
        }

        string version = m.Groups["version"].Success ? EscapeCpe(m.Groups["version"].Value) : "*";
        return $"cpe:2.3:{m.Groups["part"].Value}:{m.Groups["vendor"].Value}:{m.Groups["product"].Value}:{version}:*:*:*:*:*:*:*";
    }

    private static string? Clean(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        string s = id.Trim().ToLowerInvariant().Replace(' ', '-');
        return s.Length <= 64 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ? s : null;
    }

    private static string? CleanVersion(string? version) =>
        version is not null && ReleaseFacts.VersionLike().IsMatch(version.Trim()) ? version.Trim() : null;

    // CPE 2.3 formatted string: characters other than letters, digits, '_', '-' and '.' are quoted with '\'.
    private static string EscapeCpe(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                sb.Append('\\');
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"^Poky \([^)]{1,80}\) (?<version>[0-9]{1,3}\.[0-9]{1,3}(\.[0-9]{1,3})?)\b", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex PokyIssue();

    [GeneratedRegex(@"^cpe:/(?<part>[aoh]):(?<vendor>[a-z0-9_.\-]{1,64}):(?<product>[a-z0-9_.\-]{1,64})(:(?<version>[A-Za-z0-9_.\-]{1,64}))?", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex CpeUri();
}
