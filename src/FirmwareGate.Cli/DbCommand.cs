using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Vulnerabilities;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Nvd;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Cli;

/// <summary><c>firmwaregate db update | status | match</c>: the local vulnerability database.</summary>
internal static class DbCommand
{
    private const int Ok = 0;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var db = new Option<string?>("--db") { Description = "The database file (default: FIRMWAREGATE_DB, else the user's cache folder).", HelpName = "FILE", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Write JSON to standard output." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress; errors and the final line only." };

        var from = new Option<string[]>("--from") { Description = "Read offline files instead of the NVD API: NVD 2.0 JSON, CVE JSON 5, OSV, KEV JSON or EPSS CSV (a file or a folder; repeatable).", HelpName = "PATH", AllowMultipleArgumentsPerToken = false };
        var kev = new Option<string?>("--kev") { Description = "CISA KEV catalogue to load: a URL or a file (default without --from: CISA's feed; 'none' to skip).", HelpName = "URL|FILE" };
        var epss = new Option<string?>("--epss") { Description = "EPSS scores to load: a URL or a file, CSV or gzip CSV (default without --from: FIRST's daily file; 'none' to skip).", HelpName = "URL|FILE" };
        var rebuild = new Option<bool>("--rebuild") { Description = "Start from an empty database (the old one is replaced only when the update succeeds)." };
        var nvdUrl = new Option<string?>("--nvd-url") { Description = "NVD CVE API 2.0 endpoint (a mirror); the API key comes from NVD_API_KEY.", HelpName = "URL" };
        var update = new Command("update", "Build or refresh the vulnerability database: from the NVD CVE API 2.0 (incremental after the first run), or from offline files with --from; plus the CISA KEV catalogue and EPSS scores.") { from, kev, epss, rebuild, nvdUrl, quiet };
        update.SetAction((parse, ct) => UpdateAsync(new(parse.GetValue(db), stdout, stderr, ct), parse.GetValue(from) ?? [], parse.GetValue(kev), parse.GetValue(epss), parse.GetValue(rebuild), parse.GetValue(nvdUrl), parse.GetValue(quiet)));

        var status = new Command("status", "Show the database's counts, sources, last update per source and age.") { json };
        status.SetAction((parse, ct) => StatusAsync(new(parse.GetValue(db), stdout, stderr, ct), parse.GetValue(json)));

        var component = new Argument<string>("COMPONENT") { Description = "A CPE 2.3 string, a purl, or name@version." };
        var all = new Option<bool>("--all") { Description = "Also list the candidate records that do not apply, with why (to answer \"why didn't CVE-X match?\")." };
        var match = new Command("match", "List the records that apply to one component, with the matching entry and method for each.") { component, json, all };
        match.SetAction((parse, ct) => MatchAsync(new(parse.GetValue(db), stdout, stderr, ct), parse.GetRequiredValue(component), parse.GetValue(json), parse.GetValue(all)));

        return new Command("db", "The local vulnerability database (SQLite): update, status, match.") { db, update, status, match };
    }

    private static async Task<int> UpdateAsync(Context c, string[] froms, string? kev, string? epss, bool rebuild, string? nvdUrl, bool quiet)
    {
        Uri? nvdUri = null;
        if (nvdUrl is not null && !Uri.TryCreate(nvdUrl, UriKind.Absolute, out nvdUri))
        {
            return await c.FailAsync($"--nvd-url '{nvdUrl}' is not an absolute URL").ConfigureAwait(false);
        }

        using var progress = ProgressLine.Create(c.Stderr, enabled: !quiet);
        var now = DateTimeOffset.UtcNow;
        var report = new Progress<UpdateProgress>(p => progress.Report($"db: {p.Done}{(p.Total is { } t ? "/" + t : "")} {p.Message}"));
        try
        {
            // Per-request timeouts and retries are the updater's; the client itself never gives up first.
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            using var database = VulnerabilityDatabase.OpenWrite(c.Path, rebuild);
            if (froms.Length > 0)
            {
                foreach (string path in froms)
                {
                    progress.Report($"db: reading {path}");
                    using var transaction = database.BeginUpdate("offline:" + path);
                    var counts = OfflineSources.Read(path, transaction, c.CancellationToken);
                    transaction.Commit(now, counts);
                    progress.Clear();
                    await c.Stdout.WriteLineAsync($"{path}: {Describe(counts)}").ConfigureAwait(false);
                }
            }
            else
            {
                var options = new NvdApiOptions { ApiKey = Environment.GetEnvironmentVariable("NVD_API_KEY") is { Length: > 0 } key ? key : null };
                if (nvdUri is not null)
                {
                    options = options with { BaseUri = nvdUri };
                }

                var counts = await new NvdUpdater(http, options, TimeProvider.System).RunAsync(database, report, c.CancellationToken).ConfigureAwait(false);
                progress.Clear();
                await c.Stdout.WriteLineAsync($"NVD API ({options.BaseUri}): {Describe(counts)}").ConfigureAwait(false);
            }

            // KEV and EPSS: the official feeds with the NVD API, only when named with --from; 'none' skips.
            var feeds = new FeedDownloader(http, new FeedOptions(), TimeProvider.System);
            foreach (var (kind, given) in new[] { (FeedKind.Kev, kev), (FeedKind.Epss, epss) })
            {
                string? location = given ?? (froms.Length == 0 ? FeedDownloader.DefaultUrl(kind).ToString() : null);
                if (location is null || location == "none")
                {
                    continue;
                }

                var counts = await feeds.ImportAsync(database, kind, location, report, c.CancellationToken).ConfigureAwait(false);
                progress.Clear();
                await c.Stdout.WriteLineAsync($"{FeedDownloader.SourceName(kind)} ({location}): {Describe(counts)}").ConfigureAwait(false);
            }

            await c.Stdout.WriteLineAsync(StatusLine(database.Status(now))).ConfigureAwait(false);
            return Ok;
        }
        catch (Exception e) when (e is VulnerabilityDatabaseException or VulnerabilitySourceException or VulnerabilityDownloadException or HttpRequestException or IOException or UnauthorizedAccessException)
        {
            progress.Clear();
            string why = e is VulnerabilityDatabaseException d ? d.MessageWithHint : e.Message;
            return await c.FailAsync($"update failed: {why.TrimEnd('.')}. The database keeps what earlier updates committed.").ConfigureAwait(false);
        }
    }

    private static async Task<int> StatusAsync(Context c, bool json)
    {
        try
        {
            using var database = VulnerabilityDatabase.OpenRead(c.Path);
            var status = database.Status(DateTimeOffset.UtcNow);
            if (json)
            {
                await c.Stdout.WriteAsync(StatusJson(status)).ConfigureAwait(false);
                return Ok;
            }

            await c.Stdout.WriteLineAsync($"database  {status.Path}").ConfigureAwait(false);
            await c.Stdout.WriteLineAsync($"records   {status.Records} ({status.CpeEntries} CPE match entries), KEV {status.Kev}, EPSS {status.Epss}").ConfigureAwait(false);
            await c.Stdout.WriteLineAsync($"updated   {Time(status.LastUpdate)}{(status.Age is { } age ? $" ({Age(age)} ago)" : "")}").ConfigureAwait(false);
            foreach (var source in status.Sources.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                await c.Stdout.WriteLineAsync($"source    {source.Name}: {source.Records} item(s), last update {Time(source.LastUpdate)}").ConfigureAwait(false);
            }

            return Ok;
        }
        catch (VulnerabilityDatabaseException e)
        {
            return await c.FailAsync(e.MessageWithHint).ConfigureAwait(false);
        }
    }

    private static async Task<int> MatchAsync(Context c, string text, bool json, bool all)
    {
        var subject = ComponentQuery.Parse(text, ProductCatalog.Default, out string? error);
        if (subject is null)
        {
            return await c.FailAsync(error!).ConfigureAwait(false);
        }

        try
        {
            using var database = VulnerabilityDatabase.OpenRead(c.Path);
            var rows = database.Candidates(subject, allVersions: all)
                .Select(record => (Record: record, Outcome: VulnerabilityMatcher.Evaluate(record, subject, MatchPlatform.Unknown)))
                .Where(r => all || r.Outcome.Verdict != MatchVerdict.NotAffected)
                .OrderBy(r => r.Outcome.Verdict == MatchVerdict.NotAffected)
                .ThenBy(r => r.Record.Id, StringComparer.Ordinal)
                .ToList();
            if (json)
            {
                await c.Stdout.WriteAsync(MatchJson(subject, rows, database)).ConfigureAwait(false);
                return Ok;
            }

            await c.Stdout.WriteLineAsync($"{text}: {subject.Name} {subject.Version ?? "(no version)"}  cpe {subject.Cpe ?? "-"}  purl {subject.Purl ?? "-"}").ConfigureAwait(false);
            if (rows.Count == 0)
            {
                await c.Stdout.WriteLineAsync("no record applies").ConfigureAwait(false);
            }

            foreach (var (record, outcome) in rows)
            {
                var rating = Vulnerability.SeverityRating(record.Ratings);
                string kev = database.Kev(record.Id) is not null || record.Kev is not null ? "  KEV" : "";
                await c.Stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{record.Id}  {Verdict(outcome.Verdict)}  {rating?.Severity ?? "unrated"}{(rating is null ? "" : $" {rating.Score:0.0}")}{kev}  [{outcome.Method}] {outcome.Entry ?? ""}")).ConfigureAwait(false);
                if (outcome.Reason is { } reason)
                {
                    await c.Stdout.WriteLineAsync("    " + reason).ConfigureAwait(false);
                }
            }

            return Ok;
        }
        catch (VulnerabilityDatabaseException e)
        {
            return await c.FailAsync(e.MessageWithHint).ConfigureAwait(false);
        }
    }

    private static string Verdict(MatchVerdict verdict) => verdict switch
    {
        MatchVerdict.Affected => "affected",
        MatchVerdict.Undecidable => "undecidable",
        MatchVerdict.NoCpeData => "unconfirmed (no CPE data)",
        _ => "not affected",
    };

    private static string Describe(ImportCounts counts)
    {
        string text = $"{counts.Records} record(s), {counts.Kev} KEV entr{(counts.Kev == 1 ? "y" : "ies")}, {counts.Epss} EPSS score(s)";
        return counts.Skipped == 0 ? text : $"{text}; skipped {counts.Skipped} malformed (first: {string.Join("; ", counts.FirstSkipped)})";
    }

    private static string StatusLine(DatabaseStatus s) =>
        $"database {s.Path}: {s.Records} record(s), {s.CpeEntries} CPE match entries, KEV {s.Kev}, EPSS {s.Epss}";

    private static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";

    private static string Age(TimeSpan age) =>
        age.TotalDays >= 1 ? $"{(int)age.TotalDays} day(s)" : age.TotalHours >= 1 ? $"{(int)age.TotalHours} hour(s)" : $"{Math.Max(0, (int)age.TotalMinutes)} minute(s)";

    private static string StatusJson(DatabaseStatus status) => Json(w =>
    {
        w.WriteStartObject();
        DatabaseStatusJsonWriter.WriteFields(w, status);
        w.WriteEndObject();
    });

    private static string MatchJson(MatchSubject subject, List<(Core.Vulnerabilities.Records.VulnerabilityRecord Record, MatchOutcome Outcome)> rows, VulnerabilityDatabase database) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("component");
        w.WriteString("query", subject.BomRef);
        w.WriteString("name", subject.Name);
        w.WriteString("version", subject.Version);
        w.WriteString("cpe", subject.Cpe);
        w.WriteString("purl", subject.Purl);
        w.WriteEndObject();
        w.WriteStartArray("matches");
        foreach (var (record, outcome) in rows)
        {
            var rating = Vulnerability.SeverityRating(record.Ratings);
            w.WriteStartObject();
            w.WriteString("id", record.Id);
            w.WriteString("source", record.Source);
            w.WriteString("verdict", MatchVerdictNames.Of(outcome.Verdict));
            w.WriteString("severity", rating?.Severity);
            if (rating is null)
            {
                w.WriteNull("score");
            }
            else
            {
                w.WriteNumber("score", rating.Score);
            }

            w.WriteBoolean("knownExploited", database.Kev(record.Id) is not null || record.Kev is not null);
            w.WriteString("method", outcome.Method);
            w.WriteString("entry", outcome.Entry);
            w.WriteBoolean("decidable", outcome.Decidable);
            w.WriteString("reason", outcome.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" }))
        {
            write(w);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private sealed record Context(string? DbOption, TextWriter Stdout, TextWriter Stderr, CancellationToken CancellationToken)
    {
        public string Path => DbOption ?? VulnerabilityDatabase.DefaultPath();

        public async Task<int> FailAsync(string message)
        {
            await Stderr.WriteLineAsync("firmwaregate: " + message).ConfigureAwait(false);
            return FirmwareGateCommand.UsageError;
        }
    }
}
