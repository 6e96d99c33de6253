namespace FirmwareGate.Core.Unpacking;

/// <summary>Normalises archive member names into safe absolute paths.</summary>
public static class EntryPath
{
    /// <summary>
    /// Turns a stored name into "/a/b". Returns null when the name escapes the root ("../"),
    /// is empty, or contains a NUL: those entries are reported and never written.
    /// A leading "/" or "./" is accepted and stripped, as tar and cpio do for rooted archives.
    /// A backslash is an ordinary name byte (Linux allows it) unless <paramref name="backslashIsSeparator"/>
    /// says the archive comes from a system where it separates folders (zip and 7z written on Windows).
    /// </summary>
    public static string? Normalize(string raw, out bool wasAbsolute, bool backslashIsSeparator = false)
    {
        if (backslashIsSeparator)
        {
            raw = raw.Replace('\\', '/');
        }

        wasAbsolute = raw.StartsWith('/');
        if (raw.Length == 0 || raw.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var part in raw.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                return null;
            }

            parts.Add(part);
        }

        return parts.Count == 0 ? "/" : "/" + string.Join('/', parts);
    }
}
