using System.Text.Json;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>Paging fields of an NVD CVE API 2.0 response.</summary>
/// <param name="ResultsPerPage">How many results this page holds.</param>
/// <param name="StartIndex">The index of its first result.</param>
/// <param name="TotalResults">The total the query matches.</param>
/// <param name="Timestamp">The response's timestamp, null when absent.</param>
public sealed record NvdPageInfo(int ResultsPerPage, int StartIndex, int TotalResults, DateTimeOffset? Timestamp);

/// <summary>Reads NVD CVE API 2.0 JSON: one CVE object, or a response page (<c>vulnerabilities[].cve</c>).</summary>
/// <remarks>
/// A page is checked whole before any record reaches the sink, so a truncated or foreign response leaves the sink
/// untouched. Each CVE is then parsed on its own (<see cref="NvdCveParser"/>): a malformed one is skipped and counted.
/// NVD's 2.0 feed files have the same shape as a page.
/// </remarks>
public static class NvdJsonReader
{
    /// <summary>The <c>format</c> value of NVD CVE API 2.0 responses and feeds.</summary>
    public const string Format = "NVD_CVE";

    /// <summary>Reads an API response page into <paramref name="sink"/>; throws <see cref="VulnerabilitySourceException"/> when it is not a page.</summary>
    public static NvdPageInfo ReadPage(ReadOnlySpan<byte> json, string name, IRecordSink sink, ImportCounts counts)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(counts);
        json = JsonValues.WithoutBom(json);
        var header = ReadHeader(json, name);
        ReadRecords(json, name, sink, counts);
        return header;
    }

    /// <summary>Reads one CVE object (or <c>{"cve": {...}}</c>) into <paramref name="sink"/>; a malformed one is counted as skipped under <paramref name="what"/>.</summary>
    public static void ReadCve(JsonElement cve, string what, IRecordSink sink, ImportCounts counts)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(counts);
        if (cve.ValueKind == JsonValueKind.Object && !cve.TryGetProperty("id", out _) && JsonValues.Obj(cve, "cve", out var inner))
        {
            cve = inner;
        }

        if (cve.ValueKind != JsonValueKind.Object)
        {
            counts.Skip(what, "not a CVE object");
            return;
        }

        var id = JsonValues.NonEmpty(cve, "id") ?? what;
        Records.VulnerabilityRecord? record;
        string? error;
        try
        {
            record = NvdCveParser.Parse(cve, out error);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            record = null;
            error = ex.Message;
        }

        if (record is null)
        {
            var why = error ?? "malformed CVE object";
            counts.Skip(id, why.StartsWith(id + ": ", StringComparison.Ordinal) ? why[(id.Length + 2)..] : why);
            return;
        }

        sink.Add(record);
        counts.Records++;
    }

    private static NvdPageInfo ReadHeader(ReadOnlySpan<byte> json, string name)
    {
        int? perPage = null, start = null, total = null;
        string? format = null;
        DateTimeOffset? timestamp = null;
        var vulnerabilities = -1;
        var first = json.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0 || json[first] != (byte)'{')
        {
            throw new VulnerabilitySourceException($"{name}: not an NVD CVE API page ({SourceFormatDetector.DescribeStart(json)})");
        }

        try
        {
            var reader = new Utf8JsonReader(json, JsonValues.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new VulnerabilitySourceException($"{name}: not an NVD CVE API page ({SourceFormatDetector.DescribeStart(json)})");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                reader.Read();
                switch (property)
                {
                    case "resultsPerPage": perPage = Count(ref reader, name, property); break;
                    case "startIndex": start = Count(ref reader, name, property); break;
                    case "totalResults": total = Count(ref reader, name, property); break;
                    case "format": format = reader.TokenType == JsonTokenType.String ? reader.GetString() : "?"; break;
                    case "timestamp": timestamp = reader.TokenType == JsonTokenType.String ? JsonValues.ParseDate(reader.GetString()) : null; break;
                    case "vulnerabilities": vulnerabilities = CountItems(ref reader, name); break;
                    default: reader.Skip(); break;
                }
            }

            // Anything after the top-level object is an error the reader reports here.
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            throw new VulnerabilitySourceException($"{name}: {JsonValues.Describe(ex)}");
        }
        catch (InvalidOperationException)
        {
            throw new VulnerabilitySourceException($"{name}: a page field is not valid UTF-8 text");
        }

        if (format is not null && format != Format)
        {
            throw new VulnerabilitySourceException($"{name}: format is '{format}', not {Format}");
        }

        if (vulnerabilities < 0)
        {
            throw new VulnerabilitySourceException($"{name}: not an NVD CVE API page (no vulnerabilities array)");
        }

        var startIndex = start ?? 0;
        return new NvdPageInfo(perPage ?? vulnerabilities, startIndex, total ?? startIndex + vulnerabilities, timestamp);
    }

    private static int Count(ref Utf8JsonReader reader, string name, string property) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n >= 0
            ? n
            : throw new VulnerabilitySourceException($"{name}: {property} is not a count");

    private static int CountItems(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new VulnerabilitySourceException($"{name}: vulnerabilities is not an array");
        }

        var n = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
            n++;
        }

        return n;
    }

    private static void ReadRecords(ReadOnlySpan<byte> json, string name, IRecordSink sink, ImportCounts counts)
    {
        // The header pass proved the document well formed, so this pass cannot meet a JSON error.
        var reader = new Utf8JsonReader(json, JsonValues.ReaderOptions);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("vulnerabilities"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var what = $"{name}#{index}";
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    counts.Skip(what, "not an object");
                }
                else
                {
                    using var item = JsonDocument.ParseValue(ref reader);
                    if (JsonValues.Obj(item.RootElement, "cve", out var cve))
                    {
                        ReadCve(cve, what, sink, counts);
                    }
                    else
                    {
                        counts.Skip(what, "no cve object");
                    }
                }

                index++;
            }
        }
    }
}
