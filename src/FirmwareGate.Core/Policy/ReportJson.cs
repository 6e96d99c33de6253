using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Pipeline;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// Typed access to a report's or SBOM's JSON for <see cref="ReportReader"/>: every value of the wrong kind
/// becomes a <see cref="ScanInputException"/> naming the file and the JSON path (<c>components[3].name</c>).
/// A missing key or a JSON null reads as absent for the optional accessors.
/// </summary>
internal sealed class ReportJson(string file)
{
    /// <summary>The file named in errors.</summary>
    public string File { get; } = file;

    public ScanInputException Error(string path, string what) => new($"{File}: {path}: {what}");

    public static string Child(string path, string name) => path.Length == 0 ? name : path + "." + name;

    public string RequiredString(JsonElement obj, string name, string path)
    {
        return OptionalString(obj, name, path) ?? throw Error(Child(path, name), "missing; expected a string");
    }

    public string? OptionalString(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? Text(value, Child(path, name)) : throw Error(Child(path, name), "expected a string, found " + Kind(value));
    }

    /// <summary>A string value; JSON does not check that the bytes inside a string are UTF-8, so this does.</summary>
    private string Text(JsonElement value, string path)
    {
        try
        {
            return value.GetString() ?? "";
        }
        catch (InvalidOperationException e)
        {
            throw new Pipeline.ScanInputException($"{File}: {path}: the string is not valid UTF-8", e);
        }
    }

    public bool? OptionalBool(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(Child(path, name), "expected true or false, found " + Kind(value)),
        };
    }

    public long? OptionalLong(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) ? n : throw Error(Child(path, name), "expected an integer, found " + Kind(value));
    }

    public double? OptionalDouble(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && double.IsFinite(d) ? d : throw Error(Child(path, name), "expected a number, found " + Kind(value));
    }

    /// <summary>A UTC time as the writers put it (ISO 8601 with an offset or Z); null when absent.</summary>
    public DateTimeOffset? OptionalTime(JsonElement obj, string name, string path)
    {
        if (OptionalString(obj, name, path) is not { } text)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw Error(Child(path, name), $"\"{Shorten(text)}\" is not an ISO 8601 time");
    }

    /// <summary>An object value; null when absent.</summary>
    public JsonElement? OptionalObject(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw Error(Child(path, name), "expected an object, found " + Kind(value));
    }

    /// <summary>The items of an array value with their paths; none when absent.</summary>
    public IEnumerable<(JsonElement Item, string Path)> Items(JsonElement obj, string name, string path)
    {
        if (!TryGet(obj, name, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(Child(path, name), "expected an array, found " + Kind(value));
        }

        string arrayPath = Child(path, name);
        return value.EnumerateArray().Select((item, i) => (item, $"{arrayPath}[{i}]"));
    }

    /// <summary>The object items of an array value; an item that is not an object is an error.</summary>
    public IEnumerable<(JsonElement Item, string Path)> Objects(JsonElement obj, string name, string path) =>
        Items(obj, name, path).Select(p => p.Item.ValueKind == JsonValueKind.Object ? p : throw Error(p.Path, "expected an object, found " + Kind(p.Item)));

    /// <summary>The string items of an array value; an item that is not a string is an error.</summary>
    public IReadOnlyList<string> Strings(JsonElement obj, string name, string path) =>
        [.. Items(obj, name, path).Select(p => p.Item.ValueKind == JsonValueKind.String ? Text(p.Item, p.Path) : throw Error(p.Path, "expected a string, found " + Kind(p.Item)))];

    private static bool TryGet(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    internal static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
