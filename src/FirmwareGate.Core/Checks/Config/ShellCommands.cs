using System.Text;
using System.Text.RegularExpressions;

namespace FirmwareGate.Core.Checks.Config;

/// <summary>One command a shell script (or an inittab process field) runs, as far as a cheap reading can tell.</summary>
/// <param name="Line">1-based line where the command starts.</param>
/// <param name="Name">The command's base name ("telnetd" for "/usr/sbin/telnetd"), after wrappers are skipped.</param>
/// <param name="Args">Its arguments, quotes removed.</param>
/// <param name="ArgsHaveVariables">True when an argument holds a variable or command substitution (its value is unknown).</param>
/// <param name="InStopBranch">True inside a <c>stop)</c> case branch or a <c>stop()</c> function.</param>
/// <param name="Via">The launcher the command went through ("start-stop-daemon", "procd", "busybox"), or "".</param>
internal sealed record ShellCommand(int Line, string Name, IReadOnlyList<string> Args, bool ArgsHaveVariables, bool InStopBranch, string Via);

/// <summary>
/// A bounded, tolerant reading of shell scripts for the boot-service rules: comments, quotes, line continuations
/// and here-documents are honoured; wrappers (<c>exec</c>, <c>nohup</c>, <c>busybox</c>, <c>start-stop-daemon --start
/// --exec</c>, <c>procd_set_param command</c>, <c>service_start</c>) are looked through; simple variables holding a
/// command path (<c>DAEMON=/usr/sbin/telnetd</c>) are resolved; commands inside a <c>stop</c> case branch or
/// function are marked. It does not run or fully parse the shell: what it cannot resolve it leaves out.
/// </summary>
internal static partial class ShellCommands
{
    private const int MaxLogicalLineChars = 16 * 1024;
    private const int MaxVariables = 256;

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time", "exec", "nohup", "setsid",
        "command", "builtin", "env", "sudo", "eval", "doas",
    };

    private static readonly HashSet<string> StopNames = new(StringComparer.Ordinal)
    {
        "stop", "stop_service", "force-stop", "kill", "shutdown", "do_stop",
    };

    /// <summary>The commands of a script, in line order.</summary>
    public static List<ShellCommand> Read(IReadOnlyList<(int Number, string Text)> lines)
    {
        var result = new List<ShellCommand>();
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        string? function = null;
        int caseDepth = 0;
        string[]? labels = null;
        string? heredoc = null;
        bool heredocTabs = false;
        for (int i = 0; i < lines.Count; i++)
        {
            var (number, text) = lines[i];
            if (heredoc is not null)
            {
                if ((heredocTabs ? text.TrimStart('\t') : text) == heredoc)
                {
                    heredoc = null;
                }

                continue;
            }

            // Continuation lines join the logical line that starts here.
            var builder = new StringBuilder(ConfigText.StripShellComment(text));
            while (EndsWithContinuation(builder) && i + 1 < lines.Count && builder.Length < MaxLogicalLineChars)
            {
                builder.Length--;
                builder.Append(' ').Append(ConfigText.StripShellComment(lines[++i].Text));
            }

            string line = builder.ToString();
            if (line.Length > 0 && line[0] == '}')
            {
                function = null;
            }

            if (FunctionStart().Match(line) is { Success: true } f)
            {
                function = f.Groups[1].Value;
                line = line[f.Length..];
            }
            else if (caseDepth > 0 && CaseLabel().Match(line) is { Success: true } c && !c.Groups[1].Value.Contains('=', StringComparison.Ordinal))
            {
                labels = [.. c.Groups[1].Value.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim('"', '\''))];
                line = line[c.Length..];
            }

            if (HereDoc().Match(line) is { Success: true } h)
            {
                heredoc = h.Groups[3].Value;
                heredocTabs = h.Groups[1].Value == "-";
            }

            bool inStop = (function is not null && StopNames.Contains(function))
                || (labels is { Length: > 0 } && labels.All(StopNames.Contains));
            foreach (var (words, branchEnds) in SimpleCommands(Tokenize(line)))
            {
                if (words.Count > 0)
                {
                    if (words[0].Text == "case")
                    {
                        caseDepth++;
                    }
                    else if (words[0].Text == "esac")
                    {
                        caseDepth = Math.Max(0, caseDepth - 1);
                        labels = null;
                    }
                    else if (Resolve(words, variables, number, inStop) is { } command)
                    {
                        result.Add(command);
                    }
                }

                if (branchEnds)
                {
                    labels = null;
                    inStop = function is not null && StopNames.Contains(function);
                }
            }
        }

        return result;
    }

    /// <summary>The commands of one command line (an inittab process field, an inetd server and its arguments).</summary>
    public static List<ShellCommand> ReadLine(int number, string text) => Read([(number, text)]);

    private static bool EndsWithContinuation(StringBuilder b)
    {
        int n = 0;
        for (int i = b.Length - 1; i >= 0 && b[i] == '\\'; i--)
        {
            n++;
        }

        return n % 2 == 1;
    }

    private static ShellCommand? Resolve(List<Word> words, Dictionary<string, string> variables, int line, bool inStop)
    {
        int i = 0;
        while (i < words.Count)
        {
            var w = words[i];
            if (Assignment().Match(w.Text) is { Success: true } a)
            {
                if (!w.HasVariable && variables.Count < MaxVariables)
                {
                    variables[a.Groups[1].Value] = a.Groups[2].Value;
                }

                i++;
                continue;
            }

            if (Keywords.Contains(w.Text))
            {
                i++;
                continue;
            }

            if (w.Text == "nice")
            {
                i += i + 1 < words.Count && words[i + 1].Text == "-n" ? 3 : i + 1 < words.Count && words[i + 1].Text.StartsWith('-') ? 2 : 1;
                continue;
            }

            break;
        }

        if (i >= words.Count)
        {
            return null;
        }

        string via = "";
        var (name, args) = Expand(words, i, variables);
        if (name is null)
        {
            return null;
        }

        if (name == "busybox" && args.Count > 0)
        {
            via = "busybox";
            name = ConfigText.BaseName(args[0].Text);
            args = args[1..];
        }
        else if (name == "start-stop-daemon")
        {
            if (!IsStart(args) || ExecOf(args) is not { } exec)
            {
                return null;
            }

            via = "start-stop-daemon";
            int dashes = args.FindIndex(a => a.Text == "--");
            var inner = new List<Word> { exec };
            if (dashes >= 0)
            {
                inner.AddRange(args[(dashes + 1)..]);
            }

            (name, args) = Expand(inner, 0, variables);
        }
        else if (name == "procd_set_param" && args.Count > 1 && args[0].Text == "command")
        {
            via = "procd";
            (name, args) = Expand(args, 1, variables);
        }
        else if (name is "service_start" or "daemon" && args.Count > 0)
        {
            via = name;
            int first = args.FindIndex(a => !a.Text.StartsWith('-'));
            if (first < 0)
            {
                return null;
            }

            (name, args) = Expand(args, first, variables);
        }

        return name is null
            ? null
            : new ShellCommand(line, name, [.. args.Select(a => a.Text)], args.Any(a => a.HasVariable), inStop, via);
    }

    // The command word at words[index] (a $VARIABLE holding a command line is expanded) and its arguments.
    private static (string? Name, List<Word> Args) Expand(List<Word> words, int index, Dictionary<string, string> variables)
    {
        var word = words[index];
        var args = words[(index + 1)..];
        if (!word.HasVariable)
        {
            return (ConfigText.BaseName(word.Text), args);
        }

        if (VariableReference().Match(word.Text) is not { Success: true } v
            || !variables.TryGetValue(v.Groups[1].Value, out string? value)
            || value.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries) is not { Length: > 0 } parts)
        {
            return (null, args);
        }

        return (ConfigText.BaseName(ConfigText.Unquote(parts[0])), [.. parts[1..].Select(p => new Word(p, false)), .. args]);
    }

    private static bool IsStart(List<Word> args) =>
        args.Any(a => a.Text == "--start" || (a.Text.Length > 1 && a.Text[0] == '-' && a.Text[1] != '-' && a.Text.Contains('S', StringComparison.Ordinal)));

    private static Word? ExecOf(List<Word> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string t = args[i].Text;
            if (t == "--")
            {
                break;
            }

            foreach (string option in (string[])["--exec=", "--startas="])
            {
                if (t.StartsWith(option, StringComparison.Ordinal))
                {
                    return new Word(t[option.Length..], args[i].HasVariable);
                }
            }

            bool takesNext = t is "--exec" or "--startas" || (t.Length > 1 && t[0] == '-' && t[1] != '-' && t[^1] is 'x' or 'a');
            if (takesNext && i + 1 < args.Count)
            {
                return args[i + 1];
            }
        }

        return null;
    }

    // Simple commands between operators; the flag says a ";;" ended the case branch after this command.
    private static IEnumerable<(List<Word> Words, bool BranchEnds)> SimpleCommands(List<Token> tokens)
    {
        var words = new List<Word>();
        bool skipNext = false;
        foreach (var t in tokens)
        {
            if (t.Op is null)
            {
                if (skipNext)
                {
                    skipNext = false;
                }
                else
                {
                    words.Add(new Word(t.Text, t.HasVariable));
                }

                continue;
            }

            if (t.Op == "redir")
            {
                skipNext = true;
                continue;
            }

            yield return (words, t.Op == ";;");
            words = [];
            skipNext = false;
        }

        yield return (words, false);
    }

    private static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var word = new StringBuilder();
        bool inWord = false;
        bool hasVar = false;

        void End()
        {
            if (inWord)
            {
                tokens.Add(new Token(word.ToString(), hasVar, null));
            }

            word.Clear();
            inWord = false;
            hasVar = false;
        }

        void Op(string op)
        {
            End();
            tokens.Add(new Token("", false, op));
        }

        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case ' ' or '\t':
                    End();
                    break;
                case '\'':
                    inWord = true;
                    int close = s.IndexOf('\'', i + 1);
                    close = close < 0 ? s.Length : close;
                    word.Append(s, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    for (i++; i < s.Length && s[i] != '"'; i++)
                    {
                        if (s[i] == '\\' && i + 1 < s.Length)
                        {
                            i++;
                        }
                        else if (s[i] is '$' or '`')
                        {
                            hasVar = true;
                        }

                        word.Append(s[i]);
                    }

                    break;
                case '\\':
                    inWord = true;
                    if (i + 1 < s.Length)
                    {
                        word.Append(s[++i]);
                    }

                    break;
                case ';':
                    bool dsemi = i + 1 < s.Length && s[i + 1] == ';';
                    i += dsemi ? 1 : 0;
                    Op(dsemi ? ";;" : ";");
                    break;
                case '&' or '|':
                    i += i + 1 < s.Length && s[i + 1] == c ? 1 : 0;
                    Op(c.ToString());
                    break;
                case '(' or ')' or '`':
                    Op(c.ToString());
                    break;
                case '<' or '>':
                    while (i + 1 < s.Length && s[i + 1] is '<' or '>' or '&')
                    {
                        i++;
                    }

                    if (word.Length > 0 && word.ToString().All(char.IsAsciiDigit))
                    {
                        word.Clear();
                        inWord = false;
                    }

                    Op("redir");
                    break;
                case '$' when i + 1 < s.Length && s[i + 1] == '(':
                    i++;
                    Op("(");
                    break;
                case '$':
                    inWord = true;
                    hasVar = true;
                    word.Append(c);
                    break;
                default:
                    inWord = true;
                    word.Append(c);
                    break;
            }
        }

        End();
        return tokens;
    }

    [GeneratedRegex(@"^\s*(?:function\s+)?([A-Za-z_][\w.-]*)\s*\(\s*\)\s*\{?", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionStart();

    [GeneratedRegex(@"^\s*\(?\s*([\w*.?""'-]+(?:\s*\|\s*[\w*.?""'-]+)*)\s*\)", RegexOptions.CultureInvariant)]
    private static partial Regex CaseLabel();

    [GeneratedRegex(@"<<(-?)\s*(['""]?)([A-Za-z_]\w*)\2", RegexOptions.CultureInvariant)]
    private static partial Regex HereDoc();

    [GeneratedRegex(@"^([A-Za-z_]\w*)=(.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^\$\{?([A-Za-z_]\w*)\}?$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();

    private sealed record Word(string Text, bool HasVariable);

    private sealed record Token(string Text, bool HasVariable, string? Op);
}
