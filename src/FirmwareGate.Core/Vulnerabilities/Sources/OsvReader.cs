using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>Reads OSV records (OSV schema 1.x, ossf/osv-schema <c>docs/schema.md</c>): one record, or a JSON array of them.</summary>
public static class OsvReader
{
    /// <summary>Most affected entries, ranges, events or versions read from one record; the rest is dropped.</summary>
    private const int MaxItems = 10_000;

    /// <summary>Reads an OSV record or an array of them into <paramref name="sink"/>; a malformed or withdrawn record is skipped and counted.</summary>
    public static void Read(ReadOnlyMemory<byte> json, string name, IRecordSink sink, ImportCounts counts)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(counts);
        var doc = JsonValues.Parse(json, name);

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in root.EnumerateArray())
                {
                    ReadRecord(item, $"{name}#{index++}", sink, counts);
                }
            }
            else
            {
                ReadRecord(root, name, sink, counts);
            }
        }
    }

    /// <summary>Reads one OSV record object.</summary>
    public static void ReadRecord(JsonElement osv, string what, IRecordSink sink, ImportCounts counts)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(counts);
        var record = Parse(osv, out var error);
        if (record is null)
        {
            counts.Skip(JsonValues.NonEmpty(osv, "id") ?? what, error ?? "malformed");
            return;
        }

        sink.Add(record);
        counts.Records++;
    }

    /// <summary>The record, or null with <paramref name="error"/> saying why (withdrawn, no id).</summary>
    public static VulnerabilityRecord? Parse(JsonElement osv, out string? error)
    {
        error = null;
        if (osv.ValueKind != JsonValueKind.Object)
        {
            error = "not an object";
            return null;
        }

        var id = JsonValues.NonEmpty(osv, "id");
        if (id is null)
        {
            error = "no id";
            return null;
        }

        if (JsonValues.Str(osv, "withdrawn") is { Length: > 0 } withdrawn)
        {
            error = $"withdrawn {withdrawn}";
            return null;
        }

        return new VulnerabilityRecord
        {
            Id = id,
            Source = "osv",
            Description = JsonValues.NonEmpty(osv, "summary") ?? JsonValues.NonEmpty(osv, "details"),
            Published = JsonValues.Date(osv, "published"),
            LastModified = JsonValues.Date(osv, "modified"),
            Ratings = Ratings(osv),
            Cwes = Cwes(osv),
            References = References(osv),
            Aliases = Strings(osv, "aliases"),
            Packages = Affected(osv),
        };
    }

    private static List<CvssRating> Ratings(JsonElement osv)
    {
        var ratings = new List<CvssRating>();
        JsonValues.Obj(osv, "database_specific", out var db);
        foreach (var s in JsonValues.Items(osv, "severity"))
        {
            var type = JsonValues.Str(s, "type");
            var vector = JsonValues.NonEmpty(s, "score");
            if (vector is null)
            {
                continue;
            }

            if (type == "CVSS_V3" && CvssV3.BaseScore(vector) is { } score && CvssV3.VersionOf(vector) is { } version)
            {
                ratings.Add(new CvssRating(version, score, vector, JsonValues.SeverityOf(score), null, false));
            }
            else if (type == "CVSS_V4" && vector.StartsWith("CVSS:4.0/", StringComparison.Ordinal) && V4Score(db) is { } v4)
            {
                // No v4 calculator here: the score comes from the record itself when it carries one.
                ratings.Add(new CvssRating("4.0", v4, vector, JsonValues.SeverityOf(v4), null, false));
            }
        }

        return ratings;
    }

    private static double? V4Score(JsonElement db)
    {
        if (JsonValues.Number(db, "cvss_v4_score") is { } n && n is >= 0 and <= 10)
        {
            return n;
        }

        return JsonValues.Obj(db, "cvss_v4", out var v4) && JsonValues.Number(v4, "score") is { } m && m is >= 0 and <= 10 ? m : null;
    }

    private static IReadOnlyList<string> Cwes(JsonElement osv) =>
        JsonValues.Obj(osv, "database_specific", out var db) ? JsonValues.SortedCwes(Strings(db, "cwe_ids")) : [];

    private static List<string> References(JsonElement osv)
    {
        var list = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in JsonValues.Items(osv, "references"))
        {
            JsonValues.AddDistinct(list, seen, JsonValues.NonEmpty(r, "url"));
        }

        return list;
    }

    private static List<string> Strings(JsonElement obj, string name)
    {
        var list = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in JsonValues.Items(obj, name))
        {
            if (list.Count < MaxItems)
            {
                JsonValues.AddDistinct(list, seen, JsonValues.StringOf(v)?.Trim());
            }
        }

        return list;
    }

    private static List<PackageAffected> Affected(JsonElement osv)
    {
        var list = new List<PackageAffected>();
        foreach (var a in JsonValues.Items(osv, "affected"))
        {
            if (list.Count >= MaxItems || !JsonValues.Obj(a, "package", out var package) || JsonValues.NonEmpty(package, "name") is not { } name)
            {
                continue;
            }

            list.Add(new PackageAffected
            {
                Ecosystem = JsonValues.NonEmpty(package, "ecosystem"),
                Name = name,
                Purl = WithoutVersion(JsonValues.NonEmpty(package, "purl")),
                Ranges = Ranges(a),
                Versions = Strings(a, "versions"),
            });
        }

        return list;
    }

    private static List<PackageRange> Ranges(JsonElement affected)
    {
        var ranges = new List<PackageRange>();
        foreach (var r in JsonValues.Items(affected, "ranges"))
        {
            var type = JsonValues.NonEmpty(r, "type");
            if (type is null || ranges.Count >= MaxItems)
            {
                continue;
            }

            var events = new List<RangeEvent>();
            foreach (var e in JsonValues.Items(r, "events"))
            {
                if (e.ValueKind == JsonValueKind.Object && events.Count < MaxItems && Event(e) is { } ev)
                {
                    events.Add(ev);
                }
            }

            if (events.Count > 0)
            {
                ranges.Add(new PackageRange(type.ToUpperInvariant(), events));
            }
        }

        return ranges;
    }

    private static RangeEvent? Event(JsonElement e)
    {
        foreach (var kind in (ReadOnlySpan<string>)["introduced", "fixed", "last_affected", "limit"])
        {
            if (JsonValues.NonEmpty(e, kind) is { } version)
            {
                return new RangeEvent(kind, version);
            }
        }

        return null;
    }

    /// <summary>A purl without its <c>@version</c> (OSV says the package purl should not carry one, some do).</summary>
    private static string? WithoutVersion(string? purl)
    {
        if (purl is null)
        {
            return null;
        }

        var end = purl.IndexOfAny(['?', '#']);
        var head = end < 0 ? purl : purl[..end];
        var at = head.LastIndexOf('@');
        var slash = head.LastIndexOf('/');
        return at > slash && slash > 0 ? head[..at] : head;
    }
}
