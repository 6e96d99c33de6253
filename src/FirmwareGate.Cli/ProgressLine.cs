namespace FirmwareGate.Cli;

/// <summary>One self-overwriting status line on a terminal; silent when standard error is redirected.</summary>
internal sealed class ProgressLine : IProgress<string>, IDisposable
{
    private readonly TextWriter? _writer;
    private readonly object _gate = new();
    private int _width;

    private ProgressLine(TextWriter? writer) => _writer = writer;

    public static ProgressLine Create(TextWriter stderr, bool enabled) =>
        new(enabled && !Console.IsErrorRedirected && ReferenceEquals(stderr, Console.Error) ? stderr : null);

    public void Report(string value)
    {
        if (_writer is null)
        {
            return;
        }

        lock (_gate)
        {
            string line = value.StartsWith("extracting", StringComparison.Ordinal) || value.StartsWith("matching", StringComparison.Ordinal) || value.StartsWith("db:", StringComparison.Ordinal) ? value : "reading " + value;
            _writer.Write("\r" + line.PadRight(_width));
            _width = line.Length;
        }
    }

    public void Clear()
    {
        if (_writer is null || _width == 0)
        {
            return;
        }

        lock (_gate)
        {
            _writer.Write("\r" + new string(' ', _width) + "\r");
            _width = 0;
        }
    }

    public void Dispose() => Clear();
}
