using System.Text;

namespace FirmwareGate.Core.Vulnerabilities.Cpe;

/// <summary>A parsed CPE 2.3 formatted string (<c>cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other</c>).</summary>
/// <remarks>
/// Each attribute holds <see cref="Any"/> (<c>*</c>), <see cref="NotApplicable"/> (<c>-</c>) or a value with the
/// formatted string's escapes removed (<c>product\.js</c> -&gt; <c>product.js</c>), except that a quoted
/// <c>\*</c>, <c>\?</c> and <c>\\</c> stay quoted (and a lone quoted <c>\-</c>), so that a bare <c>*</c> or
/// <c>?</c> inside a value is a wildcard (CPE 2.3 Naming, NISTIR 7695 section 6.2) and a literal one is not.
/// Comparison ignores case (<see cref="CpeAttribute.Compare"/>).
/// </remarks>
/// <param name="Part"><c>a</c>, <c>o</c>, <c>h</c> or ANY.</param>
/// <param name="Vendor">Vendor.</param>
/// <param name="Product">Product.</param>
/// <param name="Version">Version.</param>
/// <param name="Update">Update (patch level: <c>p3</c>, <c>rc1</c>, <c>sp2</c>).</param>
/// <param name="Edition">Edition (legacy).</param>
/// <param name="Language">Language.</param>
/// <param name="SwEdition">Software edition (<c>community</c>, <c>lts</c>).</param>
/// <param name="TargetSw">Target software (<c>node.js</c>, <c>android</c>).</param>
/// <param name="TargetHw">Target hardware (<c>x64</c>).</param>
/// <param name="Other">Other.</param>
public sealed record CpeName(string Part, string Vendor, string Product, string Version, string Update, string Edition, string Language, string SwEdition, string TargetSw, string TargetHw, string Other)
{
    /// <summary>The logical value ANY (<c>*</c>).</summary>
    public const string Any = "*";

    /// <summary>The logical value NA (<c>-</c>).</summary>
    public const string NotApplicable = "-";

    /// <summary>Longest formatted string parsed.</summary>
    public const int MaxLength = 2048;

    private const string Prefix = "cpe:2.3:";
    private const int AttributeCount = 11;

    /// <summary>The attributes in formatted-string order, part first.</summary>
    public IReadOnlyList<string> Attributes => [Part, Vendor, Product, Version, Update, Edition, Language, SwEdition, TargetSw, TargetHw, Other];

    /// <summary><c>vendor:product</c>, for messages.</summary>
    public string VendorProduct => $"{Vendor}:{Product}";

    /// <summary>Parses a CPE 2.3 formatted string (values kept unescaped-for-comparison as CPE 2.3 defines), null when malformed.</summary>
    /// <remarks>
    /// Malformed: not starting with <c>cpe:2.3:</c> (any case), more than 11 attributes, fewer than 3 (part, vendor,
    /// product; missing trailing attributes are ANY), an empty attribute, a dangling <c>\</c>, a part other than
    /// <c>a</c>/<c>o</c>/<c>h</c>/<c>*</c>, a control character or whitespace, or longer than <see cref="MaxLength"/>.
    /// </remarks>
    public static CpeName? TryParse(string? text)
    {
        if (text is null || text.Length > MaxLength || !text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var values = new List<string>(AttributeCount);
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = Prefix.Length; i < text.Length; i++)
        {
            char c = text[i];
            if (c <= ' ' || c == '\u007f')
            {
                return null;
            }

            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    return null;
                }

                char next = text[++i];
                if (next <= ' ')
                {
                    return null;
                }

                if (next is '*' or '?' or '\\')
                {
                    current.Append('\\');
                }

                current.Append(next);
                quoted = true;
            }
            else if (c == ':')
            {
                if (!Flush(values, current, quoted))
                {
                    return null;
                }

                quoted = false;
            }
            else
            {
                current.Append(c);
            }
        }

        if (!Flush(values, current, quoted) || values.Count < 3)
        {
            return null;
        }

        while (values.Count < AttributeCount)
        {
            values.Add(Any);
        }

        if (values[0] is not ("a" or "o" or "h" or "A" or "O" or "H" or Any))
        {
            return null;
        }

        return new CpeName(values[0].ToLowerInvariant(), values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9], values[10]);
    }

    /// <summary>True when <paramref name="value"/> is ANY.</summary>
    public static bool IsAny(string value) => value == Any;

    /// <summary>True when <paramref name="value"/> is NA.</summary>
    public static bool IsNotApplicable(string value) => value == NotApplicable;

    /// <summary>True when <paramref name="value"/> is neither ANY nor NA.</summary>
    public static bool IsValue(string value) => value is not (Any or NotApplicable);

    /// <summary>The value as plain text: quotes removed (for versions and messages).</summary>
    public static string Plain(string value) => value.Contains('\\', StringComparison.Ordinal) ? value.Replace("\\", "", StringComparison.Ordinal) : value;

    private static bool Flush(List<string> values, StringBuilder current, bool quoted)
    {
        if (current.Length == 0 || values.Count >= AttributeCount)
        {
            return false;
        }

        string value = current.ToString();
        current.Clear();

        // A lone quoted hyphen is the literal "-", not NA.
        values.Add(quoted && value == NotApplicable ? "\\-" : value);
        return true;
    }
}
