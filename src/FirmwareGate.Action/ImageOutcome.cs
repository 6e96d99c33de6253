namespace FirmwareGate.Action;

/// <summary>What one image's gate left behind once its scan is released: verdict, counts, texts, files.</summary>
internal sealed record ImageOutcome
{
    /// <summary>The image's file name.</summary>
    public required string Name { get; init; }

    /// <summary>Relative to the workspace when inside it (forward slashes), else the full path.</summary>
    public required string DisplayPath { get; init; }

    /// <summary>0 pass, 1 fail, 2 input error, 3 incomplete.</summary>
    public required int ExitCode { get; init; }

    /// <summary>Violations that fail the gate.</summary>
    public int Failing { get; init; }

    public int Errors { get; init; }

    public int Warnings { get; init; }

    public int Notes { get; init; }

    public int Waived { get; init; }

    /// <summary>Why the image could not be gated (exit 2), for the log and the summary.</summary>
    public string? Problem { get; init; }

    /// <summary>The gate's Markdown report (verdict first), null for an image that could not be gated.</summary>
    public string? Markdown { get; init; }

    /// <summary>The pull request's policy change on this image's scan, when the policy file changed.</summary>
    public string? PolicyDiffMarkdown { get; init; }

    public IReadOnlyList<ViolationAnnotation> Annotations { get; init; } = [];

    /// <summary>Report files written, relative to the workspace where inside it.</summary>
    public string? Sbom { get; init; }

    public string? Sarif { get; init; }

    public string? Report { get; init; }

    /// <summary><c>pass</c>, <c>fail</c>, <c>incomplete</c> or <c>error</c>.</summary>
    public string Verdict => VerdictOf(ExitCode);

    public static string VerdictOf(int exitCode) => exitCode switch
    {
        0 => "pass",
        1 => "fail",
        3 => "incomplete",
        _ => "error",
    };
}
