using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>Reads the CISA Known Exploited Vulnerabilities catalogue (<c>known_exploited_vulnerabilities.json</c>, schema in cisagov/kev-data).</summary>
public static class KevReader
{
    /// <summary>Reads the catalogue into <paramref name="sink"/>; an entry without a CVE id is skipped and counted. Throws <see cref="VulnerabilitySourceException"/> when it is not the catalogue.</summary>
    public static void Read(ReadOnlyMemory<byte> json, string name, IRecordSink sink, ImportCounts counts)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(counts);
        using var doc = ParseCatalogue(json, name);
        var index = 0;
        foreach (var item in JsonValues.Items(doc.RootElement, "vulnerabilities"))
        {
            var entry = ReadEntry(item);
            if (entry is null)
            {
                counts.Skip($"{name}#{index}", "no cveID");
            }
            else
            {
                sink.AddKev(entry);
                counts.Kev++;
            }

            index++;
        }
    }

    private static JsonDocument ParseCatalogue(ReadOnlyMemory<byte> json, string name)
    {
        var doc = JsonValues.Parse(json, name);

        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("vulnerabilities", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            doc.Dispose();
            throw new VulnerabilitySourceException($"{name}: not the KEV catalogue (no vulnerabilities array)");
        }

        return doc;
    }

    private static KevEntry? ReadEntry(JsonElement item)
    {
        var id = JsonValues.NonEmpty(item, "cveID");
        if (id is null || !id.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new KevEntry
        {
            CveId = id.ToUpperInvariant(),
            Name = JsonValues.NonEmpty(item, "vulnerabilityName"),
            VendorProject = JsonValues.NonEmpty(item, "vendorProject"),
            Product = JsonValues.NonEmpty(item, "product"),
            DateAdded = JsonValues.NonEmpty(item, "dateAdded"),
            DueDate = JsonValues.NonEmpty(item, "dueDate"),
            RequiredAction = JsonValues.NonEmpty(item, "requiredAction"),
            KnownRansomwareCampaignUse = JsonValues.NonEmpty(item, "knownRansomwareCampaignUse"),
        };
    }
}
