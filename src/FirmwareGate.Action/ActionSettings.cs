using FirmwareGate.Core.Policy;

namespace FirmwareGate.Action;

/// <summary>The inputs resolved against the workspace, plus what every image's gate shares.</summary>
internal sealed record ActionSettings
{
    /// <summary>Check run summaries and comments are capped at 65,535 characters; the rest is headroom for the header.</summary>
    public const int MarkdownLimit = 60_000;

    public required ActionInputs Inputs { get; init; }

    /// <summary>Full path.</summary>
    public required string Workspace { get; init; }

    /// <summary>Full path of the policy, null for the built-in strict default.</summary>
    public string? PolicyPath { get; init; }

    /// <summary>The policy's path relative to the workspace (forward slashes) when it is inside it.</summary>
    public string? PolicyDisplay { get; init; }

    /// <summary>Full path of the database, null for none.</summary>
    public string? Database { get; init; }

    public string? BaselinePath { get; init; }

    /// <summary>The baseline read once, for policy diffs.</summary>
    public ScanFacts? BaselineFacts { get; init; }

    /// <summary>The pull request base's policy when it differs from the one gated with, for policy diffs.</summary>
    public PolicyDocument? BasePolicy { get; init; }

    public int ImageCount { get; init; } = 1;

    /// <summary>The images to gate, full paths, sorted.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>Relative to the workspace with forward slashes when inside it, else the full path.</summary>
    public string Display(string fullPath)
    {
        string relative = Path.GetRelativePath(Workspace, fullPath);
        return relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? fullPath
            : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>Characters for one image's Markdown report: the comment's budget shared out, never below 4,000.</summary>
    public int MarkdownBudget(int imageCount) => Math.Max(4_000, MarkdownLimit / Math.Max(1, Math.Min(imageCount, 10)) - 500);
}
