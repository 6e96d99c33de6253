namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>
/// The fields of a CPE 2.3 formatted string that the index keeps, lower case and still escaped as written
/// (<c>solidfire_\&amp;_hci_management_node</c>), so record entries and subjects compare as the same text.
/// </summary>
internal readonly record struct CpeFields(string Part, string Vendor, string Product, string Version, string Update)
{
    private const int FieldCount = 13;

    /// <summary>Splits <c>cpe:2.3:part:vendor:product:version:update:...</c> at unescaped colons; null when it is not one.</summary>
    public static CpeFields? TryParse(string? text)
    {
        if (text is null || !text.StartsWith("cpe:2.3:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Span<Range> fields = stackalloc Range[FieldCount];
        var count = 0;
        var start = 0;
        for (var i = 0; i < text.Length && count < FieldCount - 1; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == ':')
            {
                fields[count++] = start..i;
                start = i + 1;
            }
        }

        fields[count++] = start..text.Length;
        if (count < 7)
        {
            return null;
        }

        return new CpeFields(Key(text, fields[2]), Key(text, fields[3]), Key(text, fields[4]), Value(text, fields[5]), Value(text, fields[6]));
    }

    /// <summary>True for the logical values ANY (<c>*</c>) and NA (<c>-</c>).</summary>
    public static bool IsLogical(string value) => value is "*" or "-" or "";

    private static string Key(string text, Range range) => Value(text, range).ToLowerInvariant();

    private static string Value(string text, Range range)
    {
        var value = text[range];
        return value.Length == 0 ? "*" : value;
    }
}
