using System.CommandLine;
using System.Globalization;
using System.Reflection;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Cli;

/// <summary>The firmwaregate command line: arguments in, ScanOptions to the pipeline, results rendered.</summary>
public static class FirmwareGateCommand
{
    /// <summary>Exit code for usage and input errors (DESIGN.md).</summary>
    public const int UsageError = 2;

    /// <summary>The tool's version.</summary>
    public static string Version { get; } =
        typeof(FirmwareGateCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Parses and runs; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, new CliOutput(stdout, stderr, CliOutput.ColorFor(stdout)));

    /// <summary>Parses and runs with the given writers and colour choice.</summary>
    internal static async Task<int> RunAsync(string[] args, CliOutput output)
    {
        var (stdout, stderr) = (output.Stdout, output.Stderr);
        var shared = new ScanArguments();
        var image = shared.Image;
        var limits = shared.Limits;
        var allowIncomplete = new Option<bool>("--allow-incomplete") { Description = "Exit 0 even when a layer could not be fully analysed (default: exit 3)." };
        var noNative = shared.NoNative;
        var quiet = shared.Quiet;

        var json = new Option<string?>("--json") { Description = "Write the JSON report to FILE ('-' for standard output).", HelpName = "FILE" };
        var now = shared.Now;
        var scanOut = new Option<DirectoryInfo?>("--output", "-o") { Description = "Also extract every layer into DIR (empty or absent).", HelpName = "DIR" };
        var sbomFile = new Option<string?>("--sbom") { Description = "Write the CycloneDX 1.6 JSON SBOM to FILE ('-' for standard output).", HelpName = "FILE" };
        var noChecks = new Option<bool>("--no-checks") { Description = "Inventory only: skip the security checks (hardening, certificates, keys, accounts, configuration)." };
        var db = shared.Database;
        var noVulns = shared.NoVulnerabilities;
        var scanPolicy = new Option<string?>("--policy") { Description = "Show the verdict of this policy file (default: the strict default) as information; the exit code stays the scan's. With it, the JSON report carries the policy section.", HelpName = "FILE" };
        var scan = new Command("scan", "Analyse an image: its layers, coverage, components, binary hardening, certificates, keys, accounts, risky configuration and known vulnerabilities.") { image, json, sbomFile, now, scanOut, noChecks, db, noVulns, scanPolicy, allowIncomplete, noNative, quiet };
        limits.AddTo(scan);

        var sbomOut = new Option<string>("--output", "-o") { Description = "Write the CycloneDX 1.6 JSON SBOM to FILE ('-' for standard output).", Required = true, HelpName = "FILE" };
        var sbom = new Command("sbom", "Analyse an image and write its CycloneDX 1.6 JSON SBOM: the firmware, its layers, the components found, their links and their known vulnerabilities.") { image, sbomOut, now, db, noVulns, allowIncomplete, noNative, quiet };
        limits.AddTo(sbom);

        var unpackOut = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder to extract into (empty or absent).", Required = true, HelpName = "DIR" };
        var unpack = new Command("unpack", "Extract every layer of an image into a folder: one folder per layer named OFFSET-FORMAT, filesystem trees in root/, entry lists in entries.tsv.") { image, unpackOut, allowIncomplete, noNative, quiet };
        limits.AddTo(unpack);

        var root = new RootCommand("FirmwareGate: take firmware images apart offline and gate releases on what is inside.")
        {
            scan, sbom, unpack, GateCommand.Create(shared, output), PolicyCommand.Create(output), DiffCommand.Create(shared, output), DbCommand.Create(stdout, stderr),
        };

        Invocation Read(ParseResult parse, CancellationToken ct) => new(parse, output, ct)
        {
            Image = parse.GetRequiredValue(image),
            Limits = limits.Read(parse),
            AllowIncomplete = parse.GetValue(allowIncomplete),
            NoNative = parse.GetValue(noNative),
            Quiet = parse.GetValue(quiet),
        };

        scan.SetAction((parse, ct) => RunScanAsync(Read(parse, ct) with
        {
            Extract = parse.GetValue(scanOut),
            Json = parse.GetValue(json),
            Sbom = parse.GetValue(sbomFile),
            Now = parse.GetValue(now),
            NoChecks = parse.GetValue(noChecks),
            Database = parse.GetValue(db),
            NoVulnerabilities = parse.GetValue(noVulns),
            Policy = parse.GetValue(scanPolicy),
        }));
        sbom.SetAction((parse, ct) => RunScanAsync(Read(parse, ct) with
        {
            Sbom = parse.GetRequiredValue(sbomOut),
            Now = parse.GetValue(now),
            SbomOnly = true,
            Database = parse.GetValue(db),
            NoVulnerabilities = parse.GetValue(noVulns),
        }));
        unpack.SetAction((parse, ct) => RunScanAsync(Read(parse, ct) with
        {
            Extract = parse.GetRequiredValue(unpackOut),
            UnpackOnly = true,
        }));

        var result = root.Parse(args);
        // An unexpected exception must not exit 1, which means "the policy failed": it is reported as an input
        // error (exit 2) naming the exception, without a stack trace.
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await stderr.WriteLineAsync("firmwaregate: " + error.Message).ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Run 'firmwaregate --help' for usage.").ConfigureAwait(false);
            return UsageError;
        }

        try
        {
            return await result.InvokeAsync(config).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"firmwaregate: unexpected error ({e.GetType().Name}): {e.Message}").ConfigureAwait(false);
            return UsageError;
        }
    }

    private static async Task<int> RunScanAsync(Invocation inv)
    {
        var output = inv.Output;
        if (!output.TryParseNow(inv.Now, out var now) || !output.OneStdout(("--json", inv.Json), ("--sbom", inv.Sbom)))
        {
            return UsageError;
        }

        PolicyDocument? policy = null;
        if (inv.Policy is { } policyPath)
        {
            try
            {
                policy = PolicyLoader.Load(policyPath);
            }
            catch (PolicyException e)
            {
                return await GateCommand.PolicyErrorsAsync(output, e).ConfigureAwait(false);
            }
        }

        var options = new ScanOptions
        {
            ImagePath = inv.Image.FullName,
            OutputDirectory = inv.Extract?.FullName,
            Limits = inv.Limits,
            Now = now,
            UseNativeCodecs = !inv.NoNative,
            AllowIncomplete = inv.AllowIncomplete,
            Analyze = !inv.UnpackOnly,
            Checks = !inv.NoChecks,
            Database = inv.Database,
            Vulnerabilities = !inv.NoVulnerabilities,
        };
        using var progress = ProgressLine.Create(inv.Stderr, enabled: !inv.Quiet);
        var pipeline = new ScanPipeline { Progress = progress };
        ScanResult result;
        try
        {
            result = await pipeline.RunAsync(options, inv.CancellationToken).ConfigureAwait(false);
        }
        catch (ScanInputException e)
        {
            progress.Clear();
            return await output.UsageErrorAsync(e.Message).ConfigureAwait(false);
        }

        using (result)
        {
            progress.Clear();
            if (!result.Recognised)
            {
                await inv.Stderr.WriteLineAsync(SummaryWriter.UnknownFormatMessage(result, inv.Image.Name)).ConfigureAwait(false);
                return UsageError;
            }

            // The verdict is information for scan: the strict default, or --policy (then also in the JSON report).
            bool terminal = !inv.Quiet && inv.Json != "-" && inv.Sbom != "-";
            var outcome = inv.UnpackOnly || inv.SbomOnly || (policy is null && !terminal) ? null : Evaluate(result, policy);
            var reported = policy is null ? null : outcome;
            if (inv.Json is { } jsonPath && !await output.WriteFileAsync(jsonPath, () => JsonReportWriter.ToJson(result, Version, reported), inv.CancellationToken).ConfigureAwait(false))
            {
                return UsageError;
            }

            if (inv.Sbom is { } sbomPath && !await output.WriteFileAsync(sbomPath, () => CycloneDxReportWriter.ToJson(result, Version, reported), inv.CancellationToken).ConfigureAwait(false))
            {
                return UsageError;
            }

            if (terminal)
            {
                if (inv.SbomOnly)
                {
                    await inv.Stdout.WriteLineAsync($"{inv.Image.Name}: CycloneDX {CycloneDxReportWriter.SpecVersion} SBOM with {result.Inventory.Components.Count} component(s) written to {inv.Sbom}").ConfigureAwait(false);
                }
                else
                {
                    new SummaryWriter(inv.Stdout).Write(result, inv.UnpackOnly);
                    if (outcome is not null)
                    {
                        new TerminalReport(inv.Stdout, output.Color).Write(outcome, informational: true);
                    }
                }
            }

            int code = result.ExitCode(inv.AllowIncomplete);
            if (code == 3)
            {
                await inv.Stderr.WriteLineAsync($"firmwaregate: analysis incomplete ({result.Warnings.Count} warning(s){(result.LimitsHit.Count > 0 ? ", limits hit: " + string.Join(", ", result.LimitsHit) : "")}); exit 3. Use --allow-incomplete to accept.").ConfigureAwait(false);
            }

            return code;
        }
    }

    /// <summary>The verdict a scan would get from <paramref name="policy"/> (null: the strict default), judged at the scan's time.</summary>
    private static PolicyOutcome Evaluate(ScanResult result, PolicyDocument? policy) =>
        PolicyEvaluator.Evaluate(policy ?? PolicyLoader.StrictDefault, ScanFacts.FromScan(result), new EvaluationOptions { Now = result.ScannedAt });

    private sealed record Invocation(ParseResult Parse, CliOutput Output, CancellationToken CancellationToken)
    {
        public TextWriter Stdout => Output.Stdout;

        public TextWriter Stderr => Output.Stderr;

        public required FileInfo Image { get; init; }

        public DirectoryInfo? Extract { get; init; }

        public string? Policy { get; init; }

        public string? Json { get; init; }

        public string? Sbom { get; init; }

        public string? Now { get; init; }

        public required ReadLimits Limits { get; init; }

        public bool AllowIncomplete { get; init; }

        public bool NoNative { get; init; }

        public bool Quiet { get; init; }

        public bool UnpackOnly { get; init; }

        public bool SbomOnly { get; init; }

        public bool NoChecks { get; init; }

        public string? Database { get; init; }

        public bool NoVulnerabilities { get; init; }
    }
}
