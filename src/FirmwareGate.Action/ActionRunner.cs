namespace FirmwareGate.Action;

/// <summary>One action run: inputs to gate runs, reports to files, outputs, summary, annotations and GitHub.</summary>
internal static class ActionRunner
{
    public static Task<int> RunAsync(ActionEnvironment environment, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(log);
        _ = cancellationToken;
        return Task.FromResult(2);
    }
}
