using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Sources;
using Microsoft.Data.Sqlite;

namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>
/// One transaction of writes: records, KEV, EPSS and state together, all or nothing. Commands are prepared once
/// and reused, so a bulk import is one pass of inserts; disposing without <see cref="Commit"/> rolls everything back.
/// </summary>
public sealed class DatabaseUpdate : IRecordSink, IDisposable
{
    private readonly VulnerabilityDatabase _database;
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly string _source;
    private readonly List<SqliteCommand> _commands = [];
    private readonly SqliteCommand _findRecord;
    private readonly SqliteCommand _insertRecord;
    private readonly SqliteCommand _updateRecord;
    private readonly SqliteCommand _deleteCpe;
    private readonly SqliteCommand _deletePackages;
    private readonly SqliteCommand _deleteDescription;
    private readonly SqliteCommand _insertCpe;
    private readonly SqliteCommand _insertPackage;
    private readonly SqliteCommand _insertDescription;
    private readonly SqliteCommand _upsertKev;
    private readonly SqliteCommand _upsertEpss;
    private readonly SqliteCommand _setState;
    private readonly SqliteCommand _removeState;
    private bool _committed;
    private bool _disposed;

    internal DatabaseUpdate(VulnerabilityDatabase database, SqliteConnection connection, string source, bool clearFirst)
    {
        _database = database;
        _connection = connection;
        _source = source;
        _transaction = connection.BeginTransaction(deferred: false);
        if (clearFirst)
        {
            DatabaseSchema.Clear(connection, _transaction);
        }

        _findRecord = Prepare("SELECT rowid, last_modified FROM records WHERE id = $id AND source = $source;", "$id", "$source");
        _insertRecord = Prepare(
            "INSERT INTO records(id, source, status, published, last_modified, indexed, body) VALUES($id, $source, $status, $published, $modified, $indexed, $body) RETURNING rowid;",
            "$id", "$source", "$status", "$published", "$modified", "$indexed", "$body");
        _updateRecord = Prepare(
            "UPDATE records SET status = $status, published = $published, last_modified = $modified, indexed = $indexed, body = $body WHERE rowid = $rowid;",
            "$status", "$published", "$modified", "$indexed", "$body", "$rowid");
        _deleteCpe = Prepare("DELETE FROM cpe_entries WHERE record = $rowid;", "$rowid");
        _deletePackages = Prepare("DELETE FROM package_entries WHERE record = $rowid;", "$rowid");
        _deleteDescription = Prepare("DELETE FROM descriptions WHERE rowid = $rowid;", "$rowid");
        _insertCpe = Prepare(
            "INSERT INTO cpe_entries(record, seq, vulnerable, part, vendor, product, version, update_field, start_incl, start_excl, end_incl, end_excl) VALUES($record, $seq, $vulnerable, $part, $vendor, $product, $version, $update, $si, $se, $ei, $ee);",
            "$record", "$seq", "$vulnerable", "$part", "$vendor", "$product", "$version", "$update", "$si", "$se", "$ei", "$ee");
        _insertPackage = Prepare("INSERT INTO package_entries(record, ecosystem, name, purl) VALUES($record, $ecosystem, $name, $purl);", "$record", "$ecosystem", "$name", "$purl");
        _insertDescription = Prepare("INSERT INTO descriptions(rowid, text) VALUES($rowid, $text);", "$rowid", "$text");
        _upsertKev = Prepare(
            "INSERT OR REPLACE INTO kev(cve_id, name, vendor_project, product, date_added, due_date, required_action, ransomware) VALUES($id, $name, $vendor, $product, $added, $due, $action, $ransomware);",
            "$id", "$name", "$vendor", "$product", "$added", "$due", "$action", "$ransomware");
        _upsertEpss = Prepare("INSERT OR REPLACE INTO epss(cve_id, score, percentile, date) VALUES($id, $score, $percentile, $date);", "$id", "$score", "$percentile", "$date");
        _setState = Prepare("INSERT OR REPLACE INTO state(key, value) VALUES($key, $value);", "$key", "$value");
        _removeState = Prepare("DELETE FROM state WHERE key = $key;", "$key");
    }

    /// <summary>The source this update writes for (<c>nvd-api</c>, <c>offline:PATH</c>, <c>kev</c>, <c>epss</c>).</summary>
    public string Source => _source;

    /// <summary>The open transaction, for reads on the same connection while it runs.</summary>
    internal SqliteTransaction Transaction => _transaction;

    /// <summary>
    /// Adds a record, or replaces the stored one with the same id and source unless the stored one is newer (a later
    /// <see cref="VulnerabilityRecord.LastModified"/>; a record without one never replaces one that has it).
    /// </summary>
    public void Add(VulnerabilityRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfDone();
        Guarded(() => AddRecord(record));
    }

    private void AddRecord(VulnerabilityRecord record)
    {
        var modified = DatabaseValues.Timestamp(record.LastModified);
        var existing = FindRecord(record.Id, record.Source, out var storedModified);
        if (existing is not null && StoredIsNewer(storedModified, modified))
        {
            return;
        }

        var body = RecordCodec.Encode(record);
        var indexed = HasIndexEntries(record);
        var rowid = existing is { } stored ? Replace(stored, record, modified, indexed, body) : Insert(record, modified, indexed, body);
        WriteIndexEntries(rowid, record, indexed);
    }

    /// <inheritdoc/>
    public void AddKev(KevEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ThrowIfDone();
        Guarded(() => Run(_upsertKev, entry.CveId.ToUpperInvariant(), entry.Name, entry.VendorProject, entry.Product, entry.DateAdded, entry.DueDate, entry.RequiredAction, entry.KnownRansomwareCampaignUse));
    }

    /// <inheritdoc/>
    public void AddEpss(EpssScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        ThrowIfDone();
        Guarded(() => Run(_upsertEpss, score.CveId.ToUpperInvariant(), score.Score, score.Percentile, score.Date));
    }

    /// <summary>Sets an update-state value in this transaction (null removes it).</summary>
    public void SetState(string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDone();
        Guarded(() =>
        {
            if (value is null)
            {
                Run(_removeState, key);
            }
            else
            {
                Run(_setState, key, value);
            }
        });
    }

    /// <summary>Commits, recording the source's last update time and counts.</summary>
    public void Commit(DateTimeOffset updatedAt, ImportCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ThrowIfDone();
        Guarded(() => CommitTransaction(updatedAt, counts));
        _committed = true;
        _database.UpdateEnded(this, committed: true);
    }

    private void CommitTransaction(DateTimeOffset updatedAt, ImportCounts counts)
    {
        using (var command = _connection.CreateCommand())
        {
            command.Transaction = _transaction;
            command.CommandText = """
                INSERT INTO sources(name, total, last_update, last_records, last_kev, last_epss, last_skipped)
                VALUES($name, $total, $updated, $records, $kev, $epss, $skipped)
                ON CONFLICT(name) DO UPDATE SET total = total + excluded.total, last_update = excluded.last_update,
                  last_records = excluded.last_records, last_kev = excluded.last_kev, last_epss = excluded.last_epss, last_skipped = excluded.last_skipped;
                """;
            command.Parameters.AddWithValue("$name", _source);
            command.Parameters.AddWithValue("$total", counts.Records + counts.Kev + counts.Epss);
            command.Parameters.AddWithValue("$updated", DatabaseValues.Timestamp(updatedAt));
            command.Parameters.AddWithValue("$records", counts.Records);
            command.Parameters.AddWithValue("$kev", counts.Kev);
            command.Parameters.AddWithValue("$epss", counts.Epss);
            command.Parameters.AddWithValue("$skipped", counts.Skipped);
            command.ExecuteNonQuery();
        }

        _transaction.Commit();
    }

    /// <summary>Rolls back unless committed.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var command in _commands)
        {
            command.Dispose();
        }

        if (!_committed)
        {
            _transaction.Rollback();
            _database.UpdateEnded(this, committed: false);
        }

        _transaction.Dispose();
    }

    private static bool StoredIsNewer(string? stored, string? incoming) =>
        stored is not null && (incoming is null || string.CompareOrdinal(stored, incoming) > 0);

    private static bool HasIndexEntries(VulnerabilityRecord record)
    {
        foreach (var configuration in record.Configurations)
        {
            foreach (var node in configuration.Nodes)
            {
                foreach (var match in node.Matches)
                {
                    if (CpeFields.TryParse(match.Criteria) is not null)
                    {
                        return true;
                    }
                }
            }
        }

        return record.Packages.Any(p => !string.IsNullOrWhiteSpace(p.Name) || p.Purl is not null);
    }

    private long? FindRecord(string id, string source, out string? lastModified)
    {
        Bind(_findRecord, id, source);
        using var reader = _findRecord.ExecuteReader();
        if (!reader.Read())
        {
            lastModified = null;
            return null;
        }

        lastModified = reader.IsDBNull(1) ? null : reader.GetString(1);
        return reader.GetInt64(0);
    }

    private long Insert(VulnerabilityRecord record, string? modified, bool indexed, byte[] body)
    {
        Bind(_insertRecord, record.Id, record.Source, record.Status, DatabaseValues.Timestamp(record.Published), modified, indexed ? 1 : 0, body);
        return (long)_insertRecord.ExecuteScalar()!; // RETURNING rowid always yields one row for an insert
    }

    private long Replace(long rowid, VulnerabilityRecord record, string? modified, bool indexed, byte[] body)
    {
        Run(_updateRecord, record.Status, DatabaseValues.Timestamp(record.Published), modified, indexed ? 1 : 0, body, rowid);
        Run(_deleteCpe, rowid);
        Run(_deletePackages, rowid);
        Run(_deleteDescription, rowid);
        return rowid;
    }

    private void WriteIndexEntries(long rowid, VulnerabilityRecord record, bool indexed)
    {
        var seq = 0;
        foreach (var configuration in record.Configurations)
        {
            foreach (var node in configuration.Nodes)
            {
                foreach (var match in node.Matches)
                {
                    if (CpeFields.TryParse(match.Criteria) is { } cpe)
                    {
                        Run(_insertCpe, rowid, seq++, match.Vulnerable ? 1 : 0, cpe.Part, cpe.Vendor, cpe.Product, cpe.Version, cpe.Update,
                            match.VersionStartIncluding, match.VersionStartExcluding, match.VersionEndIncluding, match.VersionEndExcluding);
                    }
                }
            }
        }

        foreach (var package in record.Packages)
        {
            var purl = PurlParts.TryParse(package.Purl);
            var name = package.Name.Trim().ToLowerInvariant();
            Run(_insertPackage, rowid, package.Ecosystem, name.Length > 0 ? name : purl?.Name ?? string.Empty, purl?.Base);
        }

        if (!indexed && !string.IsNullOrWhiteSpace(record.Description))
        {
            Run(_insertDescription, rowid, record.Description);
        }
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        _commands.Add(command);
        return command;
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        Bind(command, values);
        command.ExecuteNonQuery();
    }

    private void Guarded(Action write)
    {
        try
        {
            write();
        }
        catch (SqliteException e)
        {
            throw VulnerabilityDatabaseException.Unusable(_database.Path, $"cannot be written ({e.Message.TrimEnd('.')})", DatabaseSchema.RebuildHint);
        }
    }

    private void ThrowIfDone()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException("This update is already committed; begin another one.");
        }
    }
}
