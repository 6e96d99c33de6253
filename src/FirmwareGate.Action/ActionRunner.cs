using System.Globalization;
using System.Reflection;
using System.Text;
using FirmwareGate.Action.GitHub;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Action;

/// <summary>
/// One action run: inputs to gate runs (one per image), reports to files, then the job's outputs, summary and
/// annotations, then the check run and pull request comment. The exit code is the gate's: 0 pass, 1 fail, 2 usage
/// or input error, 3 incomplete; the worst over all images.
/// </summary>
internal static class ActionRunner
{
    /// <summary>Workflow-command annotations in the log; GitHub shows only the first few per step anyway.</summary>
    public const int MaxLogAnnotations = 50;

    public static string Version { get; } =
        typeof(ActionRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The GitHub client for a run: Octokit at GITHUB_API_URL when there is a token and a repository, else none.</summary>
    public static IGitHubReporter? DefaultReporter(ActionEnvironment environment) =>
        environment.Token is { } token && environment.Repository is { } repository
            ? new OctokitGitHubReporter(environment.ApiUrl, token, repository)
            : null;

    public static Task<int> RunAsync(ActionEnvironment environment, TextWriter log, CancellationToken cancellationToken) =>
        RunAsync(environment, log, DefaultReporter, cancellationToken);

    public static async Task<int> RunAsync(ActionEnvironment environment, TextWriter log, Func<ActionEnvironment, IGitHubReporter?> reporterFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(reporterFactory);
        var commands = new WorkflowCommands(log);
        var errors = new List<string>();
        var settings = Resolve(environment, errors);
        if (settings is null)
        {
            foreach (string error in errors)
            {
                commands.Error(error);
            }

            WriteOutputs(environment, [], 2);
            return 2;
        }

        var reporter = reporterFactory(environment);
        var pullRequest = PullRequestEvent.Read(environment.EventPath, out string? eventProblem);
        if (eventProblem is not null)
        {
            commands.Warning(eventProblem);
        }

        if (reporter is null)
        {
            commands.Notice(environment.Token is null
                ? "no github-token: no check run and no pull request comment (the gate still decides)"
                : "GITHUB_REPOSITORY is not set: no check run and no pull request comment (the gate still decides)");
        }

        var publisher = reporter is null ? null : new GitHubPublisher(reporter, environment, commands);
        if (publisher is not null && pullRequest?.BaseSha is { } baseSha && settings.Inputs.Comment && settings is { PolicyDisplay: { } policyDisplay, PolicyPath: { } policyPath })
        {
            var basePolicy = await publisher.BasePolicyAsync(policyDisplay, policyPath, baseSha, cancellationToken).ConfigureAwait(false);
            settings = settings with { BasePolicy = basePolicy is null ? null : GatePipeline.WithIncompleteLevel(basePolicy, settings.Inputs.IncompleteLevel) };
        }

        if (settings.Inputs.UpdateDatabase)
        {
            await DatabaseUpdate.RunAsync(settings.Database!, environment, commands, cancellationToken).ConfigureAwait(false);
            if (!File.Exists(settings.Database))
            {
                settings = settings with { Database = null };
            }
        }

        var images = await GateImagesAsync(settings, commands, cancellationToken).ConfigureAwait(false);
        int exitCode = Worst(images.Select(i => i.ExitCode));
        string markdown = ActionMarkdown.Compose(images, exitCode);
        WriteOutputs(environment, images, exitCode);
        if (environment.StepSummaryFile is { } summary)
        {
            File.AppendAllText(summary, markdown + "\n", new UTF8Encoding(false));
        }

        if (settings.Inputs.Annotations)
        {
            Annotate(commands, images);
        }

        if (publisher is not null)
        {
            await PublishAsync(publisher, settings, environment, pullRequest, images, exitCode, markdown, commands, cancellationToken).ConfigureAwait(false);
        }

        commands.Line($"firmwaregate: {ImageOutcome.VerdictOf(exitCode)} (exit {exitCode})");
        return exitCode;
    }

    private static ActionSettings? Resolve(ActionEnvironment environment, List<string> errors)
    {
        var inputs = ActionInputs.Parse(environment, errors);
        string workspace = Path.GetFullPath(environment.Workspace);
        if (inputs is null)
        {
            return null;
        }

        var unmatched = new List<string>();
        var images = ImageGlobber.Resolve(inputs.Images, workspace, unmatched);
        errors.AddRange(unmatched.Select(p => $"input 'images': '{p}' matches no file in the workspace ({workspace})"));
        var settings = new ActionSettings { Inputs = inputs, Workspace = workspace, ImageCount = images.Count, Images = images };
        string? policy = inputs.Policy is { } p ? Path.GetFullPath(p, workspace)
            : File.Exists(Path.Combine(workspace, ActionInputs.ConventionalPolicyPath)) ? Path.Combine(workspace, ActionInputs.ConventionalPolicyPath) : null;
        if (policy is not null)
        {
            try
            {
                PolicyLoader.Load(policy);
            }
            catch (PolicyException e)
            {
                errors.AddRange(e.Errors.Count > 0 ? e.Errors.Select(error => error.ToString()) : [e.Message]);
            }
        }

        string? baseline = inputs.Baseline is { } b ? Path.GetFullPath(b, workspace) : null;
        ScanFacts? baselineFacts = null;
        if (baseline is not null)
        {
            try
            {
                baselineFacts = ReportReader.Read(baseline);
            }
            catch (ScanInputException e)
            {
                errors.Add($"input 'baseline': {e.Message}");
            }
        }

        if (images.Count == 0 && unmatched.Count == 0)
        {
            errors.Add("input 'images' matched no file");
        }

        return errors.Count > 0 ? null : settings with
        {
            PolicyPath = policy,
            PolicyDisplay = policy is null ? null : Inside(settings, policy),
            Database = inputs.Database is { } d ? Path.GetFullPath(d, workspace) : null,
            BaselinePath = baseline,
            BaselineFacts = baselineFacts,
        };
    }

    private static string? Inside(ActionSettings settings, string fullPath) =>
        settings.Display(fullPath) is { } display && display != fullPath ? display : null;

    private static async Task<List<ImageOutcome>> GateImagesAsync(ActionSettings settings, WorkflowCommands commands, CancellationToken cancellationToken)
    {
        var gate = new ImageGate(settings, commands);
        var outcomes = new List<ImageOutcome>();
        foreach (string image in settings.Images)
        {
            commands.Group($"Gate {settings.Display(image)}");
            var outcome = await gate.RunAsync(image, settings.Images.Count, cancellationToken).ConfigureAwait(false);
            commands.EndGroup();
            if (outcome.Problem is { } problem)
            {
                commands.Error(problem, title: "FirmwareGate could not gate " + outcome.Name);
            }
            else
            {
                commands.Line(string.Create(CultureInfo.InvariantCulture,
                    $"{outcome.DisplayPath}: {outcome.Verdict.ToUpperInvariant()}: {outcome.Failing} failing; {outcome.Errors} error(s), {outcome.Warnings} warning(s), {outcome.Notes} note(s), {outcome.Waived} waived"));
            }

            outcomes.Add(outcome);
        }

        return outcomes;
    }

    /// <summary>2 (input error) over 3 (incomplete) over 1 (fail) over 0.</summary>
    private static int Worst(IEnumerable<int> codes)
    {
        var set = codes.ToHashSet();
        return set.Contains(2) ? 2 : set.Contains(3) ? 3 : set.Contains(1) ? 1 : 0;
    }

    private static void WriteOutputs(ActionEnvironment environment, IReadOnlyList<ImageOutcome> images, int exitCode)
    {
        if (environment.OutputFile is not { } file)
        {
            return;
        }

        GitHubOutputFile.Append(file,
        [
            ("verdict", ImageOutcome.VerdictOf(exitCode)),
            ("violations", images.Sum(i => i.Failing).ToString(CultureInfo.InvariantCulture)),
            ("sbom", string.Join('\n', images.Select(i => i.Sbom).OfType<string>())),
            ("sarif", string.Join('\n', images.Select(i => i.Sarif).OfType<string>())),
            ("report", string.Join('\n', images.Select(i => i.Report).OfType<string>())),
        ]);
    }

    private static void Annotate(WorkflowCommands commands, IReadOnlyList<ImageOutcome> images)
    {
        var all = images.SelectMany(i => i.Annotations).ToList();
        foreach (var a in all.Take(MaxLogAnnotations))
        {
            switch (a.Level)
            {
                case PolicyLevel.Error: commands.Error(a.Message, a.File, a.Line, a.Title); break;
                case PolicyLevel.Warning: commands.Warning(a.Message, a.File, a.Line, a.Title); break;
                default: commands.Notice(a.Message, a.File, a.Line, a.Title); break;
            }
        }

        if (all.Count > MaxLogAnnotations)
        {
            commands.Notice($"{all.Count - MaxLogAnnotations} more violation(s) are not annotated in the log: see the job summary, the check run and the SARIF log");
        }
    }

    private static async Task PublishAsync(GitHubPublisher publisher, ActionSettings settings, ActionEnvironment environment, PullRequestEvent? pullRequest, IReadOnlyList<ImageOutcome> images, int exitCode, string markdown, WorkflowCommands commands, CancellationToken cancellationToken)
    {
        if ((pullRequest?.HeadSha ?? environment.Sha) is { } sha)
        {
            var annotations = settings.Inputs.Annotations
                ? images.SelectMany(i => i.Annotations.Select(a => ToCheck(a, i))).Take(GitHubPublisher.MaxCheckAnnotations).ToList()
                : [];
            await publisher.PublishCheckRunAsync(new CheckRunReport
            {
                Name = images.Count == 1 ? "FirmwareGate: " + images[0].Name : $"FirmwareGate: {images.Count} images",
                HeadSha = sha,
                Conclusion = exitCode == 0 ? "success" : "failure",
                Title = ActionMarkdown.Title(images, exitCode),
                Summary = markdown,
                Annotations = annotations,
            }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            commands.Warning("GITHUB_SHA is not set: no check run");
        }

        if (pullRequest is not null && settings.Inputs.Comment)
        {
            await publisher.PublishCommentAsync(pullRequest.Number, markdown, cancellationToken).ConfigureAwait(false);
        }
    }

    private static CheckAnnotation ToCheck(ViolationAnnotation a, ImageOutcome image) => new()
    {
        Path = a.File ?? image.DisplayPath,
        StartLine = a.Line ?? 1,
        EndLine = a.Line ?? 1,
        Level = a.Level switch
        {
            PolicyLevel.Error => CheckAnnotationLevel.Failure,
            PolicyLevel.Warning => CheckAnnotationLevel.Warning,
            _ => CheckAnnotationLevel.Notice,
        },
        Title = a.Title.Length > 255 ? a.Title[..252] + "..." : a.Title,
        Message = a.Message,
    };
}
