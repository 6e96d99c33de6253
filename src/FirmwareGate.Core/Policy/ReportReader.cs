using System.Text.Json;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// Reads what a policy and a diff need from a FirmwareGate JSON report (docs/report.md) or a CycloneDX JSON SBOM
/// (components and vulnerabilities only). Bounded and tolerant: a file that is neither gives a
/// <see cref="Pipeline.ScanInputException"/> naming the file and what was expected.
/// </summary>
public static class ReportReader
{
    /// <summary>Largest file read (512 MiB): a report of the largest images stays far below it.</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted (the report's layer tree is the deepest part; the scan's depth limit keeps it shallow).</summary>
    public const int MaxDepth = 256;

    /// <summary>Most JSON tokens accepted: the parsed document costs some 12 bytes per token, so this bounds its memory.</summary>
    public const long MaxTokens = 32_000_000;

    /// <summary>Reads a JSON report or a CycloneDX SBOM, detected from the content.</summary>
    public static ScanFacts Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            if (stream.Length > MaxBytes)
            {
                throw new ScanInputException($"{path}: {stream.Length} bytes is larger than the {MaxBytes / (1024 * 1024)} MiB a report or SBOM may have");
            }

            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScanInputException($"{path}: cannot be read: {e.Message}", e);
        }

        return Parse(bytes, path);
    }

    /// <summary>Reads a JSON report or a CycloneDX SBOM from UTF-8 bytes; <paramref name="file"/> names it in errors.</summary>
    public static ScanFacts Parse(ReadOnlyMemory<byte> utf8, string file) => Parse(utf8, file, MaxTokens);

    /// <summary><see cref="Parse(ReadOnlyMemory{byte}, string)"/> with another token limit (tests).</summary>
    internal static ScanFacts Parse(ReadOnlyMemory<byte> utf8, string file, long maxTokens)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (utf8.Length > MaxBytes)
        {
            throw new ScanInputException($"{file}: {utf8.Length} bytes is larger than the {MaxBytes / (1024 * 1024)} MiB a report or SBOM may have");
        }

        using var document = ParseDocument(utf8, file, maxTokens);
        var root = document.RootElement;
        var json = new ReportJson(file);
        return Detect(root) switch
        {
            ReportKind.FirmwareGateReport => ReadReport(root, json),
            ReportKind.CycloneDx => CycloneDxFactsReader.Read(root, json),
            _ => throw new ScanInputException(
                $"{file}: neither a FirmwareGate JSON report (an object with \"schemaVersion\" and \"tool\": {{ \"name\": \"FirmwareGate\" }}) nor a CycloneDX JSON SBOM (\"bomFormat\": \"CycloneDX\")"),
        };
    }

    /// <summary>What the document is.</summary>
    public static ReportKind Detect(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ReportKind.Unknown;
        }

        if (root.TryGetProperty("bomFormat", out var format) && format.ValueKind == JsonValueKind.String && format.ValueEquals("CycloneDX"))
        {
            return ReportKind.CycloneDx;
        }

        return root.TryGetProperty("schemaVersion", out _)
            && root.TryGetProperty("tool", out var tool) && tool.ValueKind == JsonValueKind.Object
            && tool.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.ValueEquals("FirmwareGate")
            ? ReportKind.FirmwareGateReport
            : ReportKind.Unknown;
    }

    private static JsonDocument ParseDocument(ReadOnlyMemory<byte> utf8, string file, long maxTokens)
    {
        try
        {
            CountTokens(utf8.Span, file, maxTokens);
            return JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            throw new ScanInputException($"{file}: not valid JSON{where}: {FirstSentence(e.Message)}", e);
        }
    }

    private static void CountTokens(ReadOnlySpan<byte> utf8, string file, long maxTokens)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        long tokens = 0;
        while (reader.Read())
        {
            if (++tokens > maxTokens)
            {
                throw new ScanInputException($"{file}: more than {maxTokens} JSON values; not a report or SBOM this reader accepts");
            }
        }
    }

    private static ScanFacts ReadReport(JsonElement root, ReportJson json)
    {
        var version = root.GetProperty("schemaVersion");
        if (version.ValueKind != JsonValueKind.String || !version.ValueEquals(JsonReportWriter.SchemaVersion))
        {
            throw json.Error("schemaVersion", $"{version.GetRawText()} is not a report schema this FirmwareGate reads (\"{JsonReportWriter.SchemaVersion}\")");
        }

        return JsonReportFactsReader.Read(root, json);
    }

    // System.Text.Json's messages go on to repeat the path and position; the first sentence says what is wrong.
    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }
}
