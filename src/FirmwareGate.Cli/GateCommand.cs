using System.CommandLine;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Cli;

/// <summary>
/// <c>firmwaregate gate IMAGE</c>: scan, apply the policy, write the reports, exit 0 pass, 1 fail, 2 usage or input
/// error (a bad policy prints every error as <c>file(line,col): error: message</c>), 3 incomplete.
/// </summary>
internal static class GateCommand
{
    public static Command Create(ScanArguments shared, CliOutput output)
    {
        var policy = new Option<string?>("--policy") { Description = "Policy file (YAML, docs/policy.md); default: the built-in strict policy.", HelpName = "FILE" };
        var json = new Option<string?>("--json") { Description = "Write the JSON report, with its policy section, to FILE ('-' for standard output).", HelpName = "FILE" };
        var sbom = new Option<string?>("--sbom") { Description = "Write the CycloneDX 1.6 SBOM, waived vulnerabilities with their VEX analysis, to FILE ('-' for standard output).", HelpName = "FILE" };
        var sarif = new Option<string?>("--sarif") { Description = "Write a SARIF 2.1.0 log (GitHub code scanning) to FILE ('-' for standard output).", HelpName = "FILE" };
        var markdown = new Option<string?>("--markdown") { Description = "Write the Markdown summary (a pull request comment or job summary) to FILE ('-' for standard output).", HelpName = "FILE" };
        var html = new Option<string?>("--html") { Description = "Write the self-contained HTML report to FILE ('-' for standard output).", HelpName = "FILE" };
        var baseline = new Option<string?>("--baseline") { Description = "A JSON report or CycloneDX SBOM of the baseline (the last release, the base branch): with 'baseline: new-only' only what is new fails.", HelpName = "REPORT" };
        var gate = new Command("gate", "Scan an image and apply a policy: exit 0 pass, 1 the policy failed, 2 usage or input error, 3 analysis incomplete and the policy does not accept that.")
        {
            shared.Image, policy, json, sbom, sarif, markdown, html, baseline, shared.Now, shared.Database, shared.NoVulnerabilities, shared.NoNative, shared.Quiet,
        };
        shared.Limits.AddTo(gate);
        gate.SetAction((parse, ct) => RunAsync(output, new Request(
            shared.ToScanOptions(parse, parse.GetRequiredValue(shared.Image).FullName, now: null),
            parse.GetValue(shared.Now),
            parse.GetValue(policy),
            parse.GetValue(baseline),
            new Outputs(parse.GetValue(json), parse.GetValue(sbom), parse.GetValue(sarif), parse.GetValue(markdown), parse.GetValue(html)),
            parse.GetValue(shared.Quiet)), ct));
        return gate;
    }

    private static async Task<int> RunAsync(CliOutput output, Request request, CancellationToken ct)
    {
        var o = request.Outputs;
        if (!output.TryParseNow(request.Now, out var now) ||
            !output.OneStdout(("--json", o.Json), ("--sbom", o.Sbom), ("--sarif", o.Sarif), ("--markdown", o.Markdown), ("--html", o.Html)))
        {
            return FirmwareGateCommand.UsageError;
        }

        var options = new GateOptions
        {
            Scan = request.Scan with { Now = now },
            PolicyPath = request.Policy,
            BaselinePath = request.Baseline,
            Now = now,
            Workspace = Environment.GetEnvironmentVariable("GITHUB_WORKSPACE"),
        };
        using var progress = ProgressLine.Create(output.Stderr, enabled: !request.Quiet);
        GateRun run;
        try
        {
            run = await new GatePipeline { Progress = progress }.RunAsync(options, ct).ConfigureAwait(false);
        }
        catch (PolicyException e)
        {
            progress.Clear();
            return await PolicyErrorsAsync(output, e).ConfigureAwait(false);
        }
        catch (ScanInputException e)
        {
            progress.Clear();
            return await output.UsageErrorAsync(e.Message).ConfigureAwait(false);
        }

        using (run)
        {
            progress.Clear();
            return await ReportAsync(output, request, run, ct).ConfigureAwait(false);
        }
    }

    private static async Task<int> ReportAsync(CliOutput output, Request request, GateRun run, CancellationToken ct)
    {
        if (!run.Scan.Recognised)
        {
            await output.Stderr.WriteLineAsync(SummaryWriter.UnknownFormatMessage(run.Scan, Path.GetFileName(request.Scan.ImagePath))).ConfigureAwait(false);
            return FirmwareGateCommand.UsageError;
        }

        if (!await WriteReportsAsync(output, request.Outputs, run, ct).ConfigureAwait(false))
        {
            return FirmwareGateCommand.UsageError;
        }

        if (!request.Quiet && !request.Outputs.AnyStdout)
        {
            new SummaryWriter(output.Stdout).Write(run.Scan, unpack: false);
            new TerminalReport(output.Stdout, output.Color).Write(run.Outcome, informational: false);
        }

        if (run.Outcome.Verdict == PolicyVerdict.Incomplete)
        {
            var scan = run.Scan;
            await output.Stderr.WriteLineAsync($"firmwaregate: analysis incomplete ({scan.Warnings.Count} warning(s){(scan.LimitsHit.Count > 0 ? ", limits hit: " + string.Join(", ", scan.LimitsHit) : "")}) and the policy does not accept that (completeness.incomplete); exit 3").ConfigureAwait(false);
        }

        return run.ExitCode;
    }

    private static async Task<bool> WriteReportsAsync(CliOutput output, Outputs o, GateRun run, CancellationToken ct)
    {
        var report = run.ToReport(FirmwareGateCommand.Version);
        var writes = new (string? Path, Func<string> Render)[]
        {
            (o.Json, () => JsonReportWriter.ToJson(run.Scan, FirmwareGateCommand.Version, run.Outcome)),
            (o.Sbom, () => CycloneDxReportWriter.ToJson(run.Scan, FirmwareGateCommand.Version, run.Outcome)),
            (o.Sarif, () => SarifReportWriter.ToJson(report)),
            (o.Markdown, () => MarkdownReportWriter.ToMarkdown(report)),
            (o.Html, () => HtmlReportWriter.ToHtml(report)),
        };
        foreach (var (path, render) in writes)
        {
            if (path is not null && !await output.WriteFileAsync(path, render, ct).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every policy error in the compiler form MSBuild and GitHub's problem matchers read; exit 2.</summary>
    internal static async Task<int> PolicyErrorsAsync(CliOutput output, PolicyException e)
    {
        if (e.Errors.Count == 0)
        {
            return await output.UsageErrorAsync(e.Message).ConfigureAwait(false);
        }

        foreach (var error in e.Errors)
        {
            await output.Stderr.WriteLineAsync(error.ToString()).ConfigureAwait(false);
        }

        await output.Stderr.WriteLineAsync($"firmwaregate: {e.Errors[0].File}: {e.Errors.Count} policy error(s)").ConfigureAwait(false);
        return FirmwareGateCommand.UsageError;
    }

    private sealed record Request(ScanOptions Scan, string? Now, string? Policy, string? Baseline, Outputs Outputs, bool Quiet);

    private sealed record Outputs(string? Json, string? Sbom, string? Sarif, string? Markdown, string? Html)
    {
        public bool AnyStdout => Json == "-" || Sbom == "-" || Sarif == "-" || Markdown == "-" || Html == "-";
    }
}
