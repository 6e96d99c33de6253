using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>
/// Where an NVD run stands, stored with every page it commits: the run's start (the end of its last window), the
/// current window (none for the first, full download), the next <c>startIndex</c>, and the <c>totalResults</c> the
/// last page reported (to notice records leaving the window while it is paged).
/// </summary>
internal sealed record NvdCursor(DateTimeOffset RunStart, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, int StartIndex, int? Total)
{
    private const int MaxStateBytes = 4096;

    /// <summary>True for the full download (no window).</summary>
    public bool Full => WindowStart is null;

    /// <summary>The first page of a full download.</summary>
    public static NvdCursor FullDownload(DateTimeOffset runStart) => new(runStart, null, null, 0, null);

    /// <summary>The first page of the window starting at <paramref name="from"/>: at most <paramref name="maxWindow"/> long, never past the run's start.</summary>
    public static NvdCursor Window(DateTimeOffset runStart, DateTimeOffset from, TimeSpan maxWindow)
    {
        var end = runStart - from > maxWindow ? from + maxWindow : runStart;
        return new(runStart, from, end, 0, null);
    }

    /// <summary>The first page of the next window, null when this was the last.</summary>
    public NvdCursor? NextWindow(TimeSpan maxWindow) =>
        WindowEnd is { } end && end < RunStart ? Window(RunStart, end, maxWindow) : null;

    /// <summary>Reads a stored cursor; null when unset or unreadable (the run then starts again from the last success, which loses nothing).</summary>
    public static NvdCursor? Parse(string? state)
    {
        if (string.IsNullOrEmpty(state) || state.Length > MaxStateBytes)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(state);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var runStart = Time(root, "runStart");
            var windowStart = Time(root, "windowStart");
            var windowEnd = Time(root, "windowEnd");
            if (runStart is null || (windowStart is null) != (windowEnd is null) || windowStart > windowEnd || windowEnd > runStart
                || !root.TryGetProperty("startIndex", out var index) || !index.TryGetInt32(out var startIndex) || startIndex < 0)
            {
                return null;
            }

            int? total = root.TryGetProperty("total", out var t) && t.TryGetInt32(out var n) && n >= 0 ? n : null;
            return new(runStart.Value, windowStart, windowEnd, startIndex, total);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The stored form: a small JSON object, times in ISO 8601 UTC.</summary>
    public string Serialize()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("runStart", FormatTime(RunStart));
            WriteTime(json, "windowStart", WindowStart);
            WriteTime(json, "windowEnd", WindowEnd);
            json.WriteNumber("startIndex", StartIndex);
            if (Total is { } total)
            {
                json.WriteNumber("total", total);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A time as stored: ISO 8601 UTC with milliseconds.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads a stored time; null when absent or unreadable.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;

    private static DateTimeOffset? Time(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? ParseTime(value.GetString()) : null;

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            json.WriteString(name, FormatTime(t));
        }
    }
}
