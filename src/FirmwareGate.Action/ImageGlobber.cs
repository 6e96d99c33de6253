using Microsoft.Extensions.FileSystemGlobbing;

namespace FirmwareGate.Action;

/// <summary>
/// Resolves the <c>images</c> input: each line a path or a glob (<c>*</c>, <c>**</c>, <c>?</c>) relative to the
/// workspace, or absolute; a line starting with <c>!</c> excludes. No shell is involved, so spaces and shell
/// metacharacters in names are just characters.
/// </summary>
internal static class ImageGlobber
{
    /// <summary>The files matched, full paths, sorted ordinally, each once; a pattern that matches nothing is named in <paramref name="unmatched"/>.</summary>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string> patterns, string workspace, List<string> unmatched)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var excludes = patterns.Where(p => p.StartsWith('!')).Select(p => p[1..].Trim()).ToList();
        foreach (string pattern in patterns.Where(p => !p.StartsWith('!')))
        {
            var matches = Match(pattern, workspace, excludes);
            if (matches.Count == 0)
            {
                unmatched.Add(pattern);
            }

            found.UnionWith(matches);
        }

        return [.. found];
    }

    private static List<string> Match(string pattern, string workspace, List<string> excludes)
    {
        string literal = Path.GetFullPath(pattern, workspace);
        if (File.Exists(literal))
        {
            // A name with glob characters in it ("fw[1].bin") is taken as written when such a file exists.
            return Excluded(literal, workspace, excludes) ? [] : [literal];
        }

        if (pattern.IndexOfAny(['*', '?']) < 0)
        {
            return [];
        }

        // Globbing walks from the longest folder prefix without wildcards (so "/abs/dist/*.bin" and "../x/*" work).
        string normalized = pattern.Replace('\\', '/');
        int wildcard = normalized.IndexOfAny(['*', '?']);
        int slash = normalized.LastIndexOf('/', wildcard);
        string root = Path.GetFullPath(slash < 0 ? "." : normalized[..(slash + 1)], workspace);
        string rest = slash < 0 ? normalized : normalized[(slash + 1)..];
        if (!Directory.Exists(root))
        {
            return [];
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(rest);
        return matcher.GetResultsInFullPath(root)
            .Select(Path.GetFullPath)
            .Where(path => !Excluded(path, workspace, excludes))
            .ToList();
    }

    private static bool Excluded(string fullPath, string workspace, List<string> excludes)
    {
        if (excludes.Count == 0)
        {
            return false;
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(excludes);
        string relative = Path.GetRelativePath(workspace, fullPath).Replace('\\', '/');
        return matcher.Match(relative).HasMatches;
    }
}
