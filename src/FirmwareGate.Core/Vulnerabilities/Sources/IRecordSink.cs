using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>Where readers put what they read: a database update, or a list in tests.</summary>
public interface IRecordSink
{
    /// <summary>Adds or replaces a record (same <see cref="VulnerabilityRecord.Id"/> and source: the newer replaces).</summary>
    void Add(VulnerabilityRecord record);

    /// <summary>Adds or replaces a KEV entry.</summary>
    void AddKev(KevEntry entry);

    /// <summary>Adds or replaces an EPSS score.</summary>
    void AddEpss(EpssScore score);
}

/// <summary>What one import read: counts, and the first few records it had to skip.</summary>
public sealed class ImportCounts
{
    /// <summary>How many skipped ids are kept.</summary>
    public const int KeepSkipped = 5;

    private readonly List<string> _firstSkipped = [];

    /// <summary>Records read.</summary>
    public long Records { get; set; }

    /// <summary>KEV entries read.</summary>
    public long Kev { get; set; }

    /// <summary>EPSS scores read.</summary>
    public long Epss { get; set; }

    /// <summary>Malformed records skipped.</summary>
    public long Skipped { get; private set; }

    /// <summary>The first skipped records: id (or file and position) and why.</summary>
    public IReadOnlyList<string> FirstSkipped => _firstSkipped;

    /// <summary>Counts a skipped record; keeps the first <see cref="KeepSkipped"/>.</summary>
    public void Skip(string what, string why)
    {
        Skipped++;
        if (_firstSkipped.Count < KeepSkipped)
        {
            _firstSkipped.Add($"{what}: {why}");
        }
    }

    /// <summary>Adds another import's counts to these.</summary>
    public void Add(ImportCounts other)
    {
        Records += other.Records;
        Kev += other.Kev;
        Epss += other.Epss;
        Skipped += other.Skipped;
        foreach (var s in other.FirstSkipped)
        {
            if (_firstSkipped.Count < KeepSkipped)
            {
                _firstSkipped.Add(s);
            }
        }
    }
}
