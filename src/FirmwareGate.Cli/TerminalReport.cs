using System.Globalization;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Cli;

/// <summary>
/// The policy part of the terminal output of <c>scan</c> and <c>gate</c>: the verdict, counts by level, the worst
/// violations and the waivers that need attention. ANSI colour only when asked (a terminal, NO_COLOR unset).
/// </summary>
internal sealed class TerminalReport(TextWriter output, bool color)
{
    /// <summary>How many violations are listed; the reports have them all.</summary>
    public const int ViolationsShown = 10;

    private const string Red = "\e[31m";
    private const string Green = "\e[32m";
    private const string Yellow = "\e[33m";
    private const string Cyan = "\e[36m";
    private const string Dim = "\e[2m";
    private const string Bold = "\e[1m";
    private const string Reset = "\e[0m";

    /// <summary>Writes the verdict block. <paramref name="informational"/>: <c>scan</c>, where the verdict does not set the exit code.</summary>
    public void Write(PolicyOutcome outcome, bool informational)
    {
        string policy = outcome.PolicyFile is { } file ? "policy " + file : "the strict default policy";
        string verdict = Paint(PolicyVerdictNames.Of(outcome.Verdict).ToUpperInvariant(), Bold + VerdictColor(outcome.Verdict));
        int failing = outcome.Failing.Count();
        string why = outcome.Verdict switch
        {
            PolicyVerdict.Incomplete => "the analysis is incomplete and " + policy + " does not accept that",
            PolicyVerdict.Fail => $"{failing} violation(s) fail {policy}",
            _ => $"nothing fails {policy}",
        };
        string label = informational ? "policy   " : "verdict  ";
        string note = informational ? "  (information only; 'firmwaregate gate' enforces it)" : "";
        output.WriteLine($"{label} {verdict}: {why}{note}");
        output.WriteLine("           " + Counts(outcome));
        WriteViolations(outcome);
        WriteWaivers(outcome);
    }

    private static string Counts(PolicyOutcome outcome)
    {
        var errors = outcome.Violations.Where(v => v.Level == PolicyLevel.Error).ToList();
        int waived = errors.Count(v => v.WaivedBy is not null);
        int baseline = errors.Count(v => v.WaivedBy is null && !v.Fails);
        var parts = new List<string> { $"{errors.Count(v => v.Fails)} failing" };
        if (waived > 0)
        {
            parts.Add($"{waived} waived");
        }

        if (baseline > 0)
        {
            parts.Add($"{baseline} in the baseline");
        }

        return $"errors {errors.Count} ({string.Join(", ", parts)}), warnings {outcome.Count(PolicyLevel.Warning)}, notes {outcome.Count(PolicyLevel.Note)}; " +
            $"waivers {outcome.Applied.Count} applied, {outcome.Expired.Count} expired, {outcome.Stale.Count} stale";
    }

    private void WriteViolations(PolicyOutcome outcome)
    {
        // The worst first: failing, then by level, unwaived before waived, then by severity, rule and place.
        var worst = outcome.Violations
            .OrderByDescending(v => v.Fails)
            .ThenByDescending(v => v.Level)
            .ThenBy(v => v.WaivedBy is not null)
            .ThenByDescending(v => v.Severity ?? (Severity)(-1))
            .ThenBy(v => v.RuleId, StringComparer.Ordinal)
            .ThenBy(v => v.Location, StringComparer.Ordinal)
            .ThenBy(v => v.Fingerprint, StringComparer.Ordinal)
            .Take(ViolationsShown)
            .ToList();
        foreach (var v in worst)
        {
            string tag = v.WaivedBy is not null ? "waived" : v.Level == PolicyLevel.Error && !v.Fails ? "baseline" : PolicyLevelNames.Of(v.Level);
            string where = EntryName.Display(v.Path ?? v.Location);
            string rule = v.PolicyRule + (v.PolicyPosition is { } p ? string.Create(CultureInfo.InvariantCulture, $" line {p.Line}") : "");
            string waiver = v.WaivedBy is { } w ? $", waived by {w.Id} until {Date(w.Expires)}" : "";
            output.WriteLine($"  {Paint($"{tag,-8}", TagColor(v, tag))} {v.RuleId,-32} {where}  {v.Message}  {Paint($"[{rule}{waiver}]", Dim)}");
        }

        if (outcome.Violations.Count > worst.Count)
        {
            output.WriteLine($"  ... and {outcome.Violations.Count - worst.Count} more (--json, --markdown or --html for all)");
        }
    }

    private void WriteWaivers(PolicyOutcome outcome)
    {
        foreach (var w in outcome.Expired)
        {
            output.WriteLine($"  {Paint("expired ", Yellow)} {w.Id,-32} {Covers(w)}  expired {Date(w.Expires)}, waives nothing (owner {w.Owner}: {w.Reason}){Line(w)}");
        }

        foreach (var w in outcome.Stale)
        {
            output.WriteLine($"  {Paint("stale   ", Cyan)} {w.Id,-32} {Covers(w)}  matches nothing (owner {w.Owner}, until {Date(w.Expires)}){Line(w)}");
        }
    }

    private static string Covers(Waiver w)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{name} {value}");
            }
        }

        Add("cve", w.Cve);
        Add("rule", w.Rule);
        Add("path", w.Path);
        Add("component", w.Component);
        return parts.Count == 0 ? "(covers nothing)" : string.Join(", ", parts);
    }

    private static string Line(Waiver w) => w.Position is { } p ? string.Create(CultureInfo.InvariantCulture, $" [line {p.Line}]") : "";

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string VerdictColor(PolicyVerdict verdict) => verdict switch
    {
        PolicyVerdict.Pass => Green,
        PolicyVerdict.Fail => Red,
        _ => Yellow,
    };

    private static string TagColor(Violation v, string tag) => tag switch
    {
        "waived" or "baseline" => Dim,
        _ => v.Level switch
        {
            PolicyLevel.Error => Red,
            PolicyLevel.Warning => Yellow,
            _ => Cyan,
        },
    };

    private string Paint(string text, string style) => color ? style + text + Reset : text;
}
