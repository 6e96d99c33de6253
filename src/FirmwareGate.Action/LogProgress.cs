namespace FirmwareGate.Action;

/// <summary>The scan's progress in the job log: a line when the stage changes, else at most one every 10 seconds.</summary>
internal sealed class LogProgress(WorkflowCommands log) : IProgress<string>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly object _gate = new();
    private string _stage = "";
    private DateTime _last = DateTime.MinValue;

    public void Report(string value)
    {
        // "analysing files 120/4000" and "extracting /: 10/20 files" share a stage with their next report.
        string stage = value.Split(' ', 2)[0];
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            if (stage == _stage && now - _last < Interval)
            {
                return;
            }

            _stage = stage;
            _last = now;
            log.Line("  " + value);
        }
    }
}
