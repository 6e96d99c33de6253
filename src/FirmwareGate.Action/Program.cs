namespace FirmwareGate.Action;

/// <summary>The action's entry point: the runner's environment in, the gate's exit code out.</summary>
internal static class Program
{
    public static Task<int> Main() => ActionRunner.RunAsync(ActionEnvironment.From(Environment.GetEnvironmentVariable), Console.Out, CancellationToken.None);
}
