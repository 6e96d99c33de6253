using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>Parses one NVD CVE API 2.0 CVE object (<c>vulnerabilities[i].cve</c>, or a file holding just that object).</summary>
/// <remarks>
/// Field names and shapes follow the NVD CVE API 2.0 schema (<c>cve_api_json_2.0.schema</c>). Bounded: a record
/// with more than <see cref="MaxConfigurations"/> configurations, <see cref="MaxNodes"/> nodes per configuration or
/// <see cref="MaxMatchesPerNode"/> cpeMatch entries per node is refused. Tolerant: optional fields of the wrong
/// shape (a metric without a score, a reference without a url) are left out; a configuration that cannot be read
/// makes the whole record malformed, because dropping one entry of an AND node would change what the record says.
/// </remarks>
public static class NvdCveParser
{
    /// <summary>Most configurations one record may have.</summary>
    public const int MaxConfigurations = 1_000;

    /// <summary>Most nodes one configuration may have.</summary>
    public const int MaxNodes = 1_000;

    /// <summary>Most cpeMatch entries one node may have (real records reach a few thousand).</summary>
    public const int MaxMatchesPerNode = 50_000;

    /// <summary>Longest string kept (descriptions, CPEs, URLs); longer values make the field malformed.</summary>
    public const int MaxStringLength = 64 * 1024;

    private const int MaxReferences = 10_000;

    // Ratings: newest CVSS version first, after the NVD's primary scores.
    private static readonly (string Property, string Version)[] MetricProperties =
    [
        ("cvssMetricV40", "4.0"),
        ("cvssMetricV31", "3.1"),
        ("cvssMetricV30", "3.0"),
        ("cvssMetricV2", "2.0"),
    ];

    /// <summary>The record, or null with <paramref name="error"/> saying what is malformed.</summary>
    public static VulnerabilityRecord? Parse(JsonElement cve, out string? error)
    {
        error = null;
        if (cve.ValueKind != JsonValueKind.Object)
        {
            error = $"a CVE must be a JSON object, not {cve.ValueKind}";
            return null;
        }

        string? id = GetString(cve, "id");
        if (id is null || id.Length is 0 or > 64)
        {
            error = "the CVE has no \"id\" string";
            return null;
        }

        if (!TryReadConfigurations(cve, out IReadOnlyList<CpeConfiguration> configurations, out string? configError))
        {
            error = $"{id}: {configError}";
            return null;
        }

        return new VulnerabilityRecord
        {
            Id = id,
            Source = "nvd",
            Status = GetString(cve, "vulnStatus"),
            Description = ReadDescription(cve),
            Published = ReadNvdTime(cve, "published"),
            LastModified = ReadNvdTime(cve, "lastModified"),
            Ratings = ReadRatings(cve),
            Cwes = ReadCwes(cve),
            References = ReadReferences(cve),
            Configurations = configurations,
            Kev = ReadKev(cve, id),
        };
    }

    /// <summary>
    /// Parses an NVD timestamp. The API writes UTC without an offset (<c>2025-06-30T21:15:30.257</c>); an explicit
    /// offset is honoured. Null when absent or unreadable.
    /// </summary>
    public static DateTimeOffset? ParseNvdTime(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return null;
        }

        return DateTimeOffset.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out DateTimeOffset value)
            ? value
            : null;
    }

    private static DateTimeOffset? ReadNvdTime(JsonElement cve, string property) => ParseNvdTime(GetString(cve, property));

    private static string? ReadDescription(JsonElement cve)
    {
        if (!TryGetArray(cve, "descriptions", out JsonElement descriptions))
        {
            return null;
        }

        string? first = null;
        foreach (JsonElement d in descriptions.EnumerateArray())
        {
            string? value = GetString(d, "value");
            if (value is null)
            {
                continue;
            }

            if (string.Equals(GetString(d, "lang"), "en", StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }

            first ??= value;
        }

        return first;
    }

    private static List<CvssRating> ReadRatings(JsonElement cve)
    {
        var ratings = new List<CvssRating>();
        if (!TryGetObject(cve, "metrics", out JsonElement metrics))
        {
            return ratings;
        }

        foreach ((string property, string version) in MetricProperties)
        {
            if (!TryGetArray(metrics, property, out JsonElement list))
            {
                continue;
            }

            foreach (JsonElement metric in list.EnumerateArray())
            {
                if (ReadRating(metric, version) is { } rating)
                {
                    ratings.Add(rating);
                }
            }
        }

        // Stable: primary first, then by version descending (MetricProperties order), then source order.
        return [.. ratings.OrderBy(r => r.Primary ? 0 : 1)];
    }

    private static CvssRating? ReadRating(JsonElement metric, string fallbackVersion)
    {
        if (!TryGetObject(metric, "cvssData", out JsonElement data)
            || !TryGetDouble(data, "baseScore", out double score)
            || GetString(data, "vectorString") is not { } vector)
        {
            return null;
        }

        string version = GetString(data, "version") ?? fallbackVersion;

        // CVSS v2 keeps its severity next to cvssData, v3 and v4 inside it.
        string severity = (GetString(data, "baseSeverity") ?? GetString(metric, "baseSeverity") ?? SeverityOf(score))
            .ToLowerInvariant();
        bool primary = string.Equals(GetString(metric, "type"), "Primary", StringComparison.OrdinalIgnoreCase);
        return new CvssRating(version, score, vector, severity, GetString(metric, "source"), primary);
    }

    // The CVSS v3 qualitative scale, for a metric that gives a score without a severity.
    private static string SeverityOf(double score) => score switch
    {
        >= 9.0 => "critical",
        >= 7.0 => "high",
        >= 4.0 => "medium",
        > 0.0 => "low",
        _ => "none",
    };

    private static List<string> ReadCwes(JsonElement cve)
    {
        var cwes = new SortedSet<string>(StringComparer.Ordinal);
        if (!TryGetArray(cve, "weaknesses", out JsonElement weaknesses))
        {
            return [];
        }

        foreach (JsonElement weakness in weaknesses.EnumerateArray())
        {
            if (!TryGetArray(weakness, "description", out JsonElement descriptions))
            {
                continue;
            }

            foreach (JsonElement d in descriptions.EnumerateArray())
            {
                // NVD-CWE-Other and NVD-CWE-noinfo are NVD placeholders, not weaknesses.
                if (GetString(d, "value") is { } value && value.StartsWith("CWE-", StringComparison.Ordinal))
                {
                    cwes.Add(value);
                }
            }
        }

        return [.. cwes];
    }

    private static List<string> ReadReferences(JsonElement cve)
    {
        var urls = new List<string>();
        if (!TryGetArray(cve, "references", out JsonElement references))
        {
            return urls;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonElement reference in references.EnumerateArray())
        {
            if (urls.Count >= MaxReferences)
            {
                break;
            }

            if (GetString(reference, "url") is { } url && seen.Add(url))
            {
                urls.Add(url);
            }
        }

        return urls;
    }

    private static KevEntry? ReadKev(JsonElement cve, string id)
    {
        string? added = GetString(cve, "cisaExploitAdd");
        string? due = GetString(cve, "cisaActionDue");
        string? action = GetString(cve, "cisaRequiredAction");
        string? name = GetString(cve, "cisaVulnerabilityName");
        if (added is null && due is null && action is null && name is null)
        {
            return null;
        }

        return new KevEntry { CveId = id, Name = name, DateAdded = added, DueDate = due, RequiredAction = action };
    }

    private static bool TryReadConfigurations(JsonElement cve, out IReadOnlyList<CpeConfiguration> configurations, out string? error)
    {
        configurations = [];
        error = null;
        if (!cve.TryGetProperty("configurations", out JsonElement array) || array.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            error = "\"configurations\" is not an array";
            return false;
        }

        if (array.GetArrayLength() > MaxConfigurations)
        {
            error = $"more than {MaxConfigurations} configurations";
            return false;
        }

        var list = new List<CpeConfiguration>();
        int index = 0;
        foreach (JsonElement configuration in array.EnumerateArray())
        {
            CpeConfiguration? parsed = ReadConfiguration(configuration, out error);
            if (parsed is null)
            {
                error = $"configurations[{index}]: {error}";
                return false;
            }

            list.Add(parsed);
            index++;
        }

        configurations = list;
        return true;
    }

    private static CpeConfiguration? ReadConfiguration(JsonElement configuration, out string? error)
    {
        error = null;
        if (configuration.ValueKind != JsonValueKind.Object)
        {
            error = "not an object";
            return null;
        }

        if (!TryReadOperator(configuration, out CpeOperator op, out error) || !TryReadNegate(configuration, out bool negate, out error))
        {
            return null;
        }

        if (!TryGetArray(configuration, "nodes", out JsonElement nodes))
        {
            error = "no \"nodes\" array";
            return null;
        }

        if (nodes.GetArrayLength() > MaxNodes)
        {
            error = $"more than {MaxNodes} nodes";
            return null;
        }

        var list = new List<CpeNode>();
        int index = 0;
        foreach (JsonElement node in nodes.EnumerateArray())
        {
            CpeNode? parsed = ReadNode(node, out error);
            if (parsed is null)
            {
                error = $"nodes[{index}]: {error}";
                return null;
            }

            list.Add(parsed);
            index++;
        }

        return new CpeConfiguration(op, negate, list);
    }

    private static CpeNode? ReadNode(JsonElement node, out string? error)
    {
        error = null;
        if (node.ValueKind != JsonValueKind.Object)
        {
            error = "not an object";
            return null;
        }

        if (!TryReadOperator(node, out CpeOperator op, out error) || !TryReadNegate(node, out bool negate, out error))
        {
            return null;
        }

        if (!TryGetArray(node, "cpeMatch", out JsonElement matches))
        {
            error = "no \"cpeMatch\" array";
            return null;
        }

        if (matches.GetArrayLength() > MaxMatchesPerNode)
        {
            error = $"more than {MaxMatchesPerNode} cpeMatch entries";
            return null;
        }

        var list = new List<CpeMatch>();
        int index = 0;
        foreach (JsonElement match in matches.EnumerateArray())
        {
            CpeMatch? parsed = ReadMatch(match, out error);
            if (parsed is null)
            {
                error = $"cpeMatch[{index}]: {error}";
                return null;
            }

            list.Add(parsed);
            index++;
        }

        return new CpeNode(op, negate, list);
    }

    private static CpeMatch? ReadMatch(JsonElement match, out string? error)
    {
        error = null;
        if (match.ValueKind != JsonValueKind.Object)
        {
            error = "not an object";
            return null;
        }

        string? criteria = GetString(match, "criteria");
        if (criteria is null || !criteria.StartsWith("cpe:2.3:", StringComparison.OrdinalIgnoreCase))
        {
            error = "no \"criteria\" CPE 2.3 string";
            return null;
        }

        if (!match.TryGetProperty("vulnerable", out JsonElement vulnerable) || vulnerable.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = $"{criteria}: no \"vulnerable\" boolean";
            return null;
        }

        return new CpeMatch
        {
            Vulnerable = vulnerable.ValueKind == JsonValueKind.True,
            Criteria = criteria,
            VersionStartIncluding = GetString(match, "versionStartIncluding"),
            VersionStartExcluding = GetString(match, "versionStartExcluding"),
            VersionEndIncluding = GetString(match, "versionEndIncluding"),
            VersionEndExcluding = GetString(match, "versionEndExcluding"),
            MatchCriteriaId = GetString(match, "matchCriteriaId"),
        };
    }

    // The schema makes "operator" optional on configurations; NVD's default is OR.
    private static bool TryReadOperator(JsonElement element, out CpeOperator op, out string? error)
    {
        op = CpeOperator.Or;
        error = null;
        if (!element.TryGetProperty("operator", out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (string.Equals(text, "AND", StringComparison.OrdinalIgnoreCase))
        {
            op = CpeOperator.And;
            return true;
        }

        if (string.Equals(text, "OR", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        error = "\"operator\" is neither AND nor OR";
        return false;
    }

    private static bool TryReadNegate(JsonElement element, out bool negate, out string? error)
    {
        negate = false;
        error = null;
        if (!element.TryGetProperty("negate", out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            negate = value.ValueKind == JsonValueKind.True;
            return true;
        }

        error = "\"negate\" is not a boolean";
        return false;
    }

    private static string? GetString(JsonElement element, string property)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty(property, out JsonElement value)
            || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        string? text = value.GetString();
        return text is null || text.Length > MaxStringLength ? null : text;
    }

    private static bool TryGetDouble(JsonElement element, string property, out double number)
    {
        number = 0;
        return element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(property, out JsonElement value)
            && value.ValueKind == JsonValueKind.Number
            && value.TryGetDouble(out number)
            && double.IsFinite(number);
    }

    private static bool TryGetArray(JsonElement element, string property, out JsonElement array)
    {
        array = default;
        return element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(property, out array)
            && array.ValueKind == JsonValueKind.Array;
    }

    private static bool TryGetObject(JsonElement element, string property, out JsonElement obj)
    {
        obj = default;
        return element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(property, out obj)
            && obj.ValueKind == JsonValueKind.Object;
    }
}
