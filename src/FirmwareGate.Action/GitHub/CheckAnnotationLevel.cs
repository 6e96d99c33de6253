namespace FirmwareGate.Action.GitHub;

/// <summary>The Checks API's <c>annotation_level</c>.</summary>
public enum CheckAnnotationLevel
{
    /// <summary><c>notice</c>.</summary>
    Notice,

    /// <summary><c>warning</c>.</summary>
    Warning,

    /// <summary><c>failure</c>.</summary>
    Failure,
}
