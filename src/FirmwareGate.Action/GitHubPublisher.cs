using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FirmwareGate.Action.GitHub;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Action;

/// <summary>
/// The check run and the pull request comment. GitHub is a courtesy, never the verdict: a failed call becomes a
/// warning that names the permission or limit, and the gate's exit code stands.
/// </summary>
internal sealed class GitHubPublisher(IGitHubReporter reporter, ActionEnvironment environment, WorkflowCommands log)
{
    /// <summary>The Checks API takes any number of annotations 50 at a time; past this many they stop being useful.</summary>
    public const int MaxCheckAnnotations = 1_000;

    // After GitHub was unreachable, refused the token or rate-limited us, the other calls would fail the same way
    // (each after its timeout): they are skipped with one line instead.
    private string? _givenUp;

    public async Task PublishCheckRunAsync(CheckRunReport report, CancellationToken cancellationToken)
    {
        if (Skipped("the check run"))
        {
            return;
        }

        try
        {
            await reporter.CreateCheckRunAsync(report, cancellationToken).ConfigureAwait(false);
            log.Line($"check run '{report.Name}' created on {report.HeadSha} with {report.Annotations.Count} annotation(s)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GiveUpAfter(e);
            log.Warning(Explain("create the check run", "checks: write", e));
        }
    }

    public async Task PublishCommentAsync(int pullRequest, string markdown, CancellationToken cancellationToken)
    {
        string marker = Marker();
        if (Skipped("the pull request comment"))
        {
            return;
        }

        try
        {
            long id = await reporter.UpsertPullRequestCommentAsync(pullRequest, marker, marker + "\n" + markdown, cancellationToken).ConfigureAwait(false);
            log.Line($"pull request #{pullRequest}: comment {id} written");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GiveUpAfter(e);
            log.Warning(Explain($"comment on pull request #{pullRequest}", "pull-requests: write", e));
        }
    }

    /// <summary>The base's policy when the pull request changed it (the strict default when the file is new there), else null.</summary>
    public async Task<PolicyDocument?> BasePolicyAsync(string policyDisplay, string policyPath, string baseSha, CancellationToken cancellationToken)
    {
        string? text;
        try
        {
            text = await reporter.GetFileAsync(policyDisplay, baseSha, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GiveUpAfter(e);
            log.Warning(Explain($"read {policyDisplay} at the pull request's base", "contents: read", e));
            return null;
        }

        if (text is null)
        {
            log.Line($"{policyDisplay} is new in this pull request: its policy diff is against the built-in strict default");
            return PolicyLoader.StrictDefault;
        }

        if (Normalize(text) == Normalize(File.ReadAllText(policyPath)))
        {
            return null;
        }

        try
        {
            return PolicyLoader.Parse(text, policyDisplay + "@" + baseSha[..Math.Min(12, baseSha.Length)]);
        }
        catch (PolicyException e)
        {
            log.Notice($"the base's {policyDisplay} is not a valid policy ({e.Message}); no policy diff");
            return null;
        }
    }

    /// <summary>
    /// The hidden marker the comment is found by: one comment per workflow, job and <c>images</c> input, so matrix
    /// legs gating different images keep their own comments.
    /// </summary>
    public string Marker()
    {
        string key = $"{environment.Variable("GITHUB_WORKFLOW")}\n{environment.Variable("GITHUB_JOB")}\n{environment.Input("images")}";
        return "<!-- firmwaregate-comment " + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16] + " -->";
    }

    /// <summary>
    /// What went wrong and what to do. Any exception is caught at this boundary (<see cref="GitHubApiException"/>
    /// is the expected one): GitHub is a courtesy, and no failure of it may cost the job its verdict.
    /// </summary>
    public static string Explain(string what, string permission, Exception exception)
    {
        if (exception is not GitHubApiException e)
        {
            return $"could not {what}: {exception.GetType().Name}: {exception.Message}. The gate's verdict stands.";
        }

        return e.Failure switch
        {
            GitHubFailure.Forbidden or GitHubFailure.NotFound =>
                $"could not {what}: {e.Message} (HTTP {e.StatusCode}). The token needs `{permission}`: add `permissions: {permission}` to the job (a pull request from a fork only gets a read-only token). The gate's verdict stands.",
            GitHubFailure.Unauthorized =>
                $"could not {what}: the github-token was refused ({e.Message}). The gate's verdict stands.",
            GitHubFailure.RateLimited =>
                $"could not {what}: GitHub's API rate limit is exhausted{(e.RetryAt is { } at ? " until " + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "")} ({e.Message}). The gate's verdict stands.",
            _ => $"could not {what}: {e.Message}{(e.StatusCode is { } s ? $" (HTTP {s})" : "")}. The gate's verdict stands.",
        };
    }

    private void GiveUpAfter(Exception e)
    {
        if (e is not GitHubApiException { Failure: GitHubFailure.Forbidden or GitHubFailure.NotFound or GitHubFailure.Other })
        {
            _givenUp = e is GitHubApiException g ? g.Failure.ToString() : e.GetType().Name;
        }
    }

    private bool Skipped(string what)
    {
        if (_givenUp is null)
        {
            return false;
        }

        log.Line($"{what} skipped: an earlier GitHub call failed ({_givenUp})");
        return true;
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd();
}
