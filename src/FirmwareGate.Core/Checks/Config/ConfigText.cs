using System.Text;
using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Checks.Config;

/// <summary>
/// Bounded line reading for the configuration rules: files are decoded as Latin-1 (every byte one char, so
/// vendor bytes never fail to decode), lines are cut at <see cref="MaxLineChars"/> and reading stops after
/// <see cref="MaxLines"/>; either limit is reported once as a note naming the line.
/// </summary>
internal static class ConfigText
{
    /// <summary>Largest configuration file or init script read; larger ones are noted and skipped.</summary>
    public const long MaxFileBytes = 1 << 20;

    /// <summary>Characters kept of one line.</summary>
    public const int MaxLineChars = 4096;

    /// <summary>Lines read of one file.</summary>
    public const int MaxLines = 100_000;

    /// <summary>
    /// The lines of a file (LF, CRLF or CR ends), 1-based, each at most <see cref="MaxLineChars"/>; null when the
    /// file is over <see cref="MaxFileBytes"/> (noted).
    /// </summary>
    public static List<(int Number, string Text)>? Lines(AnalyzedFile file, AnalysisSink sink, string analyzer)
    {
        if (file.Target.Size > MaxFileBytes)
        {
            sink.Note(file.Target, analyzer, $"{file.Target.Size} bytes, over the {MaxFileBytes}-byte cap for configuration files; not read");
            return null;
        }

        return Lines(file.Bytes, message => sink.Note(file.Target, analyzer, message), file.CancellationToken);
    }

    /// <summary>The lines of <paramref name="data"/>; <paramref name="note"/> hears about cut lines and the line cap, once each.</summary>
    public static List<(int Number, string Text)> Lines(ReadOnlySpan<byte> data, Action<string>? note = null, CancellationToken ct = default)
    {
        var lines = new List<(int, string)>();
        bool cutNoted = false;
        int pos = 0;
        int number = 0;
        while (TextLines.Next(data, ref pos, ref number, ct, out var line))
        {
            if (number > MaxLines)
            {
                note?.Invoke($"more than {MaxLines} lines; the rest is not read");
                break;
            }

            if (line.Length > MaxLineChars)
            {
                if (!cutNoted)
                {
                    note?.Invoke($"line {number} is {line.Length} bytes long; read up to {MaxLineChars}");
                    cutNoted = true;
                }

                line = line[..MaxLineChars];
            }

            lines.Add((number, Encoding.Latin1.GetString(line)));
        }

        return lines;
    }

    /// <summary>The last component of a path or command word ("/usr/sbin/telnetd" gives "telnetd").</summary>
    public static string BaseName(string word)
    {
        int slash = word.LastIndexOf('/');
        return slash >= 0 ? word[(slash + 1)..] : word;
    }

    /// <summary>The directory part of a path ("/etc/init.d/S50telnet" gives "/etc/init.d"); "" for a bare name.</summary>
    public static string DirectoryOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash > 0 ? path[..slash] : "";
    }

    /// <summary>True when the first bytes look like text: no NUL and no control bytes other than tab, line ends, form feed and escape.</summary>
    public static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return false;
        }

        foreach (byte b in head)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x1B))
            {
                return false;
            }

            if (b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Cuts a shell-style comment: from the first '#' outside quotes that starts a word (at the start of the line or
    /// after a blank, ';', '&amp;', '|', '(' or ')').
    /// </summary>
    public static string StripShellComment(string line)
    {
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"')
                {
                    i++;
                }

                continue;
            }

            switch (c)
            {
                case '\\':
                    i++;
                    break;
                case '\'' or '"':
                    quote = c;
                    break;
                case '#' when i == 0 || line[i - 1] is ' ' or '\t' or ';' or '&' or '|' or '(' or ')':
                    return line[..i];
            }
        }

        return line;
    }

    /// <summary>The value of a UCI option or a shell assignment without its quotes.</summary>
    public static string Unquote(string value)
    {
        value = value.Trim();
        return value.Length >= 2 && (value[0] is '\'' or '"') && value[^1] == value[0] ? value[1..^1] : value;
    }

    /// <summary>UCI booleans as OpenWrt's config_get_bool reads them: null when the value is neither.</summary>
    public static bool? UciBool(string value) => value.ToLowerInvariant() switch
    {
        "1" or "on" or "true" or "yes" or "enabled" => true,
        "0" or "off" or "false" or "no" or "disabled" => false,
        _ => null,
    };
}
