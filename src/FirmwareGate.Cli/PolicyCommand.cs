using System.CommandLine;
using System.Globalization;
using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Cli;

/// <summary><c>firmwaregate policy init | check | diff</c>: write, validate and review policy files.</summary>
internal static class PolicyCommand
{
    /// <summary>What <c>policy init</c> writes when no file is named.</summary>
    public const string DefaultFile = "firmware-policy.yml";

    public static Command Create(CliOutput output)
    {
        var initFile = new Argument<string>("FILE") { Description = $"Where to write the starter policy ('-' for standard output).", DefaultValueFactory = _ => DefaultFile };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var init = new Command("init", "Write a commented starter policy.") { initFile, force };
        init.SetAction((parse, ct) => InitAsync(output, parse.GetRequiredValue(initFile), parse.GetValue(force), ct));

        var now = new Option<string?>("--now") { Description = "The time waivers expire against (ISO 8601); default: the clock.", HelpName = "TIME" };
        var checkFile = new Argument<string>("FILE") { Description = "The policy file." };
        var check = new Command("check", "Validate a policy file (schema, rule ids, globs, version ranges, expired waivers): every error with line and column; exit 0 or 2.") { checkFile, now };
        check.SetAction((parse, _) => CheckAsync(output, parse.GetRequiredValue(checkFile), parse.GetValue(now)));

        var oldFile = new Argument<string>("OLD") { Description = "The policy before the change." };
        var newFile = new Argument<string>("NEW") { Description = "The policy after the change." };
        var report = new Option<string>("--report") { Description = "The JSON report (or CycloneDX SBOM) of the scan both policies are applied to.", Required = true, HelpName = "REPORT" };
        var json = new Option<string?>("--json") { Description = "Also write the comparison as JSON to FILE ('-' for standard output).", HelpName = "FILE" };
        var markdown = new Option<string?>("--markdown") { Description = "Also write it as Markdown (a pull request comment) to FILE ('-' for standard output).", HelpName = "FILE" };
        var diff = new Command("diff", "What changes in the verdict of a scan when the policy changes from OLD to NEW: findings that start or stop failing, waivers added or removed. Reports; exit 0 (2 on bad input).")
        {
            oldFile, newFile, report, json, markdown, now,
        };
        diff.SetAction((parse, ct) => DiffAsync(output, new DiffRequest(parse.GetRequiredValue(oldFile), parse.GetRequiredValue(newFile), parse.GetRequiredValue(report), parse.GetValue(json), parse.GetValue(markdown), parse.GetValue(now)), ct));

        return new Command("policy", "Policy files: write a starter, check one, compare two on a scan.") { init, check, diff };
    }

    private static async Task<int> InitAsync(CliOutput output, string file, bool force, CancellationToken ct)
    {
        string text = PolicyLoader.StarterPolicy;
        if (file == "-")
        {
            await output.Stdout.WriteAsync(text).ConfigureAwait(false);
            return 0;
        }

        if ((File.Exists(file) || Directory.Exists(file)) && !force)
        {
            return await output.UsageErrorAsync($"'{file}' exists; use --force to overwrite it").ConfigureAwait(false);
        }

        if (!await output.WriteFileAsync(file, () => text, ct).ConfigureAwait(false))
        {
            return FirmwareGateCommand.UsageError;
        }

        await output.Stdout.WriteLineAsync($"{file}: starter policy written; edit it, then run 'firmwaregate policy check {file}'").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> CheckAsync(CliOutput output, string file, string? nowText)
    {
        if (!output.TryParseNow(nowText, out var now))
        {
            return FirmwareGateCommand.UsageError;
        }

        IReadOnlyList<PolicyError> errors;
        PolicyDocument policy;
        try
        {
            errors = PolicyLoader.Check(file, now ?? DateTimeOffset.UtcNow);
            // With no errors Load succeeds; it gives the counts for the summary.
            policy = errors.Count == 0 ? PolicyLoader.Load(file) : PolicyLoader.StrictDefault;
        }
        catch (PolicyException e)
        {
            return await GateCommand.PolicyErrorsAsync(output, e).ConfigureAwait(false);
        }

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await output.Stderr.WriteLineAsync(error.ToString()).ConfigureAwait(false);
            }

            await output.Stderr.WriteLineAsync($"firmwaregate: {file}: {errors.Count} policy error(s)").ConfigureAwait(false);
            return FirmwareGateCommand.UsageError;
        }

        await output.Stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{file}: OK, version {policy.Version}, {CountRules(policy)} rule(s), {policy.Waivers.Count} waiver(s), baseline {(policy.Baseline == BaselineMode.NewOnly ? "new-only" : "all")}")).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> DiffAsync(CliOutput output, DiffRequest request, CancellationToken ct)
    {
        if (!output.TryParseNow(request.Now, out var now) || !output.OneStdout(("--json", request.Json), ("--markdown", request.Markdown)))
        {
            return FirmwareGateCommand.UsageError;
        }

        PolicyDiff diff;
        try
        {
            var oldPolicy = PolicyLoader.Load(request.Old);
            var newPolicy = PolicyLoader.Load(request.New);
            var facts = ReportReader.Read(request.Report);
            diff = PolicyDiffer.Compare(oldPolicy, newPolicy, facts, new EvaluationOptions { Now = now ?? DateTimeOffset.UtcNow });
        }
        catch (PolicyException e)
        {
            return await GateCommand.PolicyErrorsAsync(output, e).ConfigureAwait(false);
        }
        catch (ScanInputException e)
        {
            return await output.UsageErrorAsync(e.Message).ConfigureAwait(false);
        }

        if (request.Json is { } json && !await output.WriteFileAsync(json, () => DiffJsonWriter.ToJson(diff), ct).ConfigureAwait(false))
        {
            return FirmwareGateCommand.UsageError;
        }

        if (request.Markdown is { } md && !await output.WriteFileAsync(md, () => DiffMarkdownWriter.ToMarkdown(diff), ct).ConfigureAwait(false))
        {
            return FirmwareGateCommand.UsageError;
        }

        if (request.Json != "-" && request.Markdown != "-")
        {
            await output.Stdout.WriteAsync(DiffTextWriter.ToText(diff)).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Every rule the file sets, whatever its level (waivers are counted apart).</summary>
    internal static int CountRules(PolicyDocument p)
    {
        var v = p.Vulnerabilities;
        var c = p.Completeness;
        var single = new PolicyRule?[] { v.Unrated, v.Cvss, v.KnownExploited, v.Epss, v.Undecidable, v.Unconfirmed, c.Incomplete, c.MaxUnknown, c.MaxHighEntropy, p.Database.MaxAgeDays, p.Database.Missing };
        return v.Severity.Count + single.Count(r => r is not null) + p.Hardening.Count + p.Findings.Count + p.FindingSeverities.Count +
            p.Components.Deny.Count + p.Components.Require.Count + p.Components.DenyLicenses.Count;
    }

    private sealed record DiffRequest(string Old, string New, string Report, string? Json, string? Markdown, string? Now);
}
