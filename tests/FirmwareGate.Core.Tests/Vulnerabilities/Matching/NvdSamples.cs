using System.Text.Json;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Matching;

/// <summary>The real NVD records the repository ships in samples/vulndb/nvd/, parsed once.</summary>
internal static class NvdSamples
{
    private static readonly Lazy<IReadOnlyDictionary<string, VulnerabilityRecord>> All = new(LoadAll);

    public static string Folder => Path.Combine(TestPaths.RepoRoot, "samples", "vulndb", "nvd");

    public static IReadOnlyDictionary<string, VulnerabilityRecord> Records => All.Value;

    public static VulnerabilityRecord Get(string id) => All.Value[id];

    private static Dictionary<string, VulnerabilityRecord> LoadAll()
    {
        var records = new Dictionary<string, VulnerabilityRecord>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(file));
            VulnerabilityRecord record = NvdCveParser.Parse(doc.RootElement, out string? error)
                ?? throw new InvalidOperationException($"{file}: {error}");
            records.Add(record.Id, record);
        }

        return records;
    }
}
