using System.Globalization;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FirmwareGate.MSBuild;

/// <summary>
/// Runs <c>firmwaregate gate</c> on one image in its own process (the framework-dependent CLI shipped in the package,
/// started with the <c>dotnet</c> host MSBuild runs under) and logs one MSBuild error or warning per policy violation,
/// read back from the JSON report. Running it out of process keeps the engine's dependencies (SQLite's native
/// library, YamlDotNet, SharpCompress) apart from MSBuild's and every other task's (docs/msbuild.md).
/// </summary>
public sealed class FirmwareGateTask : ToolTask
{
    private const string Prefix = "firmwaregate: ";
    private readonly List<string> _errorLines = [];
    private readonly List<PolicyErrorLine> _policyErrors = [];

    /// <summary>The firmware image to gate.</summary>
    [Required]
    public string Image { get; set; } = "";

    /// <summary>The policy file; empty for the gate's built-in strict default.</summary>
    public string? Policy { get; set; }

    /// <summary>The vulnerability database (a SQLite file or a folder of records); empty for the gate's default.</summary>
    public string? Database { get; set; }

    /// <summary>Where the JSON report goes (the task reads it back).</summary>
    [Required]
    public string ReportOutput { get; set; } = "";

    /// <summary>Where the CycloneDX SBOM goes; empty for none.</summary>
    public string? SbomOutput { get; set; }

    /// <summary>Where the SARIF log goes; empty for none.</summary>
    public string? SarifOutput { get; set; }

    /// <summary><c>violations</c> (failing violations are errors) or <c>never</c> (everything is a warning).</summary>
    public string FailOn { get; set; } = "violations";

    /// <summary>Log the gate's warnings (level warning, analysis warnings, expired and stale waivers) as errors.</summary>
    public bool TreatWarningsAsErrors { get; set; }

    /// <summary>The CLI to run: <c>tools/cli/firmwaregate.dll</c> of the package.</summary>
    [Required]
    public string CliPath { get; set; } = "";

    /// <summary>The gate's verdict: pass, fail or incomplete; empty when it did not run to a verdict.</summary>
    [Output]
    public string Verdict { get; private set; } = "";

    /// <inheritdoc />
    protected override string ToolName => "dotnet";

    /// <inheritdoc />
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;

    /// <inheritdoc />
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

    private bool FailOnNever => string.Equals(FailOn, "never", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    protected override string GenerateFullPathToTool() => DotnetHost.Find();

    /// <inheritdoc />
    protected override string GenerateCommandLineCommands()
    {
        var args = new CommandLineBuilder(quoteHyphensOnCommandLine: true, useNewLineSeparator: false);
        args.AppendFileNameIfNotNull(Path.GetFullPath(CliPath));
        args.AppendSwitch("gate");
        args.AppendFileNameIfNotNull(Path.GetFullPath(Image));
        AppendPath(args, "--policy", Policy);
        AppendPath(args, "--db", Database);
        AppendPath(args, "--json", ReportOutput);
        AppendPath(args, "--sbom", SbomOutput);
        AppendPath(args, "--sarif", SarifOutput);
        args.AppendSwitch("--quiet");
        return args.ToString();
    }

    /// <inheritdoc />
    protected override bool ValidateParameters()
    {
        if (!string.Equals(FailOn, "violations", StringComparison.OrdinalIgnoreCase) && !FailOnNever)
        {
            Log.LogError(null, DiagnosticCodes.InputError, null, null, 0, 0, 0, 0,
                "FirmwareGateFailOn is '{0}'; use 'violations' or 'never'", FailOn);
            return false;
        }

        if (!File.Exists(Image))
        {
            Log.LogError(null, DiagnosticCodes.ImageMissing, null, Image, 0, 0, 0, 0,
                "firmware image '{0}' does not exist: build the target that produces it before the gate (FirmwareGateAfterTargets)",
                Image);
            return false;
        }

        if (!string.IsNullOrEmpty(Policy) && !File.Exists(Policy))
        {
            Log.LogError(null, DiagnosticCodes.PolicyError, null, Policy, 0, 0, 0, 0,
                "policy file '{0}' for firmware image '{1}' does not exist", Policy, Image);
            return false;
        }

        if (!string.IsNullOrEmpty(Database) && !File.Exists(Database) && !Directory.Exists(Database))
        {
            Log.LogError(null, DiagnosticCodes.DatabaseMissing, null, Image, 0, 0, 0, 0,
                "vulnerability database '{0}' does not exist: build it with `firmwaregate db update --db {0}` or set FirmwareGateDatabase",
                Database);
            return false;
        }

        if (!File.Exists(CliPath))
        {
            Log.LogError(null, DiagnosticCodes.GateError, null, null, 0, 0, 0, 0,
                "the gate is missing from the package: '{0}' does not exist", CliPath);
            return false;
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Execute()
    {
        if (File.Exists(ReportOutput))
        {
            File.Delete(ReportOutput);
        }

        return base.Execute() && !Log.HasLoggedErrors;
    }

    /// <inheritdoc />
    protected override void LogToolCommand(string message) => Log.LogMessage(MessageImportance.Low, message);

    /// <inheritdoc />
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (messageImportance != StandardErrorLoggingImportance || string.IsNullOrWhiteSpace(singleLine))
        {
            Log.LogMessage(MessageImportance.Low, singleLine);
            return;
        }

        if (PolicyErrorLine.TryParse(singleLine) is { } policyError)
        {
            _policyErrors.Add(policyError);
        }
        else
        {
            _errorLines.Add(singleLine.StartsWith(Prefix, StringComparison.Ordinal) ? singleLine[Prefix.Length..] : singleLine);
        }
    }

    /// <inheritdoc />
    protected override bool HandleTaskExecutionErrors() => true;

    /// <inheritdoc />
    protected override int ExecuteTool(string pathToTool, string responseFileCommands, string commandLineCommands)
    {
        var exitCode = base.ExecuteTool(pathToTool, responseFileCommands, commandLineCommands);
        switch (exitCode)
        {
            case 0 or 1 or 3:
                ReportVerdict(exitCode);
                break;
            case 2:
                ReportInputErrors();
                break;
            default:
                Log.LogError(null, DiagnosticCodes.GateError, null, Image, 0, 0, 0, 0,
                    "the gate ended with exit code {0} on '{1}': {2}", exitCode, Image, string.Join("; ", _errorLines));
                break;
        }

        return exitCode;
    }

    private static void AppendPath(CommandLineBuilder args, string option, string? path)
    {
        if (!string.IsNullOrEmpty(path))
        {
            args.AppendSwitch(option);
            args.AppendFileNameIfNotNull(Path.GetFullPath(path));
        }
    }

    private void ReportInputErrors()
    {
        foreach (var e in _policyErrors)
        {
            Log.LogError(null, DiagnosticCodes.PolicyError, null, Path.GetFullPath(e.File), e.Line, e.Column, 0, 0, "{0}", e.Message);
        }

        if (_policyErrors.Count == 0)
        {
            var message = _errorLines.Count > 0 ? string.Join("; ", _errorLines) : "the gate rejected its input (exit code 2)";
            Log.LogError(null, DiagnosticCodes.InputError, null, Image, 0, 0, 0, 0, "{0}", message);
        }
    }

    private void ReportVerdict(int exitCode)
    {
        GateReportFile report;
        try
        {
            report = GateReportFile.Read(ReportOutput);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Log.LogError(null, DiagnosticCodes.GateError, null, Image, 0, 0, 0, 0, "{0}", e.Message);
            return;
        }

        Verdict = report.Verdict;
        var logger = new ViolationLogger(Log, Image, report.PolicyFile, FailOnNever, TreatWarningsAsErrors);
        foreach (var warning in report.AnalysisWarnings)
        {
            logger.Warning(DiagnosticCodes.AnalysisWarning, Image, 0, 0, $"'{DisplayPath.Of(Image)}' was not fully analysed: {warning}");
        }

        foreach (var violation in report.Violations)
        {
            logger.Violation(violation);
        }

        foreach (var waiver in report.ExpiredWaivers)
        {
            logger.Warning(DiagnosticCodes.WaiverExpired, report.PolicyFile ?? Image, waiver.Line ?? 0, 0,
                $"{waiver.Id} expired {waiver.Expires} and waives nothing (owner {waiver.Owner})");
        }

        foreach (var waiver in report.StaleWaivers)
        {
            logger.Warning(DiagnosticCodes.WaiverStale, report.PolicyFile ?? Image, waiver.Line ?? 0, 0,
                $"{waiver.Id} matches nothing in '{DisplayPath.Of(Image)}' (owner {waiver.Owner}, until {waiver.Expires})");
        }

        if (exitCode != 0 && logger.FailingCount == 0 && !FailOnNever)
        {
            Log.LogError(null, DiagnosticCodes.GateError, null, Image, 0, 0, 0, 0,
                "the gate failed '{0}' (exit code {1}) but its report lists no failing violation", Image, exitCode);
        }

        Log.LogMessage(MessageImportance.High, Summary(report, logger));
    }

    private string Summary(GateReportFile report, ViolationLogger logger)
    {
        var counts = report.Violations.GroupBy(v => v.Level, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var verdict = report.Verdict.ToUpperInvariant();
        var policy = report.PolicyFile is { } file ? DisplayPath.Of(file) : "the built-in default policy";
        var reports = string.Join(", ", new[] { ReportOutput, SbomOutput, SarifOutput }.Where(p => !string.IsNullOrEmpty(p)).Select(p => DisplayPath.Of(p!)));
        return string.Create(CultureInfo.InvariantCulture,
            $"FirmwareGate: {verdict} {DisplayPath.Of(Image)}: {logger.FailingCount} violation(s) fail policy {policy} " +
            $"(errors {counts.GetValueOrDefault("error")}, warnings {counts.GetValueOrDefault("warning")}, notes {counts.GetValueOrDefault("note")}; " +
            $"waivers {report.WaiversApplied} applied, {report.ExpiredWaivers.Count} expired, {report.StaleWaivers.Count} stale{(FailOnNever ? "; FirmwareGateFailOn=never" : "")}); " +
            $"reports: {reports}");
    }
}
