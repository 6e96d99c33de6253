using FirmwareGate.Core.Vulnerabilities;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Nvd;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Action;

/// <summary>
/// <c>database: update</c>: builds or refreshes the workspace's database from the NVD CVE API 2.0 (incremental
/// when a cached copy was restored), then the CISA KEV catalogue and EPSS scores. <c>NVD_API_KEY</c> raises
/// NVD's rate limit; <c>FIRMWAREGATE_NVD_URL</c>, <c>FIRMWAREGATE_KEV_URL</c> and <c>FIRMWAREGATE_EPSS_URL</c> name
/// mirrors (<c>none</c> skips a feed).
/// </summary>
internal static class DatabaseUpdate
{
    /// <summary>True when the database was updated; on failure a warning says why and what is kept.</summary>
    public static async Task<bool> RunAsync(string path, ActionEnvironment environment, WorkflowCommands log, CancellationToken cancellationToken)
    {
        log.Group("Update the vulnerability database");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new NvdApiOptions { ApiKey = environment.Variable("NVD_API_KEY") };
            if (environment.Variable("FIRMWAREGATE_NVD_URL") is { } nvd)
            {
                if (!Uri.TryCreate(nvd, UriKind.Absolute, out var uri))
                {
                    log.Warning($"FIRMWAREGATE_NVD_URL '{nvd}' is not an absolute URL; the database is not updated");
                    return false;
                }

                options = options with { BaseUri = uri };
            }

            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            using var database = VulnerabilityDatabase.OpenWrite(path, rebuild: false);
            var counts = await new NvdUpdater(http, options, TimeProvider.System).RunAsync(database, new LineProgress(log), cancellationToken).ConfigureAwait(false);
            log.Line($"NVD API ({options.BaseUri}): {counts.Records} record(s)");
            var feeds = new FeedDownloader(http, new FeedOptions(), TimeProvider.System);
            foreach (var (kind, variable) in new[] { (FeedKind.Kev, "FIRMWAREGATE_KEV_URL"), (FeedKind.Epss, "FIRMWAREGATE_EPSS_URL") })
            {
                string location = environment.Variable(variable) ?? FeedDownloader.DefaultUrl(kind).ToString();
                if (location != "none")
                {
                    var imported = await feeds.ImportAsync(database, kind, location, new LineProgress(log), cancellationToken).ConfigureAwait(false);
                    log.Line($"{FeedDownloader.SourceName(kind)} ({location}): {imported.Kev} KEV entries, {imported.Epss} EPSS scores");
                }
            }

            return true;
        }
        catch (Exception e) when (e is VulnerabilityDatabaseException or VulnerabilitySourceException or VulnerabilityDownloadException or HttpRequestException or IOException or UnauthorizedAccessException)
        {
            string why = e is VulnerabilityDatabaseException d ? d.MessageWithHint : e.Message;
            log.Warning($"vulnerability database update failed: {why.TrimEnd('.')}. {(File.Exists(path) ? "The gate uses what earlier updates committed." : "No database: the policy's database rules decide.")}");
            return false;
        }
        finally
        {
            log.EndGroup();
        }
    }

    private sealed class LineProgress(WorkflowCommands log) : IProgress<UpdateProgress>
    {
        private readonly LogProgress _lines = new(log);

        public void Report(UpdateProgress value) => _lines.Report(value.Message);
    }
}
