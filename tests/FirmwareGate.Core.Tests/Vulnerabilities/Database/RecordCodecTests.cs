using System.Text.Json;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Database;

/// <summary>The stored record encoding: every real NVD record comes back field for field, and damaged bodies fail as invalid data.</summary>
public sealed class RecordCodecTests
{
    public static TheoryData<string> Records() => [.. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "samples", "vulndb", "nvd"), "*.json").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Records))]
    public void Real_records_round_trip(string file)
    {
        var record = Parse(file);
        var decoded = RecordCodec.Decode(RecordCodec.Encode(record));
        // Records compare by value except their lists: compare the lists' contents as JSON.
        Assert.Equal(Json(record), Json(decoded));
        Assert.Equal(record.Configurations.Sum(c => c.Nodes.Sum(n => n.Matches.Count)), decoded.Configurations.Sum(c => c.Nodes.Sum(n => n.Matches.Count)));
    }

    [Fact]
    public void Truncated_and_foreign_bodies_are_invalid_data()
    {
        var body = RecordCodec.Encode(Parse("CVE-2023-45853.json"));
        for (int length = 0; length < body.Length; length += Math.Max(1, body.Length / 97))
        {
            Assert.Throws<InvalidDataException>(() => RecordCodec.Decode(body[..length]));
        }

        Assert.Throws<InvalidDataException>(() => RecordCodec.Decode("{\"id\":\"CVE-1\"}"u8.ToArray()));
    }

    private static VulnerabilityRecord Parse(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "samples", "vulndb", "nvd", file)));
        return NvdCveParser.Parse(doc.RootElement, out string? error) ?? throw new InvalidOperationException(error);
    }

    private static string Json(VulnerabilityRecord r) => JsonSerializer.Serialize(new object[]
    {
        r.Id, r.Source, r.Status ?? "", r.Description ?? "", r.Published?.UtcTicks ?? 0, r.LastModified?.UtcTicks ?? 0,
        r.Ratings.Select(x => x.ToString()).ToArray(), r.Cwes.ToArray(), r.References.ToArray(), r.Aliases.ToArray(),
        r.Configurations.Select(c => new object[] { c.Operator.ToString(), c.Negate, c.Nodes.Select(n => new object[] { n.Operator.ToString(), n.Negate, n.Matches.Select(m => m.ToString()).ToArray() }).ToArray() }).ToArray(),
        r.Packages.Select(p => $"{p.Ecosystem}|{p.Name}|{p.Vendor}|{p.Purl}|{p.DefaultStatus}|{string.Join(",", p.Versions)}|{string.Join(";", p.Ranges.Select(g => g.Type + ":" + string.Join(",", g.Events)))}").ToArray(), r.Kev?.ToString() ?? "",
    });
}
