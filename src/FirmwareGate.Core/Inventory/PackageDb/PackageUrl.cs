using System.Text;

namespace FirmwareGate.Core.Inventory.PackageDb;

/// <summary>
/// Builds package URLs (purl-spec) in the canonical form packageurl-js writes: namespace and name
/// percent-encoded like encodeURIComponent, the version likewise but keeping ':' and '+', qualifiers sorted by
/// key with values form-encoded, empty qualifiers left out.
/// </summary>
internal static class PackageUrl
{
    /// <summary>pkg:TYPE[/NAMESPACE]/NAME[@VERSION][?k=v&amp;...].</summary>
    public static string Create(string type, string? ns, string name, string? version, params (string Key, string? Value)[] qualifiers)
    {
        var sb = new StringBuilder("pkg:").Append(type).Append('/');
        if (!string.IsNullOrEmpty(ns))
        {
            Encode(sb, ns, "");
            sb.Append('/');
        }

        Encode(sb, name, "");
        if (!string.IsNullOrEmpty(version))
        {
            sb.Append('@');
            Encode(sb, version, ":+");
        }

        char sep = '?';
        foreach (var (key, value) in qualifiers.Where(q => !string.IsNullOrEmpty(q.Value)).OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            sb.Append(sep).Append(key).Append('=');
            EncodeQualifier(sb, value!);
            sep = '&';
        }

        return sb.ToString();
    }

    // encodeURIComponent leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) as they are.
    private static void Encode(StringBuilder sb, string value, string keep)
    {
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || "-_.!~*'()".Contains(c, StringComparison.Ordinal) || keep.Contains(c, StringComparison.Ordinal)))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    // application/x-www-form-urlencoded leaves A-Z a-z 0-9 * - . _ as they are (URLSearchParams).
    private static void EncodeQualifier(StringBuilder sb, string value)
    {
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '*' or '-' or '.' or '_'))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
