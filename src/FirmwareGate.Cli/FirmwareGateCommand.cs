using System.CommandLine;
using System.Globalization;
using System.Reflection;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Pipeline;
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
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var image = new Argument<FileInfo>("IMAGE") { Description = "Firmware image to analyse." };
        var limits = new LimitOptions();
        var allowIncomplete = new Option<bool>("--allow-incomplete") { Description = "Exit 0 even when a layer could not be fully analysed (default: exit 3)." };
        var noNative = new Option<bool>("--no-native") { Description = "Use managed codecs only (not the system liblzma, zlib or libzstd)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress or summary; errors only." };

        var json = new Option<string?>("--json") { Description = "Write the JSON report to FILE ('-' for standard output).", HelpName = "FILE" };
        var now = new Option<string?>("--now") { Description = "Report time (ISO 8601) for reproducible output; default SOURCE_DATE_EPOCH, else the clock.", HelpName = "TIME" };
        var scanOut = new Option<DirectoryInfo?>("--output", "-o") { Description = "Also extract every layer into DIR (empty or absent).", HelpName = "DIR" };
        var sbomFile = new Option<string?>("--sbom") { Description = "Write the CycloneDX 1.6 JSON SBOM to FILE ('-' for standard output).", HelpName = "FILE" };
        var noChecks = new Option<bool>("--no-checks") { Description = "Inventory only: skip the security checks (hardening, certificates, keys, accounts, configuration)." };
        var db = new Option<string?>("--db") { Description = "Vulnerability database file, or offline NVD/CVE 5/OSV record files (a folder or a file) read for this scan only (default: FIRMWAREGATE_DB, else the user's cache folder).", HelpName = "PATH" };
        var noVulns = new Option<bool>("--no-vulns") { Description = "Skip CVE matching." };
        var scan = new Command("scan", "Analyse an image: its layers, coverage, components, binary hardening, certificates, keys, accounts, risky configuration and known vulnerabilities.") { image, json, sbomFile, now, scanOut, noChecks, db, noVulns, allowIncomplete, noNative, quiet };
        limits.AddTo(scan);

        var sbomOut = new Option<string>("--output", "-o") { Description = "Write the CycloneDX 1.6 JSON SBOM to FILE ('-' for standard output).", Required = true, HelpName = "FILE" };
        var sbom = new Command("sbom", "Analyse an image and write its CycloneDX 1.6 JSON SBOM: the firmware, its layers, the components found, their links and their known vulnerabilities.") { image, sbomOut, now, db, noVulns, allowIncomplete, noNative, quiet };
        limits.AddTo(sbom);

        var unpackOut = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder to extract into (empty or absent).", Required = true, HelpName = "DIR" };
        var unpack = new Command("unpack", "Extract every layer of an image into a folder: one folder per layer named OFFSET-FORMAT, filesystem trees in root/, entry lists in entries.tsv.") { image, unpackOut, allowIncomplete, noNative, quiet };
        limits.AddTo(unpack);

        var root = new RootCommand("FirmwareGate: take firmware images apart offline and gate releases on what is inside.") { scan, sbom, unpack, DbCommand.Create(stdout, stderr) };

        Invocation Read(ParseResult parse, CancellationToken ct) => new(parse, stdout, stderr, ct)
        {
            Image = parse.GetRequiredValue(image),
            Limits = limits.Read(parse),
            AllowIncomplete = parse.GetValue(allowIncomplete),
            NoNative = parse.GetValue(noNative),
            Quiet = parse.GetValue(quiet),
        };

        scan.SetAction((parse, ct) => RunScanAsync(Read(parse, ct) with
        {
            Output = parse.GetValue(scanOut),
            Json = parse.GetValue(json),
            Sbom = parse.GetValue(sbomFile),
            Now = parse.GetValue(now),
            NoChecks = parse.GetValue(noChecks),
            Database = parse.GetValue(db),
            NoVulnerabilities = parse.GetValue(noVulns),
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
            Output = parse.GetRequiredValue(unpackOut),
            UnpackOnly = true,
        }));

        var result = root.Parse(args);
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await stderr.WriteLineAsync("firmwaregate: " + error.Message).ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Run 'firmwaregate --help' for usage.").ConfigureAwait(false);
            return UsageError;
        }

        return await result.InvokeAsync(config).ConfigureAwait(false);
    }

    private static async Task<int> RunScanAsync(Invocation inv)
    {
        DateTimeOffset? now = null;
        if (inv.Now is { } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                await inv.Stderr.WriteLineAsync($"firmwaregate: --now '{text}' is not an ISO 8601 time").ConfigureAwait(false);
                return UsageError;
            }

            now = parsed;
        }

        if (inv.Json == "-" && inv.Sbom == "-")
        {
            await inv.Stderr.WriteLineAsync("firmwaregate: --json and --sbom cannot both write to standard output").ConfigureAwait(false);
            return UsageError;
        }

        var options = new ScanOptions
        {
            ImagePath = inv.Image.FullName,
            OutputDirectory = inv.Output?.FullName,
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
            await inv.Stderr.WriteLineAsync("firmwaregate: " + e.Message).ConfigureAwait(false);
            return UsageError;
        }

        using (result)
        {
            progress.Clear();
            var summary = new SummaryWriter(inv.Stdout);
            if (!result.Recognised)
            {
                await inv.Stderr.WriteLineAsync(SummaryWriter.UnknownFormatMessage(result, inv.Image.Name)).ConfigureAwait(false);
                return UsageError;
            }

            if (inv.Json is { } jsonPath && !await WriteOutputAsync(inv, jsonPath, () => JsonReportWriter.ToJson(result, Version)).ConfigureAwait(false))
            {
                return UsageError;
            }

            if (inv.Sbom is { } sbomPath && !await WriteOutputAsync(inv, sbomPath, () => CycloneDxReportWriter.ToJson(result, Version)).ConfigureAwait(false))
            {
                return UsageError;
            }

            if (!inv.Quiet && inv.Json != "-" && inv.Sbom != "-")
            {
                if (inv.SbomOnly)
                {
                    await inv.Stdout.WriteLineAsync($"{inv.Image.Name}: CycloneDX {CycloneDxReportWriter.SpecVersion} SBOM with {result.Inventory.Components.Count} component(s) written to {inv.Sbom}").ConfigureAwait(false);
                }
                else
                {
                    summary.Write(result, inv.UnpackOnly);
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

    /// <summary>Writes a report to a file, or to standard output for '-'; false (with a message) when the file cannot be written.</summary>
    private static async Task<bool> WriteOutputAsync(Invocation inv, string path, Func<string> render)
    {
        string text = render();
        if (path == "-")
        {
            await inv.Stdout.WriteAsync(text).ConfigureAwait(false);
            return true;
        }

        try
        {
            await File.WriteAllTextAsync(path, text, inv.CancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await inv.Stderr.WriteLineAsync($"firmwaregate: cannot write '{path}': {e.Message}").ConfigureAwait(false);
            return false;
        }
    }

    private sealed record Invocation(ParseResult Parse, TextWriter Stdout, TextWriter Stderr, CancellationToken CancellationToken)
    {
        public required FileInfo Image { get; init; }

        public DirectoryInfo? Output { get; init; }

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
