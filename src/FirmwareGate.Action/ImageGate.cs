using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Action;

/// <summary>Gates one image through the core and keeps what the job needs once the scan is released.</summary>
internal sealed class ImageGate(ActionSettings settings, WorkflowCommands log)
{
    public async Task<ImageOutcome> RunAsync(string imagePath, int imageCount, CancellationToken cancellationToken)
    {
        string name = Path.GetFileName(imagePath);
        string display = settings.Display(imagePath);
        var options = new GateOptions
        {
            // No database given means no matching (the policy's database.missing rule decides), never a default one
            // a runner happens to have in its cache folder.
            Scan = new ScanOptions { ImagePath = imagePath, Database = settings.Database, Vulnerabilities = settings.Database is not null },
            PolicyPath = settings.PolicyPath,
            BaselinePath = settings.BaselinePath,
            Workspace = settings.Workspace,
            IncompleteLevel = settings.Inputs.IncompleteLevel,
        };

        GateRun run;
        try
        {
            run = await new GatePipeline { Progress = new LogProgress(log) }.RunAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (ScanInputException e)
        {
            return Failed(name, display, e.Message);
        }

        using (run)
        {
            if (!run.Scan.Recognised)
            {
                return Failed(name, display, $"{name}: no known firmware format was recognised in {run.Scan.Image.Size} bytes");
            }

            var report = run.ToReport(ActionRunner.Version) with
            {
                SarifCategory = imageCount > 1 ? $"firmwaregate/{name}/" : null,
            };
            // Reports people read name the policy as the repository does; SARIF resolves the full path itself.
            var outcome = run.Outcome with { PolicyFile = settings.PolicyDisplay ?? run.Outcome.PolicyFile };
            var shown = report with { Outcome = outcome };
            try
            {
                return new ImageOutcome
                {
                    Name = name,
                    DisplayPath = display,
                    ExitCode = run.ExitCode,
                    Failing = outcome.Failing.Count(),
                    Errors = outcome.Count(PolicyLevel.Error),
                    Warnings = outcome.Count(PolicyLevel.Warning),
                    Notes = outcome.Count(PolicyLevel.Note),
                    Waived = outcome.Violations.Count(v => v.WaivedBy is not null),
                    Markdown = MarkdownReportWriter.ToMarkdown(shown, settings.MarkdownBudget(imageCount)),
                    PolicyDiffMarkdown = PolicyDiff(run),
                    Annotations = Annotate(run.Outcome, name, display),
                    Sbom = Write("sbom", settings.Inputs.Sbom, name, imageCount, () => CycloneDxReportWriter.ToJson(run.Scan, ActionRunner.Version, outcome)),
                    Sarif = Write("sarif", settings.Inputs.Sarif, name, imageCount, () => SarifReportWriter.ToJson(report)),
                    Report = Write("report", settings.Inputs.Report, name, imageCount, () => JsonReportWriter.ToJson(run.Scan, ActionRunner.Version, outcome)),
                };
            }
            catch (ReportWriteException e)
            {
                return Failed(name, display, e.Message);
            }
        }
    }

    private static ImageOutcome Failed(string name, string display, string problem) =>
        new() { Name = name, DisplayPath = display, ExitCode = 2, Problem = problem };

    private string? PolicyDiff(GateRun run)
    {
        if (settings.BasePolicy is not { } basePolicy)
        {
            return null;
        }

        var options = new EvaluationOptions { Now = run.Outcome.EvaluatedAt, Baseline = settings.BaselineFacts };
        var diff = PolicyDiffer.Compare(basePolicy, run.Policy, run.Facts, options);
        return DiffMarkdownWriter.ToMarkdown(diff, settings.MarkdownBudget(settings.ImageCount) / 2);
    }

    private string? Write(string input, string? template, string name, int imageCount, Func<string> render)
    {
        if (template is null)
        {
            return null;
        }

        string path = Path.GetFullPath(ReportPaths.For(template, name, imageCount), settings.Workspace);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, render(), new System.Text.UTF8Encoding(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportWriteException($"input '{input}': cannot write {path}: {e.Message}");
        }

        return settings.Display(path);
    }

    private sealed class ReportWriteException(string message) : Exception(message);

    private List<ViolationAnnotation> Annotate(PolicyOutcome outcome, string name, string display)
    {
        var list = new List<ViolationAnnotation>();
        foreach (var v in outcome.Violations
            .Where(v => v.WaivedBy is null && !v.InBaseline && v.Level != PolicyLevel.Off)
            .OrderByDescending(v => v.Fails)
            .ThenByDescending(v => v.Level)
            .ThenBy(v => v.RuleId, StringComparer.Ordinal)
            .ThenBy(v => v.Location, StringComparer.Ordinal))
        {
            bool onPolicy = v.PolicyPosition is not null && settings.PolicyDisplay is not null;
            list.Add(new ViolationAnnotation(
                v.Level,
                $"{v.RuleId} in {name}",
                $"{v.Message}\n{v.Location}\npolicy: {v.PolicyRule}",
                onPolicy ? settings.PolicyDisplay : display,
                onPolicy ? v.PolicyPosition?.Line : null));
        }

        return list;
    }
}
