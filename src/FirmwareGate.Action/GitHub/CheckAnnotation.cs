namespace FirmwareGate.Action.GitHub;

/// <summary>One check run annotation (the Checks API's <c>output.annotations[]</c>).</summary>
public sealed record CheckAnnotation
{
    /// <summary>Repository-relative path with forward slashes (the policy file, or the image).</summary>
    public required string Path { get; init; }

    /// <summary>First line, 1-based.</summary>
    public required int StartLine { get; init; }

    /// <summary>Last line, 1-based.</summary>
    public required int EndLine { get; init; }

    /// <summary>Notice, warning or failure.</summary>
    public required CheckAnnotationLevel Level { get; init; }

    /// <summary>What is wrong and where in the image (at most 64 KiB).</summary>
    public required string Message { get; init; }

    /// <summary>Short title: the rule id and the image (at most 255 characters).</summary>
    public string? Title { get; init; }
}
