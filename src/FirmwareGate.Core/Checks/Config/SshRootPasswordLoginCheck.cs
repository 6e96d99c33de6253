using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Checks.Config;

/// <summary>
/// <c>config.ssh_root_password_login</c>: root may log in over SSH with a password, the usual way a device with a
/// default or shared root password is taken over from the network. Read from OpenSSH's <c>sshd_config</c> and its
/// <c>sshd_config.d/*.conf</c> drop-ins, OpenWrt's UCI <c>/etc/config/dropbear</c>, <c>/etc/default/dropbear</c>
/// (and <c>/etc/sysconfig/dropbear</c>), and boot scripts that start dropbear with literal arguments.
/// Explicit settings (<c>PermitRootLogin yes</c>, <c>option RootPasswordAuth 'on'</c>) are high; dropbear's defaults
/// (started without <c>-w</c>, <c>-g</c> or <c>-s</c>, which allows it) are medium. OpenSSH without a
/// <c>PermitRootLogin</c> line is not reported: its default since 7.0 is <c>prohibit-password</c>.
/// </summary>
public sealed class SshRootPasswordLoginCheck : IFileAnalyzer
{
    /// <summary>Rule id (as the corpus manifests name it).</summary>
    public const string RuleId = "config.ssh_root_password_login";

    // dropbear options that take an argument: the rest of their cluster, or the next word, is that argument.
    private const string DropbearOptionsWithArgument = "bpPrIKWTcDG";

    /// <inheritdoc/>
    public string Name => "config-ssh-root-login";

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
            case FileKind.SshdConfig:
                SshdConfig(target, lines, sink);
                break;
            case FileKind.DropbearUci:
                DropbearUci(target, lines, sink);
                break;
            case FileKind.DropbearDefaults:
                DropbearDefaults(target, lines, sink);
                break;
            case FileKind.Script:
                foreach (var c in ShellCommands.Read(lines))
                {
                    // procd scripts append -w/-g/-s later from UCI (read from /etc/config/dropbear instead);
                    // arguments held in variables are unknown here.
                    if (c.Name == "dropbear" && c.Via != "procd" && !c.InStopBranch && !c.ArgsHaveVariables && !DisablesRootPassword(c.Args))
                    {
                        sink.Add(Finding.Of(target, RuleId, Severity.Medium,
                            $"dropbear started at boot allowing root password login ({target.Path}, line {c.Line})",
                            "dropbear is started without -w, -g or -s; by default it lets root log in with a password", line: c.Line));
                    }
                }

                break;
        }
    }

    /// <summary>True when dropbear arguments hold -w (no root login), -g (no root password login) or -s (no password login).</summary>
    internal static bool DisablesRootPassword(IEnumerable<string> args)
    {
        bool skipNext = false;
        foreach (string a in args)
        {
            if (skipNext)
            {
                skipNext = false;
                continue;
            }

            if (a.Length < 2 || a[0] != '-' || a[1] == '-')
            {
                continue;
            }

            for (int i = 1; i < a.Length; i++)
            {
                if (a[i] is 'w' or 'g' or 's')
                {
                    return true;
                }

                if (DropbearOptionsWithArgument.Contains(a[i], StringComparison.Ordinal))
                {
                    skipNext = i == a.Length - 1;
                    break;
                }
            }
        }

        return false;
    }

    // OpenSSH: the first value of a keyword wins; lines after "Match" apply only to matching connections.
    private static void SshdConfig(AnalysisTarget target, List<(int Number, string Text)> lines, AnalysisSink sink)
    {
        var global = new Dictionary<string, (string Value, int Line)>(StringComparer.OrdinalIgnoreCase);
        var blocks = new List<(int Line, Dictionary<string, (string Value, int Line)> Settings)>();
        var current = global;
        foreach (var (number, text) in lines)
        {
            string line = text.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int end = line.IndexOfAny([' ', '\t', '=']);
            string keyword = end < 0 ? line : line[..end];
            string value = end < 0 ? "" : line[end..].TrimStart(' ', '\t', '=').Trim();
            int space = value.IndexOfAny([' ', '\t']);
            value = ConfigText.Unquote(space < 0 ? value : value[..space]);
            if (keyword.Equals("Match", StringComparison.OrdinalIgnoreCase))
            {
                current = new Dictionary<string, (string Value, int Line)>(StringComparer.OrdinalIgnoreCase);
                blocks.Add((number, current));
                continue;
            }

            current.TryAdd(keyword, (value.ToLowerInvariant(), number));
        }

        if (global.TryGetValue("PermitRootLogin", out var root) && root.Value == "yes" && PasswordsAllowed(global, null) is { } why)
        {
            sink.Add(Finding.Of(target, RuleId, Severity.High,
                $"sshd lets root log in with a password ({target.Path}, line {root.Line})",
                $"PermitRootLogin yes; {why}", line: root.Line));
        }

        foreach (var (matchLine, settings) in blocks)
        {
            if (settings.TryGetValue("PermitRootLogin", out var r) && r.Value == "yes" && PasswordsAllowed(settings, global) is { } w)
            {
                sink.Add(Finding.Of(target, RuleId, Severity.Medium,
                    $"sshd lets root log in with a password for some connections ({target.Path}, line {r.Line})",
                    $"PermitRootLogin yes in the Match block of line {matchLine}; {w}", line: r.Line));
            }
        }
    }

    // Why password logins are possible, or null when they are not: PasswordAuthentication (default yes), or
    // keyboard-interactive through PAM (UsePAM yes and KbdInteractiveAuthentication not no).
    private static string? PasswordsAllowed(Dictionary<string, (string Value, int Line)> settings, Dictionary<string, (string Value, int Line)>? fallback)
    {
        (string Value, int Line)? Get(string key) =>
            settings.TryGetValue(key, out var v) ? v : fallback is not null && fallback.TryGetValue(key, out var g) ? g : null;

        var password = Get("PasswordAuthentication");
        if (password is null)
        {
            return "PasswordAuthentication not set (OpenSSH default yes)";
        }

        if (password.Value.Value != "no")
        {
            return $"PasswordAuthentication {password.Value.Value} (line {password.Value.Line})";
        }

        var pam = Get("UsePAM");
        var kbd = Get("KbdInteractiveAuthentication") ?? Get("ChallengeResponseAuthentication");
        return pam?.Value == "yes" && kbd?.Value != "no"
            ? $"PasswordAuthentication no, but UsePAM yes (line {pam.Value.Line}) with keyboard-interactive authentication"
            : null;
    }

    // OpenWrt: config dropbear sections; enable, PasswordAuth, RootPasswordAuth and RootLogin default to on
    // (dropbear.init adds -s, -g, -w when they are off).
    private static void DropbearUci(AnalysisTarget target, List<(int Number, string Text)> lines, AnalysisSink sink)
    {
        int sectionLine = 0;
        Dictionary<string, (string Value, int Line)>? options = null;

        void Close()
        {
            if (options is null)
            {
                return;
            }

            bool Off(string key) => options.TryGetValue(key, out var v) && ConfigText.UciBool(v.Value) == false;
            if (Off("enable") || Off("PasswordAuth") || Off("RootPasswordAuth") || Off("RootLogin"))
            {
                return;
            }

            if (options.TryGetValue("RootPasswordAuth", out var explicitOn))
            {
                sink.Add(Finding.Of(target, RuleId, Severity.High,
                    $"dropbear lets root log in with a password ({target.Path}, line {explicitOn.Line})",
                    $"option RootPasswordAuth '{explicitOn.Value}' in the dropbear section of line {sectionLine}; PasswordAuth and RootLogin not off",
                    line: explicitOn.Line));
            }
            else
            {
                sink.Add(Finding.Of(target, RuleId, Severity.Medium,
                    $"dropbear lets root log in with a password by default ({target.Path}, line {sectionLine})",
                    "dropbear section without RootPasswordAuth, PasswordAuth or RootLogin set off (OpenWrt default on)",
                    line: sectionLine));
            }
        }

        foreach (var (number, text) in lines)
        {
            string line = ConfigText.StripShellComment(text).Trim();
            var words = line.Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            if (words[0] == "config")
            {
                Close();
                bool dropbear = words.Length > 1 && ConfigText.Unquote(words[1]) == "dropbear";
                options = dropbear ? new Dictionary<string, (string, int)>(StringComparer.Ordinal) : null;
                sectionLine = number;
            }
            else if (words[0] == "option" && words.Length == 3 && options is not null)
            {
                options.TryAdd(ConfigText.Unquote(words[1]), (ConfigText.Unquote(words[2]), number));
            }
        }

        Close();
    }

    // Debian, Yocto and Buildroot: DROPBEAR_EXTRA_ARGS (or DROPBEAR_ARGS) for the init script; NO_START=1 keeps it off.
    private static void DropbearDefaults(AnalysisTarget target, List<(int Number, string Text)> lines, AnalysisSink sink)
    {
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        foreach (var (number, text) in lines)
        {
            string line = ConfigText.StripShellComment(text).Trim();
            line = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..].TrimStart() : line;
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq]] = (ConfigText.Unquote(line[(eq + 1)..]), number);
            }
        }

        if (values.TryGetValue("NO_START", out var noStart) && noStart.Value == "1")
        {
            return;
        }

        foreach (string key in (string[])["DROPBEAR_EXTRA_ARGS", "DROPBEAR_ARGS"])
        {
            if (values.TryGetValue(key, out var args) && !args.Value.Contains('$', StringComparison.Ordinal)
                && !DisablesRootPassword(args.Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)))
            {
                sink.Add(Finding.Of(target, RuleId, Severity.Medium,
                    $"dropbear lets root log in with a password by default ({target.Path}, line {args.Line})",
                    $"{key} has none of -w, -g, -s: dropbear's default allows root password login", line: args.Line));
            }
        }
    }

    private static FileKind Kind(string path)
    {
        string name = ConfigText.BaseName(path);
        string dir = ConfigText.DirectoryOf(path);
        if (name == "sshd_config" && (dir.StartsWith("/etc", StringComparison.Ordinal) || dir.StartsWith("/usr/etc", StringComparison.Ordinal) || dir.StartsWith("/usr/local/etc", StringComparison.Ordinal)))
        {
            return FileKind.SshdConfig;
        }

        if (dir.EndsWith("/sshd_config.d", StringComparison.Ordinal) && name.EndsWith(".conf", StringComparison.Ordinal))
        {
            return FileKind.SshdConfig;
        }

        return path switch
        {
            "/etc/config/dropbear" => FileKind.DropbearUci,
            "/etc/default/dropbear" or "/etc/sysconfig/dropbear" => FileKind.DropbearDefaults,
            _ => BootScripts.IsBootScript(path) ? FileKind.Script : FileKind.None,
        };
    }

    private enum FileKind
    {
        None,
        SshdConfig,
        DropbearUci,
        DropbearDefaults,
        Script,
    }
}
