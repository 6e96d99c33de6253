using System.Globalization;

namespace FirmwareGate.Cli;

/// <summary>What every command shares: the two writers, colour, and the helpers that turn arguments into values or messages.</summary>
internal sealed record CliOutput(TextWriter Stdout, TextWriter Stderr, bool Color)
{
    /// <summary>Colour only on a terminal: the writer is the console, it is not redirected, and NO_COLOR (no-color.org) is unset.</summary>
    public static bool ColorFor(TextWriter stdout) =>
        ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>Writes <c>firmwaregate: MESSAGE</c> to standard error and returns exit code 2.</summary>
    public async Task<int> UsageErrorAsync(string message)
    {
        await Stderr.WriteLineAsync("firmwaregate: " + message).ConfigureAwait(false);
        return FirmwareGateCommand.UsageError;
    }

    /// <summary>Parses <c>--now</c>; false (with a message) when it is not ISO 8601.</summary>
    public bool TryParseNow(string? text, out DateTimeOffset? now)
    {
        now = null;
        if (text is null)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            Stderr.WriteLine($"firmwaregate: --now '{text}' is not an ISO 8601 time");
            return false;
        }

        now = parsed;
        return true;
    }

    /// <summary>Writes a report to a file, or to standard output for '-'; false (with a message) when the file cannot be written.</summary>
    public async Task<bool> WriteFileAsync(string path, Func<string> render, CancellationToken ct)
    {
        string text = render();
        if (path == "-")
        {
            await Stdout.WriteAsync(text).ConfigureAwait(false);
            return true;
        }

        try
        {
            await File.WriteAllTextAsync(path, text, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Stderr.WriteLineAsync($"firmwaregate: cannot write '{path}': {e.Message}").ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>False (with a message) when more than one of the outputs is standard output.</summary>
    public bool OneStdout(params (string Option, string? Path)[] outputs)
    {
        var dashes = outputs.Where(o => o.Path == "-").Select(o => o.Option).ToList();
        if (dashes.Count <= 1)
        {
            return true;
        }

        Stderr.WriteLine($"firmwaregate: {string.Join(" and ", dashes)} cannot {(dashes.Count == 2 ? "both" : "all")} write to standard output");
        return false;
    }
}
