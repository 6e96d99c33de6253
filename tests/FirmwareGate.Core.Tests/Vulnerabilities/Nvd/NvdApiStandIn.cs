using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Nvd;

/// <summary>One record the stand-in serves: its id, its (changeable) lastModified, and its JSON as NVD sent it.</summary>
internal sealed class ServedRecord(string id, DateTimeOffset lastModified, string json)
{
    public string Id { get; } = id;

    public DateTimeOffset LastModified { get; set; } = lastModified;

    public string Json { get; } = json;
}

/// <summary>
/// The NVD CVE API 2.0 on a loopback server, serving the real records of <c>api-page-1.json</c> the way the API
/// documents it (https://nvd.nist.gov/developers/vulnerabilities): offset paging with <c>startIndex</c> and
/// <c>resultsPerPage</c> (at most 2000), <c>lastModStartDate</c>/<c>lastModEndDate</c> both or neither, extended
/// ISO 8601 with an offset, at most 120 days apart; errors are 404 with a <c>message</c> header. Faults are injected
/// per request number.
/// </summary>
internal sealed class NvdApiStandIn : IAsyncDisposable
{
    public const string Path = "/rest/json/cves/2.0";

    private readonly LoopbackHttpServer _server;
    private readonly TimeProvider _clock;

    public NvdApiStandIn(TimeProvider clock)
    {
        _clock = clock;
        Records = LoadFixture();
        _server = new LoopbackHttpServer(Answer, clock);
    }

    public IReadOnlyList<ServedRecord> Records { get; }

    /// <summary>Answers instead of the API for the request it returns a reply for (request numbers start at 1).</summary>
    public Func<ServerRequest, ServerReply?>? Fault { get; set; }

    /// <summary>Changes a built page before it is sent (cut it, replace it).</summary>
    public Func<ServerRequest, ServerReply, ServerReply>? Transform { get; set; }

    /// <summary>Runs after a page was built (to change records between pages).</summary>
    public Action<ServerRequest>? AfterPage { get; set; }

    public Uri Endpoint => new(_server.BaseUri, Path.TrimStart('/'));

    public IReadOnlyList<ServerRequest> Requests => _server.Requests;

    /// <summary>Requests that got a page (not faults).</summary>
    public List<ServerRequest> Pages { get; } = [];

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>The fixture's page, serialised again as NVD would send it, for file-based tests.</summary>
    public static string FixturePath => TestPaths.Fixture("Vulnerabilities/api-page-1.json");

    private static List<ServedRecord> LoadFixture()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(FixturePath));
        var records = new List<ServedRecord>();
        foreach (var item in doc.RootElement.GetProperty("vulnerabilities").EnumerateArray())
        {
            var cve = item.GetProperty("cve");
            var modified = DateTime.Parse(cve.GetProperty("lastModified").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            records.Add(new ServedRecord(cve.GetProperty("id").GetString()!, new DateTimeOffset(modified, TimeSpan.Zero), item.GetRawText()));
        }

        return records;
    }

    private static ServerReply Refuse(string message) =>
        ServerReply.Text(404, "", new KeyValuePair<string, string>("message", message));

    private ServerReply Answer(ServerRequest request)
    {
        if (Fault?.Invoke(request) is { } fault)
        {
            return fault;
        }

        if (request.Path != Path)
        {
            return Refuse("unknown path");
        }

        var q = request.Query;
        var perPage = q.TryGetValue("resultsPerPage", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : 2000;
        var start = q.TryGetValue("startIndex", out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : 0;
        if (perPage is < 1 or > 2000 || start < 0)
        {
            return Refuse("Invalid resultsPerPage or startIndex");
        }

        var hasStart = q.TryGetValue("lastModStartDate", out var from);
        var hasEnd = q.TryGetValue("lastModEndDate", out var to);
        if (hasStart != hasEnd)
        {
            return Refuse("Both lastModStartDate and lastModEndDate are required when either is present");
        }

        DateTimeOffset? windowStart = null, windowEnd = null;
        if (hasStart)
        {
            const string format = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";
            if (!DateTimeOffset.TryParseExact(from, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var a)
                || !DateTimeOffset.TryParseExact(to, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var b))
            {
                return Refuse("Invalid date format");
            }

            if (b < a || b - a > TimeSpan.FromDays(120))
            {
                return Refuse("The date range must not exceed 120 days");
            }

            (windowStart, windowEnd) = (a, b);
        }

        lock (Pages)
        {
            var matching = Records
                .Where(r => windowStart is null || (r.LastModified >= windowStart && r.LastModified <= windowEnd))
                .OrderBy(r => r.LastModified)
                .ThenBy(r => r.Id, StringComparer.Ordinal)
                .ToList();
            var page = matching.Skip(start).Take(perPage).ToList();
            var body = PageJson(page, start, matching.Count);
            Pages.Add(request);
            AfterPage?.Invoke(request);
            var reply = new ServerReply(200, body);
            return Transform?.Invoke(request, reply) ?? reply;
        }
    }

    private byte[] PageJson(List<ServedRecord> page, int start, int total)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("resultsPerPage", page.Count);
            json.WriteNumber("startIndex", start);
            json.WriteNumber("totalResults", total);
            json.WriteString("format", "NVD_CVE");
            json.WriteString("version", "2.0");
            json.WriteString("timestamp", _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture));
            json.WriteStartArray("vulnerabilities");
            foreach (var record in page)
            {
                json.WriteRawValue(record.Json);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
