using System.Globalization;
using System.Text.Json;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>Tolerant reads of optional JSON fields: a missing or mistyped field is null or empty, never an exception.</summary>
internal static class JsonValues
{
    /// <summary>Parser options shared by every reader: no comments, bounded depth.</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new() { MaxDepth = 64 };

    /// <summary>Parses a whole source file; JSON that does not parse is a <see cref="VulnerabilitySourceException"/> naming it.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> json, string name)
    {
        try
        {
            return JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new VulnerabilitySourceException($"{name}: {Describe(ex)}");
        }
    }

    /// <summary>Reader options shared by every reader.</summary>
    public static JsonReaderOptions ReaderOptions { get; } = new() { MaxDepth = 64 };

    /// <summary>The string property, or null (also when its text is not valid UTF-8).</summary>
    public static string? Str(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) ? StringOf(v) : null;

    /// <summary>The string value, or null when it is not a string or its text is not valid UTF-8 / UTF-16.</summary>
    public static string? StringOf(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null; // Invalid UTF-8 or a lone escaped surrogate: the JSON reader decodes strings lazily.
        }
    }

    /// <summary>The non-empty string property, or null.</summary>
    public static string? NonEmpty(JsonElement obj, string name) => Str(obj, name) is { Length: > 0 } s ? s.Trim() : null;

    /// <summary>The object property, or default.</summary>
    public static bool Obj(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The array property's items (nothing when absent or not an array).</summary>
    public static JsonElement.ArrayEnumerator Items(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray()
            : default;

    /// <summary>The number property, or null.</summary>
    public static double? Number(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;

    /// <summary>The boolean property, or <paramref name="fallback"/>.</summary>
    public static bool Bool(JsonElement obj, string name, bool fallback) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    /// <summary>The ISO 8601 date property in UTC (no offset means UTC, as NVD writes them), or null.</summary>
    public static DateTimeOffset? Date(JsonElement obj, string name) => ParseDate(Str(obj, name));

    /// <summary>An ISO 8601 date in UTC, or null.</summary>
    public static DateTimeOffset? ParseDate(string? text) =>
        text is { Length: > 0 and < 64 } && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
            ? d
            : null;

    /// <summary>Lower-case severity of a CVSS base score (CVSS v3.1 specification §5: qualitative rating scale).</summary>
    public static string SeverityOf(double score) => score switch
    {
        >= 9.0 => "critical",
        >= 7.0 => "high",
        >= 4.0 => "medium",
        > 0.0 => "low",
        _ => "none",
    };

    /// <summary>Adds <paramref name="value"/> when it is new.</summary>
    public static void AddDistinct(List<string> list, HashSet<string> seen, string? value)
    {
        if (value is { Length: > 0 } && seen.Add(value))
        {
            list.Add(value);
        }
    }

    /// <summary>A sorted, distinct list of CWE ids (<c>CWE-</c> followed by digits only).</summary>
    public static IReadOnlyList<string> SortedCwes(IEnumerable<string> cwes)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var c in cwes)
        {
            var t = c.Trim();
            if (t.Length > 4 && t.StartsWith("CWE-", StringComparison.OrdinalIgnoreCase) && t.AsSpan(4).IndexOfAnyExceptInRange('0', '9') < 0)
            {
                set.Add(string.Concat("CWE-", t.AsSpan(4)));
            }
        }

        return [.. set];
    }

    /// <summary>A JSON error as one line: where and what.</summary>
    public static string Describe(JsonException ex) =>
        ex.LineNumber is { } line
            ? $"not valid JSON at line {line + 1}, byte {ex.BytePositionInLine + 1} (truncated or damaged)"
            : "not valid JSON (truncated or damaged)";

    /// <summary>Skips a UTF-8 byte order mark.</summary>
    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> data) =>
        data.Length >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF ? data[3..] : data;
}
