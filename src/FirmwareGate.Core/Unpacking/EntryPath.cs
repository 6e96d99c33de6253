namespace FirmwareGate.Core.Unpacking;

/// <summary>Normalises archive member names into safe absolute paths.</summary>
public static class EntryPath
{
    /// <summary>
    /// Turns a stored name into "/a/b". Returns null when the name escapes the root ("../"),
    /// is empty, or contains a NUL: those entries are reported and never written.
    /// A leading "/" or "./" is accepted and stripped, as tar and cpio do for rooted archives.
    /// </summary>
    public static string? Normalize(string raw, out bool wasAbsolute)
    {
        wasAbsolute = raw.StartsWith('/') || raw.StartsWith('\\');
        if (raw.Length == 0 || raw.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var part in raw.Replace('\\', '/').Split('/'))
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

    /// <summary>True when a symlink at <paramref name="linkPath"/> pointing at <paramref name="target"/> stays inside the root.</summary>
    public static bool LinkStaysInside(string linkPath, string target)
    {
        if (target.StartsWith('/'))
        {
            // Absolute targets resolve against the filesystem root, which is inside the layer.
            return true;
        }

        int depth = linkPath.Count(c => c == '/') - 1;
        foreach (var part in target.Split('/'))
        {
            if (part == "..")
            {
                depth--;
                if (depth < 0)
                {
                    return false;
                }
            }
            else if (part.Length > 0 && part != ".")
            {
                depth++;
            }
        }

        return true;
    }
}
