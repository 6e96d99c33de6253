using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Vulnerabilities.Nvd;

/// <summary>What an update writes to: the database, through <see cref="DatabaseUpdateStore"/>.</summary>
internal interface IUpdateStore
{
    /// <summary>A stored state value, null when unset.</summary>
    string? GetState(string key);

    /// <summary>One transaction of writes from <paramref name="source"/>.</summary>
    IUpdateTransaction BeginUpdate(string source);
}

/// <summary>One transaction: records and state together, all or nothing.</summary>
internal interface IUpdateTransaction : IRecordSink, IDisposable
{
    /// <summary>Sets (null: removes) a state value.</summary>
    void SetState(string key, string? value);

    /// <summary>Commits; disposing without it rolls back.</summary>
    void Commit(DateTimeOffset updatedAt, ImportCounts counts);
}

/// <summary>The database as an <see cref="IUpdateStore"/>.</summary>
internal sealed class DatabaseUpdateStore(VulnerabilityDatabase database) : IUpdateStore
{
    public string? GetState(string key) => database.GetState(key);

    public IUpdateTransaction BeginUpdate(string source) => new Transaction(database.BeginUpdate(source));

    private sealed class Transaction(DatabaseUpdate update) : IUpdateTransaction
    {
        public void Add(Records.VulnerabilityRecord record) => update.Add(record);

        public void AddKev(Records.KevEntry entry) => update.AddKev(entry);

        public void AddEpss(Records.EpssScore score) => update.AddEpss(score);

        public void SetState(string key, string? value) => update.SetState(key, value);

        public void Commit(DateTimeOffset updatedAt, ImportCounts counts) => update.Commit(updatedAt, counts);

        public void Dispose() => update.Dispose();
    }
}
