using System.Text.Json;

namespace FirmwareGate.Core.Reports;

/// <summary>Nullable values for the report writers: JSON null when unknown, as the contract says.</summary>
internal static class JsonWriterExtensions
{
    public static void WriteNumberOrNull(this Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    public static void WriteBooleanOrNull(this Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } v)
        {
            w.WriteBoolean(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
