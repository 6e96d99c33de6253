using System.Globalization;

namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>How values are written into columns: fixed-width UTC timestamps so ordinal order is time order.</summary>
internal static class DatabaseValues
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string? Timestamp(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTimestamp(string? text) =>
        text is not null && DateTimeOffset.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;

    public static object Nullable(string? value) => (object?)value ?? DBNull.Value;
}
