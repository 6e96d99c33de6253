namespace FirmwareGate.Action;

/// <summary>The action's entry point: the runner's environment in, the gate's exit code out.</summary>
internal static class Program
{
    public static async Task<int> Main()
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var log = Console.Out;
        try
        {
            return await ActionRunner.RunAsync(ActionEnvironment.From(Environment.GetEnvironmentVariable), log, cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await log.WriteLineAsync("::error::FirmwareGate was cancelled").ConfigureAwait(false);
            return 2;
        }
#pragma warning disable CA1031 // The job log gets one clear line and exit 2, never a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await log.WriteLineAsync("::error::FirmwareGate failed unexpectedly: " + WorkflowCommands.EscapeData(e.GetType().Name + ": " + e.Message)).ConfigureAwait(false);
            return 2;
        }
    }
}
