namespace FirmwareGate.Core.Policy;

/// <summary>The errors found in one policy file, collected so that one run reports all of them.</summary>
/// <param name="file">The file as given, or <c>&lt;policy&gt;</c>.</param>
internal sealed class PolicyErrors(string file)
{
    private readonly List<PolicyError> _errors = [];

    /// <summary>The file errors name.</summary>
    public string File { get; } = file;

    /// <summary>How many so far.</summary>
    public int Count => _errors.Count;

    /// <summary>Adds an error.</summary>
    public void Add(SourcePosition at, string message) => _errors.Add(new PolicyError(File, at, message));

    /// <summary>The errors in file order (line, then column, then the order found).</summary>
    public IReadOnlyList<PolicyError> InFileOrder() =>
        [.. _errors.Select((e, i) => (e, i)).OrderBy(x => x.e.Position.Line).ThenBy(x => x.e.Position.Column).ThenBy(x => x.i).Select(x => x.e)];
}
