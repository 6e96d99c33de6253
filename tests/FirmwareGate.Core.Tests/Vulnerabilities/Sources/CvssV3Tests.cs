using System.Text.Json;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

public sealed class CvssV3Tests
{
    /// <summary>Every CVSS v3.x vector and base score NVD published in the shipped records and the API page.</summary>
    public static TheoryData<string, double> NvdScores()
    {
        var data = new TheoryData<string, double>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = Directory.GetFiles(SourceFiles.NvdFolder, "*.json").Append(SourceFiles.ApiPage);
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            Collect(doc.RootElement, data, seen);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NvdScores))]
    public void Base_score_agrees_with_nvd(string vector, double score) => Assert.Equal(score, CvssV3.BaseScore(vector));

    [Fact]
    public void Nvd_records_hold_enough_distinct_vectors_to_test() => Assert.True(NvdScores().Count >= 8, $"{NvdScores().Count} vectors");

    // Scores from the FIRST CVSS v3.1 calculator (https://www.first.org/cvss/calculator/3.1) and specification examples.
    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0)]
    [InlineData("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0)]
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C", 9.8)]
    public void Base_score_of_known_vectors(string vector, double score) => Assert.Equal(score, CvssV3.BaseScore(vector));

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X")]
    [InlineData("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]
    [InlineData("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P")]
    [InlineData("AV:N/AC:L/Au:N/C:P/I:P/A:P")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:HH")]
    [InlineData("")]
    public void Incomplete_or_foreign_vectors_have_no_score(string vector) => Assert.Null(CvssV3.BaseScore(vector));

    private static void Collect(JsonElement e, TheoryData<string, double> data, HashSet<string> seen)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty("vectorString", out var v) && v.GetString() is { } vector && vector.StartsWith("CVSS:3", StringComparison.Ordinal)
                && e.TryGetProperty("baseScore", out var s) && seen.Add(vector))
            {
                data.Add(vector, s.GetDouble());
            }

            foreach (var p in e.EnumerateObject())
            {
                Collect(p.Value, data, seen);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                Collect(item, data, seen);
            }
        }
    }
}
