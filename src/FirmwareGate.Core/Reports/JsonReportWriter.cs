using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Writes the JSON report of DESIGN.md: every top-level key in contract order, stages not yet run
/// left empty, stable ordering, LF line endings, no clock unless the scan was not reproducible.
/// </summary>
public static class JsonReportWriter
{
    /// <summary>Report schema version.</summary>
    public const string SchemaVersion = "1";

    /// <summary>Writes the report to a stream; with a policy outcome, <c>policy</c> and <c>vulnerabilities[].waived</c> are filled.</summary>
    public static void Write(ScanResult result, Stream output, string toolVersion, Policy.PolicyOutcome? policy = null)
    {
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" };
        using var w = new Utf8JsonWriter(output, options);
        w.WriteStartObject();
        w.WriteString("schemaVersion", SchemaVersion);
        w.WriteStartObject("tool");
        w.WriteString("name", "FirmwareGate");
        w.WriteString("version", toolVersion);
        w.WriteEndObject();
        w.WriteString("scannedAt", result.ScannedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

        w.WriteStartObject("image");
        w.WriteString("name", result.Image.Name);
        w.WriteString("path", result.Image.Path);
        w.WriteNumber("size", result.Image.Size);
        w.WriteString("sha256", result.Image.Sha256);
        w.WriteStartArray("formatChain");
        foreach (var f in result.Image.FormatChain)
        {
            w.WriteStringValue(f);
        }

        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("coverage");
        w.WriteNumber("bytes", result.Coverage.Bytes);
        w.WriteNumber("recognised", result.Coverage.Recognised);
        w.WriteNumber("padding", result.Coverage.Padding);
        w.WriteNumber("unknown", result.Coverage.Unknown);
        w.WriteNumber("unknownHighEntropy", result.Coverage.UnknownHighEntropy);
        w.WriteEndObject();

        w.WriteStartArray("layers");
        foreach (var layer in result.Layers)
        {
            WriteLayer(w, layer);
        }

        w.WriteEndArray();

        w.WriteStartObject("files");
        var counts = result.FileCounts();
        w.WriteNumber("total", counts.Values.Sum());
        foreach (var type in new[] { "file", "dir", "symlink", "chardev", "blockdev", "fifo", "socket" })
        {
            w.WriteNumber(type, counts.GetValueOrDefault(type));
        }

        w.WriteEndObject();

        WriteComponents(w, result.Inventory.Components);
        BinaryJsonWriter.Write(w, result.Checks.Binaries);
        CryptoJsonWriter.WriteCertificates(w, result.Checks);
        CryptoJsonWriter.WritePrivateKeys(w, result.Checks);
        AccountJsonWriter.Write(w, result.Checks.Accounts);
        FindingJsonWriter.Write(w, result.Checks.Findings);
        VulnerabilityJsonWriter.WriteVulnerabilities(w, result.Vulnerabilities, WaivedVulnerabilities(policy));
        PolicyJsonWriter.Write(w, policy);

        w.WriteStartObject("analysis");
        w.WriteBoolean("complete", result.Complete);
        w.WriteStartArray("warnings");
        foreach (var warning in result.Warnings)
        {
            w.WriteStringValue(EntryName.Display(warning));
        }

        w.WriteEndArray();
        w.WriteStartArray("notes");
        foreach (var note in result.AnalysisNotes)
        {
            w.WriteStringValue(EntryName.Display(note));
        }

        w.WriteEndArray();
        w.WriteStartArray("limitsHit");
        foreach (var limit in result.LimitsHit.Order(StringComparer.Ordinal))
        {
            w.WriteStringValue(limit);
        }

        w.WriteEndArray();
        w.WriteStartObject("durationsMs");
        if (!result.Reproducible)
        {
            foreach (var (stage, ms) in result.DurationsMs)
            {
                w.WriteNumber(stage, ms);
            }
        }

        w.WriteEndObject();
        w.WriteEndObject();

        VulnerabilityJsonWriter.WriteDatabase(w, result.Vulnerabilities);
        w.WriteEndObject();
        w.Flush();
        output.Write("\n"u8);
    }

    private static void WriteComponents(Utf8JsonWriter w, IReadOnlyList<Component> components)
    {
        w.WriteStartArray("components");
        foreach (var c in components)
        {
            w.WriteStartObject();
            w.WriteString("bomRef", c.BomRef);
            w.WriteString("name", c.Name);
            w.WriteString("version", c.Version);
            w.WriteString("vendor", c.Vendor);
            w.WriteString("purl", c.Purl);
            w.WriteString("cpe", c.Cpe);
            w.WriteStartArray("licenses");
            foreach (string license in c.Licenses)
            {
                w.WriteStringValue(license);
            }

            w.WriteEndArray();
            w.WriteString("type", InventoryNames.Of(c.Type));
            w.WriteString("sha256", c.Sha256);
            w.WriteStartArray("evidence");
            foreach (var e in c.Evidence)
            {
                w.WriteStartObject();
                w.WriteString("location", EntryName.Display(e.Location));
                w.WriteString("path", e.Path is null ? null : EntryName.Display(e.Path));
                w.WriteString("method", InventoryNames.Of(e.Method));
                w.WriteNumber("confidence", Math.Round(e.Confidence, 2));
                w.WriteString("detail", e.Detail is null ? null : EntryName.Display(e.Detail));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("dependsOn");
            foreach (string dep in c.DependsOn)
            {
                w.WriteStringValue(dep);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Refs (<c>ID@bomRef</c>) of the vulnerabilities a waiver sets aside.</summary>
    internal static HashSet<string> WaivedVulnerabilities(Policy.PolicyOutcome? policy) =>
        policy is null ? [] : policy.Violations
            .Where(v => v.Kind == Policy.ViolationKind.Vulnerability && v.WaivedBy is not null)
            .Select(v => v.Ref)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The report as a string.</summary>
    public static string ToJson(ScanResult result, string toolVersion, Policy.PolicyOutcome? policy = null)
    {
        using var ms = new MemoryStream();
        Write(result, ms, toolVersion, policy);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteLayer(Utf8JsonWriter w, Layer layer)
    {
        w.WriteStartObject();
        w.WriteString("id", layer.Id);
        w.WriteString("format", layer.Format);
        if (layer.Offset is { } offset)
        {
            w.WriteNumber("offset", offset);
        }
        else
        {
            w.WriteNull("offset");
        }

        if (layer.Name is not null)
        {
            w.WriteString("name", EntryName.Display(layer.Name));
        }

        w.WriteNumber("size", layer.Size);
        if (layer.Compression is not null)
        {
            w.WriteString("compression", layer.Compression);
        }

        w.WriteString("location", EntryName.Display(layer.Location));
        if (layer.Entropy is { } entropy)
        {
            w.WriteNumber("entropy", entropy);
            w.WriteNumber("highEntropyBytes", layer.HighEntropyBytes ?? 0);
        }

        w.WriteStartObject("details");
        foreach (var (k, v) in layer.Details)
        {
            w.WriteString(k, EntryName.Display(v));
        }

        w.WriteEndObject();
        if (layer.FileSystem is { } fs)
        {
            w.WriteNumber("entries", fs.Entries.Count);
        }

        w.WriteStartArray("warnings");
        foreach (var warning in layer.Warnings)
        {
            w.WriteStringValue(EntryName.Display(warning));
        }

        w.WriteEndArray();
        w.WriteStartArray("children");
        foreach (var child in layer.Children)
        {
            WriteLayer(w, child);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
