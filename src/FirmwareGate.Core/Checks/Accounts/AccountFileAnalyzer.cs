using System.Globalization;
using System.Text;
using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Checks.Accounts;

/// <summary>
/// Reads the files that hold accounts and passwords: <c>/etc/passwd</c>, <c>/etc/shadow</c>, <c>/etc/shadow-</c>,
/// <c>/etc/group</c>, <c>/etc/gshadow</c>, htpasswd files (<c>.htpasswd</c>, <c>htpasswd</c>, <c>*.htpasswd</c>),
/// Samba's <c>smbpasswd</c> and UCI files (<c>/etc/config/*</c>) with password options. Each entry becomes an
/// in-memory record; <see cref="AccountCheckStep"/> joins passwd and shadow of one filesystem, checks the hashes
/// against the dictionary and reports. Bounded: files over <see cref="MaxFileBytes"/> are skipped with a note,
/// at most <see cref="MaxLines"/> lines of at most <see cref="MaxLineLength"/> characters are read; a malformed
/// line is a note naming the file and line, never its content.
/// </summary>
public sealed class AccountFileAnalyzer : IFileAnalyzer
{
    /// <summary>Largest file read.</summary>
    public const long MaxFileBytes = 4 << 20;

    /// <summary>Lines read per file.</summary>
    public const int MaxLines = 100_000;

    /// <summary>Longest line parsed; longer lines are skipped with a note.</summary>
    public const int MaxLineLength = 8192;

    private const int MaxNotesPerFile = 20;

    /// <inheritdoc/>
    public string Name => "accounts";

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.IsFile && KindOf(target.Path) is not null;
    }

    /// <summary>The kind of account file at <paramref name="path"/>, or null.</summary>
    internal static string? KindOf(string path)
    {
        switch (path)
        {
            case "/etc/passwd":
                return "passwd";
            case "/etc/shadow" or "/etc/shadow-":
                return "shadow";
            case "/etc/group":
                return "group";
            case "/etc/gshadow" or "/etc/gshadow-":
                return "gshadow";
        }

        string name = path[(path.LastIndexOf('/') + 1)..];
        if (name is ".htpasswd" or "htpasswd" || name.EndsWith(".htpasswd", StringComparison.Ordinal))
        {
            return "htpasswd";
        }

        if (name == "smbpasswd")
        {
            return "smbpasswd";
        }

        if (path.StartsWith("/etc/config/", StringComparison.Ordinal) && path.IndexOf('/', 12) < 0 && name.Length > 0)
        {
            return "config";
        }

        return null;
    }

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        var target = file.Target;
        string? kind = KindOf(target.Path);
        if (kind is null)
        {
            return;
        }

        if (target.Size > MaxFileBytes)
        {
            sink.Note(target, Name, $"{target.Size} bytes, over the {MaxFileBytes}-byte cap for account files: not read");
            return;
        }

        var notes = new NoteBudget(sink, target, Name);
        var context = new Context(target.Layer.Location, target.Path, target.Location, kind, target.Entry is { } e && (e.Mode & 0x4) != 0);
        string text = Encoding.UTF8.GetString(file.Bytes);
        int lineNumber = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            if (++lineNumber > MaxLines)
            {
                notes.Add($"more than {MaxLines} lines: the rest not read");
                break;
            }

            if (raw.Length > MaxLineLength)
            {
                notes.Add($"line {lineNumber}: longer than {MaxLineLength} characters, skipped");
                continue;
            }

            var line = raw.TrimEnd('\r');
            if (line.IsWhiteSpace() || line.TrimStart()[0] == '#')
            {
                continue;
            }

            var record = kind switch
            {
                "passwd" => Passwd(context, line.ToString(), lineNumber, notes),
                "shadow" => Shadow(context, line.ToString(), lineNumber, notes),
                "group" or "gshadow" => Group(context, line.ToString(), lineNumber, notes),
                "htpasswd" => Htpasswd(context, line.ToString(), lineNumber, notes),
                "smbpasswd" => Smbpasswd(context, line.ToString(), lineNumber, notes),
                _ => Uci(context, line.ToString(), lineNumber, notes),
            };
            if (record is not null)
            {
                sink.Add(record);
                Prefetch(record);
            }
        }

        notes.Flush();
    }

    // A costly hash's first candidates start now, beside the rest of the walk; the check after the walk reuses them.
    private static void Prefetch(AccountRecord record)
    {
        if (record.Source is "passwd" or "group" or "gshadow")
        {
            return;
        }

        var (algorithm, _, hash) = AccountCheckStep.Classify(record.Secret, record.Source);
        if (hash is not null && algorithm != Crypt.HashAlgorithms.Plaintext)
        {
            Crypt.CostlyHashMemo.Prefetch(Crypt.CryptEngine.Default, CrackBudget.Default, DefaultPasswords.Default.Candidates, algorithm, hash);
        }
    }

    private static AccountRecord Record(Context c, int line, string user, string secret, string source) => new()
    {
        LayerLocation = c.Layer,
        Path = c.Path,
        Location = c.Location,
        Source = source,
        Line = line,
        User = user,
        Secret = secret,
        WorldReadable = c.WorldReadable,
    };

    // name:password:uid:gid:gecos:home:shell; "+" and "-" lines are NIS compat entries.
    private static AccountRecord? Passwd(Context c, string line, int n, NoteBudget notes)
    {
        if (line[0] is '+' or '-')
        {
            return null;
        }

        var f = line.Split(':');
        if (f.Length < 4 || f[0].Length == 0 || !TryId(f[2], out int uid) || !TryId(f[3], out int gid))
        {
            notes.Add($"line {n}: not a passwd entry (name:password:uid:gid:gecos:home:shell)");
            return null;
        }

        return Record(c, n, f[0], f[1], "passwd") with { Uid = uid, Gid = gid, Shell = f.Length >= 7 ? f[6] : null };
    }

    private static AccountRecord? Shadow(Context c, string line, int n, NoteBudget notes)
    {
        if (line[0] is '+' or '-')
        {
            return null;
        }

        var f = line.Split(':');
        if (f.Length < 2 || f[0].Length == 0)
        {
            notes.Add($"line {n}: not a shadow entry (name:hash:...)");
            return null;
        }

        return Record(c, n, f[0], f[1], "shadow");
    }

    // Group passwords (newgrp): only a real hash is an item; "x", "!", "*" and empty mean none.
    private static AccountRecord? Group(Context c, string line, int n, NoteBudget notes)
    {
        var f = line.Split(':');
        if (f.Length < 3 || f[0].Length == 0)
        {
            notes.Add($"line {n}: not a group entry (name:password:gid:members)");
            return null;
        }

        string pw = f[1].TrimStart('!');
        if (pw.Length == 0 || pw is "x" or "*")
        {
            return null;
        }

        int? gid = c.Kind == "group" && TryId(f[2], out int g) ? g : null;
        return Record(c, n, f[0], f[1], "group") with { Gid = gid };
    }

    // user:hash; htdigest files (user:realm:md5) are not htpasswd and are skipped.
    private static AccountRecord? Htpasswd(Context c, string line, int n, NoteBudget notes)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            notes.Add($"line {n}: not an htpasswd entry (user:hash)");
            return null;
        }

        string secret = line[(colon + 1)..];
        if (secret.Contains(':', StringComparison.Ordinal))
        {
            return null;
        }

        return Record(c, n, line[..colon], secret, "htpasswd");
    }

    // user:uid:LM hash:NT hash:[flags]:LCT-time; the NT hash is what is checked.
    private static AccountRecord? Smbpasswd(Context c, string line, int n, NoteBudget notes)
    {
        var f = line.Split(':');
        if (f.Length < 5 || f[0].Length == 0)
        {
            notes.Add($"line {n}: not an smbpasswd entry (user:uid:lm:nt:flags)");
            return null;
        }

        string nt = f[3];
        string secret = nt.StartsWith("NO PASSWORD", StringComparison.Ordinal) ? "" : nt.Length == 32 && Crypt.HashAlgorithms.IsHex(nt) ? "$3$$" + nt.ToLowerInvariant() : "*";
        return Record(c, n, f[0], secret, "smbpasswd") with { Uid = TryId(f[1], out int uid) ? uid : null };
    }

    // UCI: option NAME 'VALUE' (or "VALUE", or a bare word); only password-like option names are kept.
    private static AccountRecord? Uci(Context c, string line, int n, NoteBudget notes)
    {
        var s = line.AsSpan().Trim();
        if (!s.StartsWith("option ", StringComparison.Ordinal) && !s.StartsWith("option\t", StringComparison.Ordinal))
        {
            return null;
        }

        s = s[7..].TrimStart();
        int sp = s.IndexOfAny(' ', '\t');
        if (sp <= 0)
        {
            return null;
        }

        string name = s[..sp].ToString().Trim('\'', '"');
        if (!IsPasswordOption(name, c.Path))
        {
            return null;
        }

        var v = s[sp..].Trim();
        string value;
        if (v.Length >= 1 && (v[0] == '\'' || v[0] == '"'))
        {
            int end = v[1..].IndexOf(v[0]);
            if (end < 0)
            {
                notes.Add($"line {n}: unterminated quote in option {name}");
                return null;
            }

            value = v.Slice(1, end).ToString();
        }
        else
        {
            value = v.ToString();
        }

        // Empty means "no password set"; "$p$user" (rpcd) points at the system account's password; a switch
        // (dropbear's "option PasswordAuth 'on'") or a WEP key index is not a password.
        if (value.Length == 0 || value.StartsWith("$p$", StringComparison.Ordinal) || IsSwitch(value)
            || (name.Equals("key", StringComparison.OrdinalIgnoreCase) && value.Length < 5))
        {
            return null;
        }

        return Record(c, n, name, value, "config");
    }

    /// <summary>True for option names that hold a password or pre-shared key.</summary>
    internal static bool IsPasswordOption(string name, string path)
    {
        string lower = name.ToLowerInvariant();
        // Settings about passwords rather than passwords: PasswordAuth, password_file, passwd_path, min_password_len.
        string[] about = ["auth", "file", "path", "len", "length", "min", "max", "policy", "enable", "enabled", "required", "type"];
        if (about.Any(a => lower.EndsWith(a, StringComparison.Ordinal)))
        {
            return false;
        }

        return lower.Contains("passw", StringComparison.Ordinal) || lower.Contains("passwd", StringComparison.Ordinal)
            || lower is "pass" or "psk" or "secret" || lower.EndsWith("_pass", StringComparison.Ordinal)
            || lower.EndsWith("_secret", StringComparison.Ordinal)
            || (lower == "key" && path.EndsWith("/wireless", StringComparison.Ordinal));
    }

    private static bool IsSwitch(string value) => value.ToLowerInvariant() is "on" or "off" or "yes" or "no" or "true" or "false"
        or "0" or "1" or "enabled" or "disabled" or "none";

    private static bool TryId(string s, out int id) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    private sealed record Context(string Layer, string Path, string Location, string Kind, bool WorldReadable);

    /// <summary>Notes about one file, capped so a hostile file cannot flood the report.</summary>
    private sealed class NoteBudget(AnalysisSink sink, AnalysisTarget target, string analyzer)
    {
        private int _count;

        public void Add(string message)
        {
            if (++_count <= MaxNotesPerFile)
            {
                sink.Note(target, analyzer, message);
            }
        }

        public void Flush()
        {
            if (_count > MaxNotesPerFile)
            {
                sink.Note(target, analyzer, $"{_count - MaxNotesPerFile} more notes about this file not shown");
            }
        }
    }
}
