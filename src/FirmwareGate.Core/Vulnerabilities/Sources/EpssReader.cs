using System.Globalization;
using System.Text;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>
/// Reads FIRST EPSS scores (<c>epss_scores-YYYY-MM-DD.csv</c>, usually gzip): a first line
/// <c>#model_version:v2025.03.14,score_date:2025-08-25T12:55:00+0000</c>, the header <c>cve,epss,percentile</c>,
/// then one CVE per line.
/// </summary>
public static class EpssReader
{
    /// <summary>Longest line accepted; a real line is about 40 bytes.</summary>
    private const int MaxLine = 4096;

    /// <summary>Reads the scores into <paramref name="sink"/>; a malformed line is skipped and counted. Throws <see cref="VulnerabilitySourceException"/> when there is no EPSS header.</summary>
    public static void Read(ReadOnlySpan<byte> csv, string name, IRecordSink sink, ImportCounts counts)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(counts);
        csv = JsonValues.WithoutBom(csv);
        string? date = null;
        var sawHeader = false;
        var lineNumber = 0;
        while (!csv.IsEmpty)
        {
            var end = csv.IndexOf((byte)'\n');
            var line = end < 0 ? csv : csv[..end];
            csv = end < 0 ? [] : csv[(end + 1)..];
            lineNumber++;
            line = line.TrimEnd("\r "u8);
            if (line.IsEmpty)
            {
                continue;
            }

            if (line[0] == (byte)'#')
            {
                date ??= ScoreDate(line);
                continue;
            }

            if (!sawHeader)
            {
                if (!Ascii.EqualsIgnoreCase(line, "cve,epss,percentile"u8))
                {
                    throw new VulnerabilitySourceException($"{name}: not an EPSS file (line {lineNumber} is not the header cve,epss,percentile)");
                }

                sawHeader = true;
                continue;
            }

            ReadLine(line, name, lineNumber, date, sink, counts);
        }

        if (!sawHeader)
        {
            throw new VulnerabilitySourceException($"{name}: not an EPSS file (no header cve,epss,percentile)");
        }
    }

    private static void ReadLine(ReadOnlySpan<byte> line, string name, int lineNumber, string? date, IRecordSink sink, ImportCounts counts)
    {
        var first = line.IndexOf((byte)',');
        var second = first < 0 ? -1 : line[(first + 1)..].IndexOf((byte)',');
        if (line.Length > MaxLine || second < 0 || line[(first + second + 2)..].Contains((byte)','))
        {
            counts.Skip($"{name}:{lineNumber}", "not three fields");
            return;
        }

        var idField = line[..first];
        var scoreField = line.Slice(first + 1, second);
        var percentileField = line[(first + second + 2)..];
        var id = idField.Trim(" "u8);
        if (id.Length is < 9 or > 32 || !Ascii.EqualsIgnoreCase(id[..4], "CVE-"u8) || !Ascii.IsValid(id))
        {
            counts.Skip($"{name}:{lineNumber}", "no CVE id");
            return;
        }

        if (!Probability(scoreField, out var score) || !Probability(percentileField, out var percentile))
        {
            counts.Skip(Encoding.ASCII.GetString(id).ToUpperInvariant(), "score or percentile is not a number from 0 to 1");
            return;
        }

        sink.AddEpss(new EpssScore(Encoding.ASCII.GetString(id).ToUpperInvariant(), score, percentile, date));
        counts.Epss++;
    }

    private static bool Probability(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(text.Trim(" "u8), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value is >= 0 and <= 1;

    /// <summary>The <c>yyyy-MM-dd</c> of <c>score_date:</c> in the comment line, null when absent or not a date.</summary>
    private static string? ScoreDate(ReadOnlySpan<byte> line)
    {
        var at = line.IndexOf("score_date:"u8);
        if (at < 0)
        {
            return null;
        }

        var value = line[(at + "score_date:"u8.Length)..];
        if (value.Length < 10 || !Ascii.IsValid(value[..10]))
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(value[..10]);
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? text : null;
    }
}
