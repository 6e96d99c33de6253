using System.Text;
using System.Text.RegularExpressions;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// A glob of a policy, matched against a whole path, rule id or name: <c>*</c> any run of characters except
/// <c>/</c>, <c>**</c> any run including <c>/</c> (<c>/usr/**</c>, <c>**/*.so</c>), <c>?</c> one character except
/// <c>/</c>, <c>[abc]</c> / <c>[a-z]</c> / <c>[!abc]</c> a character class. Matching runs in linear time (no
/// backtracking), so a hostile pattern or path cannot stall the gate.
/// </summary>
public sealed class Glob
{
    private readonly Regex _regex;

    private Glob(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
    }

    /// <summary>The glob as written.</summary>
    public string Pattern { get; }

    /// <summary>True when the glob has no wildcard (it matches one string).</summary>
    public bool IsLiteral => Pattern.IndexOfAny(['*', '?', '[']) < 0;

    /// <summary>Compiles a glob; null with a message when it is malformed (an unclosed <c>[</c>, an empty pattern, over 1024 characters).</summary>
    public static Glob? TryParse(string? pattern, bool ignoreCase, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(pattern))
        {
            error = "an empty glob";
            return null;
        }

        if (pattern.Length > 1024)
        {
            error = "a glob over 1024 characters";
            return null;
        }

        var sb = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        // "**/" also matches no folder at all: "/usr/**/lib" matches "/usr/lib".
                        i++;
                        sb.Append("(?:.*/)?");
                    }
                    else
                    {
                        sb.Append(".*");
                    }

                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    int close = pattern.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        error = $"'{pattern}': '[' at column {i + 1} is not closed by ']'";
                        return null;
                    }

                    string body = pattern[(i + 1)..close];
                    bool negate = body.StartsWith('!') || body.StartsWith('^');
                    if (negate)
                    {
                        body = body[1..];
                    }

                    sb.Append('[').Append(negate ? "^" : "").Append(Regex.Escape(body).Replace(@"\-", "-", StringComparison.Ordinal).Replace("]", @"\]", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        sb.Append('$');
        var options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        try
        {
            return new Glob(pattern, new Regex(sb.ToString(), options));
        }
        catch (ArgumentException e)
        {
            error = $"'{pattern}' is not a valid glob: {e.Message}";
            return null;
        }
    }

    /// <summary>Compiles a glob known to be valid (checked by the policy loader); throws <see cref="ArgumentException"/> otherwise.</summary>
    public static Glob Parse(string pattern, bool ignoreCase = false) =>
        TryParse(pattern, ignoreCase, out string? error) ?? throw new ArgumentException(error, nameof(pattern));

    /// <summary>True when the whole text matches.</summary>
    public bool IsMatch(string? text) => text is not null && _regex.IsMatch(text);

    /// <inheritdoc/>
    public override string ToString() => Pattern;
}
