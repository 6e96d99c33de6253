using System.Text;

namespace FirmwareGate.Action;

/// <summary>
/// GitHub's workflow commands on the log (<c>::error file=F,line=L,title=T::message</c>), escaped the way the
/// runner unescapes them, so a file name or message from an image cannot end a command early or start another.
/// </summary>
internal sealed class WorkflowCommands(TextWriter log)
{
    public void Error(string message, string? file = null, int? line = null, string? title = null) => Annotation("error", message, file, line, title);

    public void Warning(string message, string? file = null, int? line = null, string? title = null) => Annotation("warning", message, file, line, title);

    public void Notice(string message, string? file = null, int? line = null, string? title = null) => Annotation("notice", message, file, line, title);

    public void Group(string title) => log.Write($"::group::{EscapeData(title)}\n");

    public void EndGroup() => log.Write("::endgroup::\n");

    /// <summary>A plain log line; one that would read as a command (<c>::</c> at its start) is prefixed so it cannot.</summary>
    public void Line(string text)
    {
        foreach (string line in text.Split('\n'))
        {
            log.Write(line.StartsWith("::", StringComparison.Ordinal) ? " " + line + "\n" : line + "\n");
        }
    }

    private void Annotation(string kind, string message, string? file, int? line, string? title)
    {
        var properties = new List<string>();
        if (file is not null)
        {
            properties.Add("file=" + EscapeProperty(file));
        }

        if (line is { } l)
        {
            properties.Add("line=" + l.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (title is not null)
        {
            properties.Add("title=" + EscapeProperty(title));
        }

        log.Write($"::{kind}{(properties.Count > 0 ? " " + string.Join(',', properties) : "")}::{EscapeData(message)}\n");
    }

    /// <summary>The runner's <c>escapeData</c>: <c>%</c>, CR and LF.</summary>
    public static string EscapeData(string value) =>
        new StringBuilder(value).Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A").ToString();

    /// <summary>The runner's <c>escapeProperty</c>: as data, plus <c>:</c> and <c>,</c>.</summary>
    public static string EscapeProperty(string value) =>
        new StringBuilder(EscapeData(value)).Replace(":", "%3A").Replace(",", "%2C").ToString();
}
