using System.Text.Json;
using CycloneDX.Models;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Licence names to CycloneDX licence choices: an SPDX licence id (matched case-insensitively, written in
/// SPDX's spelling) becomes <c>license.id</c>, anything else <c>license.name</c>. The SPDX ids are the
/// ones CycloneDX.Core's own schema accepts (its embedded <c>spdx.schema.json</c>).
/// </summary>
internal static class CycloneDxLicenses
{
    private static readonly Lazy<Dictionary<string, string>> SpdxIds = new(LoadSpdxIds);

    /// <summary>The SPDX id in SPDX's spelling, or null when the name is not one.</summary>
    public static string? SpdxId(string name) => SpdxIds.Value.TryGetValue(name.Trim(), out var id) ? id : null;

    /// <summary>Licence choices for the names, de-duplicated, in the given order.</summary>
    public static List<LicenseChoice> Of(IEnumerable<string> names)
    {
        var choices = new List<LicenseChoice>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in names)
        {
            string name = raw.Trim();
            if (name.Length == 0)
            {
                continue;
            }

            string? id = SpdxId(name);
            if (seen.Add(id is null ? "name:" + name : "id:" + id))
            {
                choices.Add(new LicenseChoice { License = id is null ? new License { Name = name } : new License { Id = id } });
            }
        }

        return choices;
    }

    private static Dictionary<string, string> LoadSpdxIds()
    {
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using var stream = typeof(Bom).Assembly.GetManifestResourceStream("CycloneDX.Core.Schemas.spdx.schema.json");
        if (stream is null)
        {
            return ids;
        }

        using var doc = JsonDocument.Parse(stream);
        if (doc.RootElement.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            foreach (var v in values.EnumerateArray())
            {
                if (v.GetString() is { Length: > 0 } id)
                {
                    ids.TryAdd(id, id);
                }
            }
        }

        return ids;
    }
}
