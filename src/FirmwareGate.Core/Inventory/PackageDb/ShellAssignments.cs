using System.Text;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// Reads <c>KEY=value</c> files written for a POSIX shell (os-release(5), lsb-release, openwrt_release):
/// values may be unquoted, 'single-quoted' (literal), "double-quoted" (backslash escapes \" \\ \$ \` and a
/// line continuation), or a concatenation of these. No expansion is performed. Bounded in lines, keys and
/// value length; malformed lines are reported and skipped.
/// </summary>
internal static class ShellAssignments
{
    /// <summary>Most keys kept from one file.</summary>
    public const int MaxKeys = 256;

    /// <summary>Longest line read.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>Parses <paramref name="text"/>; later assignments of a key replace earlier ones, as in a shell.</summary>
    public static SortedDictionary<string, string> Parse(string text, Action<string> warn)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string[] lines = text.Split(["\r\n", "\n", "\r"], StringSplitOptions.None);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim(' ', '\t');
            int lineNo = i + 1;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.Length > MaxLineLength)
            {
                warn($"line {lineNo} is {line.Length} characters, over the {MaxLineLength} limit; skipped");
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart(' ', '\t');
            }

            int eq = line.IndexOf('=');
            if (eq <= 0 || !IsName(line.AsSpan(0, eq)))
            {
                warn($"line {lineNo}: not a KEY=value assignment; skipped");
                continue;
            }

            if (!TryValue(line.AsSpan(eq + 1), out string? value))
            {
                warn($"line {lineNo}: unterminated quote in the value of {line[..eq]}; skipped");
                continue;
            }

            if (result.Count >= MaxKeys && !result.ContainsKey(line[..eq]))
            {
                warn($"more than {MaxKeys} keys; the rest, from line {lineNo}, is ignored");
                break;
            }

            result[line[..eq]] = value;
        }

        return result;
    }

    private static bool IsName(ReadOnlySpan<char> name)
    {
        if (!(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryValue(ReadOnlySpan<char> s, out string value)
    {
        var sb = new StringBuilder();
        int i = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (c == '\'')
            {
                int close = s[(i + 1)..].IndexOf('\'');
                if (close < 0)
                {
                    value = "";
                    return false;
                }

                sb.Append(s.Slice(i + 1, close));
                i += close + 2;
            }
            else if (c == '"')
            {
                i++;
                bool closed = false;
                while (i < s.Length)
                {
                    char d = s[i];
                    if (d == '"')
                    {
                        closed = true;
                        i++;
                        break;
                    }

                    if (d == '\\' && i + 1 < s.Length && s[i + 1] is '"' or '\\' or '$' or '`')
                    {
                        sb.Append(s[i + 1]);
                        i += 2;
                        continue;
                    }

                    sb.Append(d);
                    i++;
                }

                if (!closed)
                {
                    value = "";
                    return false;
                }
            }
            else if (c == '\\' && i + 1 < s.Length)
            {
                sb.Append(s[i + 1]);
                i += 2;
            }
            else if (c is ' ' or '\t')
            {
                // An unquoted blank ends the word; what follows is a comment or another command.
                break;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }

        value = sb.ToString();
        return true;
    }
}
