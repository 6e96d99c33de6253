using System.Text;
using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Checks.Config;

/// <summary>
/// <c>secret.*</c>: cloud and service credentials hard-coded in scripts and configuration files
/// (<see cref="CredentialPatterns"/>). Text files up to <see cref="MaxFileBytes"/> are searched, text decided from
/// the first bytes; each anchor is found with a vectorised span search and checked in place, so the cost is linear
/// in the file. A finding names the kind of credential, the line and the name it is assigned to, never the value
/// (only the public type prefix such as <c>AKIA</c> or <c>ghp_</c>). Documented example values (AWS's
/// <c>...EXAMPLE</c> keys) are still reported, at medium, and say so.
/// </summary>
public sealed class CloudCredentialCheck : IFileAnalyzer
{
    /// <summary>Largest file searched.</summary>
    public const long MaxFileBytes = 1 << 20;

    /// <summary>Findings per file; the rest are counted in a note.</summary>
    public const int MaxFindingsPerFile = 50;

    private const int MinFileBytes = 16;

    /// <inheritdoc/>
    public string Name => "config-credentials";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.IsFile && target.Size >= MinFileBytes && target.Size <= MaxFileBytes && ConfigText.LooksLikeText(head);
    }

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        var hits = Find(file.Bytes);
        var target = file.Target;
        int reported = 0;
        foreach (var hit in hits)
        {
            if (++reported > MaxFindingsPerFile)
            {
                sink.Note(target, Name, $"{hits.Count - MaxFindingsPerFile} more credentials in this file not reported");
                break;
            }

            var pattern = hit.Pattern;
            string assigned = hit.AssignedTo is { } a ? $", assigned to {a}" : "";
            string example = hit.Example ? "; documented example value" : "";
            sink.Add(Finding.Of(target, pattern.RuleId, hit.Example ? Severity.Medium : Severity.High,
                $"{pattern.Label} hard-coded in {target.Path}, line {hit.Line}",
                $"{pattern.Label}{(hit.Prefix is { } p ? $" with prefix {p}" : "")}, {hit.Length} characters{assigned}{example}", line: hit.Line));
        }
    }

    /// <summary>The credentials in <paramref name="data"/>, by offset, at most one per rule and line.</summary>
    internal static List<CredentialHit> Find(ReadOnlySpan<byte> data)
    {
        var found = new List<(int Start, int Length, CredentialPattern Pattern)>();
        foreach (var pattern in CredentialPatterns.All)
        {
            int from = 0;
            while (from < data.Length)
            {
                int at = data[from..].IndexOf(pattern.Anchor);
                if (at < 0)
                {
                    break;
                }

                at += from;
                if (pattern.Match(data, at, out int start, out int length))
                {
                    found.Add((start, length, pattern));
                    from = start + length;
                }
                else
                {
                    from = at + 1;
                }

                if (found.Count > MaxFindingsPerFile * 4)
                {
                    break;
                }
            }
        }

        found.Sort((x, y) => x.Start != y.Start ? x.Start.CompareTo(y.Start) : string.CompareOrdinal(x.Pattern.RuleId, y.Pattern.RuleId));
        var hits = new List<CredentialHit>();
        int line = 1;
        int counted = 0;
        foreach (var (start, length, pattern) in found)
        {
            line += data[counted..start].Count((byte)'\n');
            counted = start;
            if (hits.Count > 0 && hits[^1].Line == line && hits[^1].Pattern.RuleId == pattern.RuleId)
            {
                continue;
            }

            var value = data.Slice(start, length);
            string prefix = pattern.RuleId == CredentialPatterns.AwsSecretKey ? "" : Encoding.ASCII.GetString(pattern.Anchor);
            hits.Add(new CredentialHit(pattern, line, length, prefix.Length > 0 ? prefix : null, AssignedTo(data, start), CredentialPatterns.IsDocumentedExample(value)));
        }

        return hits;
    }

    // The name a value is assigned to on its line: NAME=value, "name": "value", name: value, <Name>value.
    private static string? AssignedTo(ReadOnlySpan<byte> data, int start)
    {
        int i = start - 1;
        bool assigned = false;
        while (i >= 0 && start - i < 8 && data[i] is (byte)'"' or (byte)'\'' or (byte)' ' or (byte)'\t' or (byte)'=' or (byte)':' or (byte)'>')
        {
            assigned |= data[i] is (byte)'=' or (byte)':' or (byte)'>';
            i--;
        }

        int end = i + 1;
        while (i >= 0 && end - i <= 64 && (char.IsAsciiLetterOrDigit((char)data[i]) || data[i] is (byte)'_' or (byte)'-' or (byte)'.'))
        {
            i--;
        }

        return assigned && end - (i + 1) > 0 ? Encoding.ASCII.GetString(data[(i + 1)..end]) : null;
    }
}

/// <summary>One credential found: its kind, line and length, and never its value.</summary>
/// <param name="Pattern">What kind.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Length">Characters of the credential.</param>
/// <param name="Prefix">Its public type prefix ("AKIA", "ghp_"), or null when it has none.</param>
/// <param name="AssignedTo">The name it is assigned to on its line, or null.</param>
/// <param name="Example">True for a documented example value.</param>
internal sealed record CredentialHit(CredentialPattern Pattern, int Line, int Length, string? Prefix, string? AssignedTo, bool Example);
