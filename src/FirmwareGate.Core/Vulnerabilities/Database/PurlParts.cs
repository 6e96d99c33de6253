namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>
/// The parts of a purl (<c>pkg:type/namespace/name@version?qualifiers#subpath</c>) the index uses, lower case and
/// percent-decoded; <see cref="Base"/> is the purl without version, qualifiers and subpath.
/// </summary>
internal readonly record struct PurlParts(string Type, string? Namespace, string Name, string Base)
{
    /// <summary>Splits a purl; null when it is not one.</summary>
    public static PurlParts? TryParse(string? purl)
    {
        if (purl is null || !purl.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var text = purl[4..].TrimStart('/');
        text = Cut(text, '#');
        text = Cut(text, '?');
        var lastSlash = text.LastIndexOf('/');
        var at = text.LastIndexOf('@');
        if (at > lastSlash)
        {
            text = text[..at];
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1)
        {
            return null;
        }

        var type = text[..slash].ToLowerInvariant();
        var rest = text[(slash + 1)..].TrimEnd('/');
        var nameStart = rest.LastIndexOf('/');
        var name = Decode(rest[(nameStart + 1)..]);
        var ns = nameStart > 0 ? Decode(rest[..nameStart]) : null;
        return name.Length == 0 ? null : new PurlParts(type, ns, name, ("pkg:" + type + "/" + rest).ToLowerInvariant());
    }

    private static string Cut(string text, char at) => text.IndexOf(at, StringComparison.Ordinal) is var i and >= 0 ? text[..i] : text;

    private static string Decode(string text) => Uri.UnescapeDataString(text).ToLowerInvariant();
}
