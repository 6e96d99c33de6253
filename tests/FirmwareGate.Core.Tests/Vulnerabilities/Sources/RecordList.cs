using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

/// <summary>A sink that keeps everything in arrival order.</summary>
internal sealed class RecordList : IRecordSink
{
    public List<VulnerabilityRecord> Records { get; } = [];

    public List<KevEntry> Kev { get; } = [];

    public List<EpssScore> Epss { get; } = [];

    public int Total => Records.Count + Kev.Count + Epss.Count;

    public void Add(VulnerabilityRecord record) => Records.Add(record);

    public void AddKev(KevEntry entry) => Kev.Add(entry);

    public void AddEpss(EpssScore score) => Epss.Add(score);

    public VulnerabilityRecord Get(string id) => Records.Single(r => r.Id == id);
}
