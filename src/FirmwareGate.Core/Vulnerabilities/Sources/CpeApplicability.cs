using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>CVE JSON 5.1 <c>cpeApplicability</c>: configurations in the NVD shape (<c>operator</c>, <c>negate</c>, <c>nodes[].cpeMatch[]</c>).</summary>
internal static class CpeApplicability
{
    private const int MaxItems = 10_000;

    /// <summary>One configuration, or null when it has no usable CPE match.</summary>
    public static CpeConfiguration? Parse(JsonElement configuration)
    {
        var nodes = new List<CpeNode>();
        foreach (var node in JsonValues.Items(configuration, "nodes"))
        {
            var matches = new List<CpeMatch>();
            foreach (var m in JsonValues.Items(node, "cpeMatch"))
            {
                if (matches.Count < MaxItems && JsonValues.NonEmpty(m, "criteria") is { } criteria && criteria.StartsWith("cpe:2.3:", StringComparison.OrdinalIgnoreCase))
                {
                    matches.Add(new CpeMatch
                    {
                        Vulnerable = JsonValues.Bool(m, "vulnerable", true),
                        Criteria = criteria,
                        VersionStartIncluding = JsonValues.NonEmpty(m, "versionStartIncluding"),
                        VersionStartExcluding = JsonValues.NonEmpty(m, "versionStartExcluding"),
                        VersionEndIncluding = JsonValues.NonEmpty(m, "versionEndIncluding"),
                        VersionEndExcluding = JsonValues.NonEmpty(m, "versionEndExcluding"),
                        MatchCriteriaId = JsonValues.NonEmpty(m, "matchCriteriaId"),
                    });
                }
            }

            if (matches.Count > 0 && nodes.Count < MaxItems)
            {
                nodes.Add(new CpeNode(Operator(node), JsonValues.Bool(node, "negate", false), matches));
            }
        }

        return nodes.Count == 0 ? null : new CpeConfiguration(Operator(configuration), JsonValues.Bool(configuration, "negate", false), nodes);
    }

    /// <summary>True when the CPE's version component is <c>*</c> (or missing), so ranges may narrow it.</summary>
    public static bool VersionIsAny(string cpe)
    {
        // cpe:2.3:part:vendor:product:version:...; a backslash escapes a colon inside a component.
        var field = 0;
        var start = 0;
        for (var i = 0; i < cpe.Length; i++)
        {
            if (cpe[i] == '\\')
            {
                i++;
            }
            else if (cpe[i] == ':')
            {
                field++;
                if (field == 5)
                {
                    start = i + 1;
                }
                else if (field == 6)
                {
                    return cpe.AsSpan(start, i - start) is "*" or "";
                }
            }
        }

        return field < 5 || cpe.AsSpan(start) is "*" or "";
    }

    private static CpeOperator Operator(JsonElement obj) =>
        string.Equals(JsonValues.Str(obj, "operator"), "AND", StringComparison.OrdinalIgnoreCase) ? CpeOperator.And : CpeOperator.Or;
}
