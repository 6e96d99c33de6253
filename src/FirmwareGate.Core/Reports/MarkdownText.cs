using System.Text;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Text from the image (file names, messages) made inert in GitHub Markdown: HTML is encoded, Markdown
/// metacharacters and table pipes are escaped, <c>@</c> cannot mention anyone, and everything stays on one line.
/// </summary>
public static class MarkdownText
{
    /// <summary>Longest cell text before it is cut with "...".</summary>
    public const int MaxCell = 300;

    /// <summary>Escapes <paramref name="text"/> for a table cell or a line of prose, cut at <paramref name="max"/> characters.</summary>
    public static string Escape(string? text, int max = MaxCell)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        string one = text.ReplaceLineEndings(" ");
        if (one.Length > max)
        {
            one = one[..(max - 3)] + "...";
        }

        var sb = new StringBuilder(one.Length + 16);
        foreach (char c in one)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '@': sb.Append("&#64;"); break;
                case '|': sb.Append("\\|"); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '(' or ')' or '#' or '!' or '~' or '{' or '}' or '$':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(char.IsControl(c) ? ' ' : c);
                    break;
            }
        }

        return sb.ToString();
    }
}
