namespace FirmwareGate.Core.Policy;

/// <summary>One problem in a policy file, where it is and what to do.</summary>
/// <param name="File">The policy file as given (or "&lt;policy&gt;" for text without a file).</param>
/// <param name="Position">Line and column.</param>
/// <param name="Message">One line: what is wrong and the accepted values.</param>
public sealed record PolicyError(string File, SourcePosition Position, string Message)
{
    /// <summary>The compiler-style form MSBuild and GitHub's problem matchers read: <c>file(line,col): error: message</c>.</summary>
    public override string ToString() => $"{File}({Position.Line},{Position.Column}): error: {Message}";
}

/// <summary>A policy file that cannot be used: it is malformed, breaks the schema or has semantic errors (exit 2).</summary>
public sealed class PolicyException : Exception
{
    /// <summary>A policy with the given errors.</summary>
    public PolicyException(IReadOnlyList<PolicyError> errors)
        : base(errors is { Count: > 0 } ? errors[0].ToString() + (errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "") : "invalid policy") =>
        Errors = errors;

    /// <summary>An unreadable policy file.</summary>
    public PolicyException(string message, Exception inner)
        : base(message, inner) => Errors = [];

    /// <summary>Empty constructor for serializers.</summary>
    public PolicyException() => Errors = [];

    /// <summary>A message-only error.</summary>
    public PolicyException(string message)
        : base(message) => Errors = [];

    /// <summary>Every error found, in file order.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }
}
