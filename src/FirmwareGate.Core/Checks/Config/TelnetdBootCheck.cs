using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Checks.Config;

/// <summary>
/// <c>config.telnetd_enabled</c>: a telnet server started at boot. Telnet sends the login and everything after it
/// in clear text and, on firmware, usually hands out a root shell. Read from <c>/etc/inittab</c> (busybox and
/// sysvinit syntax), boot scripts (<see cref="BootScripts"/>; <c>start-stop-daemon --start</c>, procd and busybox
/// launches included, stop branches left out), <c>/etc/inetd.conf</c> and xinetd services. Systemd units are
/// <see cref="TelnetSystemdCheck"/>.
/// </summary>
public sealed class TelnetdBootCheck : IFileAnalyzer
{
    /// <summary>Rule id (as the corpus manifests name it).</summary>
    public const string RuleId = "config.telnetd_enabled";

    /// <summary>Base names of telnet servers.</summary>
    internal static readonly HashSet<string> Daemons = new(StringComparer.Ordinal) { "telnetd", "utelnetd", "in.telnetd", "telnetd.busybox" };

    /// <inheritdoc/>
    public string Name => "config-telnetd";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.IsFile && target.Size > 0 && Kind(target.Path) != FileKind.None;
    }

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        var target = file.Target;
        if (ConfigText.Lines(file, sink, Name) is not { } lines)
        {
            return;
        }

        switch (Kind(target.Path))
        {
            case FileKind.Inittab:
                Inittab(target, lines, sink);
                break;
            case FileKind.Inetd:
                Inetd(target, lines, sink);
                break;
            case FileKind.Xinetd:
                Xinetd(target, lines, sink);
                break;
            case FileKind.Script:
                foreach (var c in ShellCommands.Read(lines))
                {
                    if (Daemons.Contains(c.Name) && !c.InStopBranch)
                    {
                        string via = c.Via.Length > 0 ? $" through {c.Via}" : "";
                        Report(sink, target, c.Line, $"boot script starts {c.Name}{via}");
                    }
                }

                break;
        }
    }

    private static void Report(AnalysisSink sink, AnalysisTarget target, int line, string evidence) =>
        sink.Add(Finding.Of(target, RuleId, Severity.High, $"telnet server started at boot ({target.Path}, line {line})", evidence, line: line));

    // id:runlevels:action:process (sysvinit) and id::action:process (busybox); "off" entries never run.
    private static void Inittab(AnalysisTarget target, List<(int Number, string Text)> lines, AnalysisSink sink)
    {
        foreach (var (number, text) in lines)
        {
            string line = text.TrimStart();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split(':', 4);
            if (fields.Length < 4 || fields[2].Trim() == "off")
            {
                continue;
            }

            string process = fields[3].TrimStart().TrimStart('-');
            foreach (var c in ShellCommands.ReadLine(number, process))
            {
                if (Daemons.Contains(c.Name))
                {
                    Report(sink, target, number, $"inittab entry with action '{fields[2].Trim()}' runs {c.Name}");
                }
            }
        }
    }

    // service socket-type protocol wait user server [args]; busybox inetd also takes a port number as the service.
    private static void Inetd(AnalysisTarget target, List<(int Number, string Text)> lines, AnalysisSink sink)
    {
        foreach (var (number, text) in lines)
        {
            string line = ConfigText.StripShellComment(text).Trim();
            var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 6 || f[5] == "internal")
            {
                continue;
            }

            string server = ConfigText.BaseName(f[5]);
            if (server is "tcpd" && f.Length > 6)
            {
                server = ConfigText.BaseName(f[6]);
            }

            string service = f[0].Contains(':', StringComparison.Ordinal) ? f[0][(f[0].LastIndexOf(':') + 1)..] : f[0];
            if (Daemons.Contains(server) || service is "telnet" or "23")
            {
                Report(sink, target, number, $"inetd serves '{service}' with {server}");
            }
        }
    }

    // service NAME { disable = yes|no; server = PATH; ... }; a missing "disable" means enabled.
    private static void Xinetd(AnalysisTarget target, List<(int Number, string Text)> lines, AnalysisSink sink)
    {
        string? service = null;
        int serviceLine = 0;
        string? server = null;
        bool disabled = false;
        bool inBlock = false;
        foreach (var (number, text) in lines)
        {
            string line = ConfigText.StripShellComment(text).Trim();
            if (line.StartsWith("service", StringComparison.Ordinal) && line.Length > 8 && char.IsWhiteSpace(line[7]))
            {
                service = line[8..].Trim().TrimEnd('{').Trim();
                serviceLine = number;
                server = null;
                disabled = false;
                inBlock = line.EndsWith('{');
                continue;
            }

            if (line.StartsWith('{'))
            {
                inBlock = service is not null;
                continue;
            }

            if (line.StartsWith('}'))
            {
                if (inBlock && service is not null && (service == "telnet" || (server is not null && Daemons.Contains(server))) && !disabled)
                {
                    Report(sink, target, serviceLine, $"xinetd service '{service}' without 'disable = yes'");
                }

                service = null;
                inBlock = false;
                continue;
            }

            if (!inBlock)
            {
                continue;
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            string key = line[..eq].Trim().TrimEnd('+', '-').Trim();
            string value = line[(eq + 1)..].Trim();
            if (key == "disable")
            {
                disabled = value.Equals("yes", StringComparison.OrdinalIgnoreCase);
            }
            else if (key == "server")
            {
                server = ConfigText.BaseName(value);
            }
        }
    }

    private static FileKind Kind(string path)
    {
        if (path is "/etc/inittab")
        {
            return FileKind.Inittab;
        }

        if (path is "/etc/inetd.conf")
        {
            return FileKind.Inetd;
        }

        if (path is "/etc/xinetd.conf" || path.StartsWith("/etc/xinetd.d/", StringComparison.Ordinal))
        {
            return FileKind.Xinetd;
        }

        return BootScripts.IsBootScript(path) ? FileKind.Script : FileKind.None;
    }

    private enum FileKind
    {
        None,
        Inittab,
        Inetd,
        Xinetd,
        Script,
    }
}
