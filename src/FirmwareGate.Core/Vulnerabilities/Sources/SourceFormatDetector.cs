using System.Text;
using System.Text.Json;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>Tells the format of offline content from its top-level keys (JSON) or its first line (CSV), never from the file name.</summary>
public static class SourceFormatDetector
{
    /// <summary>The format of <paramref name="data"/> (already decompressed); <see cref="SourceFormat.Unknown"/> when none fits or the JSON is broken before a key decides.</summary>
    public static SourceFormat Detect(ReadOnlySpan<byte> data)
    {
        data = JsonValues.WithoutBom(data);
        var start = data.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0)
        {
            return SourceFormat.Unknown;
        }

        data = data[start..];
        if (data.StartsWith("#model_version"u8) || StartsWithIgnoreCase(data, "cve,epss"u8))
        {
            return SourceFormat.Epss;
        }

        try
        {
            return data[0] switch
            {
                (byte)'{' => DetectObject(data),
                (byte)'[' => DetectArray(data),
                _ => SourceFormat.Unknown,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return SourceFormat.Unknown; // Broken JSON, or a key that is not valid UTF-8.
        }
    }

    /// <summary>A short, printable description of how content starts (for messages about foreign files).</summary>
    public static string DescribeStart(ReadOnlySpan<byte> data)
    {
        data = JsonValues.WithoutBom(data);
        var start = data.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0)
        {
            return "empty";
        }

        var head = data.Slice(start, Math.Min(24, data.Length - start));
        var sb = new StringBuilder("starts with '");
        foreach (var b in head)
        {
            sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
        }

        return sb.Append('\'').ToString();
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix) =>
        data.Length >= prefix.Length && Ascii.EqualsIgnoreCase(data[..prefix.Length], prefix);

    private static SourceFormat DetectObject(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, JsonValues.ReaderOptions);
        reader.Read();
        var keys = ReadTopLevel(ref reader, out var decided);
        return decided ?? Classify(keys);
    }

    private static SourceFormat DetectArray(ReadOnlySpan<byte> data)
    {
        // An array is OSV records when its first object is an OSV record.
        var reader = new Utf8JsonReader(data, JsonValues.ReaderOptions);
        reader.Read();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return SourceFormat.Unknown;
        }

        var keys = ReadTopLevel(ref reader, out var decided);
        return (decided ?? Classify(keys)) == SourceFormat.Osv ? SourceFormat.OsvArray : SourceFormat.Unknown;
    }

    [Flags]
    private enum Keys
    {
        None = 0,
        Id = 1,
        Vulnerabilities = 2,
        NvdCveFields = 4,
        OsvFields = 8,
        CveMetadata = 16,
        Containers = 32,
        Cve = 64,
        PageFields = 128,
        Schema = 256,
    }

    private static Keys ReadTopLevel(ref Utf8JsonReader reader, out SourceFormat? decided)
    {
        decided = null;
        var keys = Keys.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            var isString = reader.TokenType == JsonTokenType.String;
            switch (name)
            {
                case "format" when isString && reader.ValueTextEquals("NVD_CVE"u8):
                    decided = SourceFormat.NvdPage;
                    return keys;
                case "dataType" when isString && reader.ValueTextEquals("CVE_RECORD"u8):
                    decided = SourceFormat.Cve5;
                    return keys;
                case "catalogVersion":
                    decided = SourceFormat.Kev;
                    return keys;
                case "schema_version" when isString:
                    keys |= Keys.OsvFields;
                    break;
                case "id" when isString:
                    keys |= Keys.Id;
                    break;
                case "configurations" or "descriptions" or "vulnStatus" or "sourceIdentifier":
                    keys |= Keys.NvdCveFields;
                    break;
                case "affected" or "modified":
                    keys |= Keys.OsvFields;
                    break;
                case "vulnerabilities" when reader.TokenType == JsonTokenType.StartArray:
                    keys |= Keys.Vulnerabilities;
                    break;
                case "resultsPerPage" or "totalResults":
                    keys |= Keys.PageFields;
                    break;
                case "cveMetadata":
                    keys |= Keys.CveMetadata;
                    break;
                case "containers":
                    keys |= Keys.Containers;
                    break;
                case "cve" when reader.TokenType == JsonTokenType.StartObject:
                    keys |= Keys.Cve;
                    break;
                case "$schema":
                    keys |= Keys.Schema;
                    break;
                default:
                    break;
            }

            reader.Skip();
        }

        return keys;
    }

    private static SourceFormat Classify(Keys keys)
    {
        if ((keys & (Keys.CveMetadata | Keys.Containers)) == (Keys.CveMetadata | Keys.Containers))
        {
            return SourceFormat.Cve5;
        }

        if ((keys & (Keys.Vulnerabilities | Keys.PageFields)) == (Keys.Vulnerabilities | Keys.PageFields))
        {
            return SourceFormat.NvdPage;
        }

        if ((keys & Keys.Id) != 0 && (keys & Keys.NvdCveFields) != 0)
        {
            return SourceFormat.NvdCve;
        }

        if ((keys & Keys.Id) != 0 && (keys & Keys.OsvFields) != 0)
        {
            return SourceFormat.Osv;
        }

        if (keys == Keys.Cve)
        {
            return SourceFormat.NvdCve;
        }

        return (keys & Keys.Schema) != 0 ? SourceFormat.JsonSchema : SourceFormat.Unknown;
    }
}
