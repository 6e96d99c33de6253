using System.Text;

namespace FirmwareGate.Core.Reports;

/// <summary>HTML encoding of every text the page shows: a hostile name such as <c>&lt;script&gt;</c> renders as text.</summary>
internal static class HtmlText
{
    /// <summary>Encodes <paramref name="text"/> for element content and quoted attribute values.</summary>
    public static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default: sb.Append(char.IsControl(c) && c is not ('\n' or '\t') ? '\uFFFD' : c); break;
            }
        }

        return sb.ToString();
    }
}
