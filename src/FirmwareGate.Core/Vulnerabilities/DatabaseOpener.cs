using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Vulnerabilities;

/// <summary>
/// Opens what a user passes as <c>--db</c>: a database file (read-only), or offline record files (a folder or a
/// file of NVD, CVE JSON 5, OSV, KEV or EPSS data) read into a temporary database for one run.
/// </summary>
public static class DatabaseOpener
{
    /// <summary>The one line that says how to get a database.</summary>
    public const string HowToGetOne = "no vulnerability database: run `firmwaregate db update` (or `firmwaregate db update --from PATH` for offline NVD, CVE JSON 5 or OSV files) to match CVEs";

    private static ReadOnlySpan<byte> SqliteMagic => "SQLite format 3\0"u8;

    /// <summary>
    /// Opens <paramref name="path"/>; null when <paramref name="path"/> is null and the default database does not
    /// exist. <paramref name="imported"/> says what was read when offline records were given (recorded as
    /// updated at <paramref name="now"/>, the scan time).
    /// </summary>
    /// <exception cref="VulnerabilityDatabaseException">The database cannot be used (its message and hint say why and what to run).</exception>
    /// <exception cref="VulnerabilitySourceException">Offline records cannot be read.</exception>
    public static VulnerabilityDatabase? Open(string? path, DateTimeOffset now, out ImportCounts? imported, CancellationToken ct = default)
    {
        imported = null;
        if (path is null)
        {
            string defaultPath = VulnerabilityDatabase.DefaultPath();
            return File.Exists(defaultPath) ? VulnerabilityDatabase.OpenRead(defaultPath) : null;
        }

        if (Directory.Exists(path) || (File.Exists(path) && !IsSqlite(path)))
        {
            var database = VulnerabilityDatabase.OpenInMemory();
            try
            {
                using var update = database.BeginUpdate("offline:" + path);
                imported = OfflineSources.Read(path, update, ct);
                update.Commit(now, imported);
                return database;
            }
            catch
            {
                database.Dispose();
                throw;
            }
        }

        return VulnerabilityDatabase.OpenRead(path);
    }

    /// <summary>True when the file starts with the SQLite header (an empty file is not one).</summary>
    public static bool IsSqlite(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> head = stackalloc byte[16];
            return file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(SqliteMagic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
