using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>The database layout, its version and the checks that tell a FirmwareGate database from any other file.</summary>
internal static class DatabaseSchema
{
    /// <summary><c>PRAGMA application_id</c>: "FGVD" (header offset 68), so a foreign SQLite file is recognised as foreign.</summary>
    public const int ApplicationId = 0x46475644;

    /// <summary><c>PRAGMA user_version</c> of this layout; bump on any change (older files are rebuilt, newer ones refused).</summary>
    public const int Version = 2;

    public const string RebuildHint = "firmwaregate db update --rebuild";

    public const string CreateHint = "firmwaregate db update";

    // Only records without CPE and package data go into the description index. CPE entries are clustered by product
    // (WITHOUT ROWID), so one product's vulnerable entries are one range scan, and keep what the conservative version
    // prefilter needs (the CPE version and update fields and the four bounds) without a second lookup.
    private const string CreateSql = """
        CREATE TABLE records(
          rowid INTEGER PRIMARY KEY,
          id TEXT NOT NULL,
          source TEXT NOT NULL,
          status TEXT,
          published TEXT,
          last_modified TEXT,
          indexed INTEGER NOT NULL,
          body BLOB NOT NULL,
          UNIQUE(id, source));
        CREATE TABLE cpe_entries(
          product TEXT NOT NULL,
          vulnerable INTEGER NOT NULL,
          vendor TEXT NOT NULL,
          record INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          part TEXT NOT NULL,
          version TEXT NOT NULL,
          update_field TEXT NOT NULL,
          start_incl TEXT,
          start_excl TEXT,
          end_incl TEXT,
          end_excl TEXT,
          PRIMARY KEY(product, vulnerable, vendor, record, seq)) WITHOUT ROWID;
        CREATE INDEX cpe_entries_record ON cpe_entries(record);
        CREATE TABLE package_entries(
          record INTEGER NOT NULL,
          ecosystem TEXT,
          name TEXT NOT NULL,
          purl TEXT);
        CREATE INDEX package_entries_name ON package_entries(name);
        CREATE INDEX package_entries_purl ON package_entries(purl);
        CREATE INDEX package_entries_record ON package_entries(record);
        CREATE VIRTUAL TABLE descriptions USING fts5(text, tokenize = 'unicode61');
        CREATE TABLE kev(
          cve_id TEXT PRIMARY KEY,
          name TEXT, vendor_project TEXT, product TEXT, date_added TEXT, due_date TEXT, required_action TEXT, ransomware TEXT);
        CREATE TABLE epss(cve_id TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL, date TEXT);
        CREATE TABLE sources(
          name TEXT PRIMARY KEY,
          total INTEGER NOT NULL,
          last_update TEXT NOT NULL,
          last_records INTEGER NOT NULL, last_kev INTEGER NOT NULL, last_epss INTEGER NOT NULL, last_skipped INTEGER NOT NULL);
        CREATE TABLE state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """;

    private static readonly string[] DataTables = ["records", "cpe_entries", "package_entries", "descriptions", "kev", "epss", "sources", "state"];

    /// <summary>Creates the tables in an empty database and stamps it as ours.</summary>
    public static void Create(SqliteConnection connection, SqliteTransaction transaction)
    {
        Execute(connection, transaction, CreateSql);
        Execute(connection, transaction, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {Version};");
    }

    /// <summary>Empties every table (a rebuild that keeps the file, so readers are never left without one).</summary>
    public static void Clear(SqliteConnection connection, SqliteTransaction transaction)
    {
        foreach (var table in DataTables)
        {
            Execute(connection, transaction, $"DELETE FROM {table};");
        }
    }

    /// <summary>What an SQLite file holds: ours (at which version), empty, or foreign.</summary>
    public static FileKind Inspect(SqliteConnection connection, out int version)
    {
        var applicationId = Convert.ToInt64(Scalar(connection, "PRAGMA application_id;"), CultureInfo.InvariantCulture);
        version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (applicationId == ApplicationId)
        {
            return FileKind.Ours;
        }

        var objects = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_schema;"), CultureInfo.InvariantCulture);
        return applicationId == 0 && objects == 0 ? FileKind.Empty : FileKind.Foreign;
    }

    /// <summary>The names of the tables of a foreign file, for the message (first few, sorted).</summary>
    public static string ForeignTables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 5;";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names.Count == 0 ? "no tables" : "tables " + string.Join(", ", names);
    }

    /// <summary>
    /// Checks the 100-byte SQLite header before SQLite sees the file: the magic, and whether the file is shorter than
    /// the page count the header claims (a truncated copy). Null when it looks whole, else what is wrong.
    /// </summary>
    public static string? CheckHeader(string path)
    {
        // SQLite file format, section 1.3: "SQLite format 3\0" at 0, page size (BE u16, 1 = 65536) at 16, file
        // change counter at 24, database size in pages at 28 (valid when "version-valid-for" at 92 equals 24).
        ReadOnlySpan<byte> magic = "SQLite format 3\0"u8;
        Span<byte> header = stackalloc byte[100];
        long length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            length = stream.Length;
            if (length == 0)
            {
                return null;
            }

            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header[..16].SequenceEqual(magic))
            {
                return "is not an SQLite database";
            }
        }

        var pageSize = BinaryPrimitives.ReadUInt16BigEndian(header[16..]) is var p && p == 1 ? 65536 : p;
        var pages = BinaryPrimitives.ReadUInt32BigEndian(header[28..]);
        var countValid = BinaryPrimitives.ReadUInt32BigEndian(header[24..]) == BinaryPrimitives.ReadUInt32BigEndian(header[92..]);
        var expected = (long)pageSize * pages;
        var walPresent = File.Exists(path + "-wal");
        return countValid && pageSize >= 512 && !walPresent && length < expected
            ? string.Create(CultureInfo.InvariantCulture, $"is truncated: its header says {expected} bytes, the file has {length}")
            : null;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>What an SQLite file is to us.</summary>
internal enum FileKind
{
    /// <summary>No tables, no application id: a fresh file.</summary>
    Empty,

    /// <summary>A FirmwareGate vulnerability database.</summary>
    Ours,

    /// <summary>Some other application's SQLite file.</summary>
    Foreign,
}
