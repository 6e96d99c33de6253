namespace FirmwareGate.Action.GitHub;

/// <summary>A completed check run: the verdict, the Markdown summary and the annotations.</summary>
public sealed record CheckRunReport
{
    /// <summary>The check run's name, as listed on the commit and pull request.</summary>
    public required string Name { get; init; }

    /// <summary>The commit the check run belongs to: the pull request's head for pull request events, else <c>GITHUB_SHA</c>.</summary>
    public required string HeadSha { get; init; }

    /// <summary><c>success</c>, <c>failure</c> or <c>neutral</c>.</summary>
    public required string Conclusion { get; init; }

    /// <summary>One line: the verdict and the counts.</summary>
    public required string Title { get; init; }

    /// <summary>Markdown, at most 65,535 characters (the API's limit).</summary>
    public required string Summary { get; init; }

    /// <summary>Annotations in the order to post them; any number (posted 50 per request).</summary>
    public IReadOnlyList<CheckAnnotation> Annotations { get; init; } = [];
}
