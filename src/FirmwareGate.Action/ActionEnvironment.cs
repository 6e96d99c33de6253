namespace FirmwareGate.Action;

/// <summary>
/// What the runner hands the action: the inputs (<c>INPUT_*</c>, named as in action.yml, upper case, hyphens kept)
/// and the job's context (<c>GITHUB_*</c>). Built from a lookup so tests pass a dictionary and nothing reads or
/// mutates the process environment.
/// </summary>
internal sealed record ActionEnvironment
{
    public required Func<string, string?> Lookup { get; init; }

    public static ActionEnvironment From(Func<string, string?> lookup) => new() { Lookup = lookup };

    public static ActionEnvironment From(IReadOnlyDictionary<string, string> variables) =>
        From(name => variables.TryGetValue(name, out string? value) ? value : null);

    /// <summary>An input as the runner passes it (<c>INPUT_FAIL-ON-INCOMPLETE</c>), trimmed; empty when unset.</summary>
    public string Input(string name) => (Lookup("INPUT_" + name.Replace(' ', '_').ToUpperInvariant()) ?? "").Trim();

    /// <summary>A context variable, null when unset or empty.</summary>
    public string? Variable(string name) => Lookup(name) is { Length: > 0 } value ? value : null;

    public string Workspace => Variable("GITHUB_WORKSPACE") ?? Directory.GetCurrentDirectory();

    public string? EventName => Variable("GITHUB_EVENT_NAME");

    public string? EventPath => Variable("GITHUB_EVENT_PATH");

    public string? Repository => Variable("GITHUB_REPOSITORY");

    public string? Sha => Variable("GITHUB_SHA");

    public Uri ApiUrl => Uri.TryCreate(Variable("GITHUB_API_URL"), UriKind.Absolute, out var uri) ? uri : new Uri("https://api.github.com");

    public string? OutputFile => Variable("GITHUB_OUTPUT");

    public string? StepSummaryFile => Variable("GITHUB_STEP_SUMMARY");

    public string? Token => Input("github-token") is { Length: > 0 } token ? token : null;
}
