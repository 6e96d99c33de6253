using System.Text;
using System.Text.Json;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Accounts;
using FirmwareGate.Core.Checks.Accounts.Crypt;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Checks.Accounts;

/// <summary>The account readers and the merge step over a small tree whose hashes come from openssl, mkpasswd and htpasswd.</summary>
public sealed class AccountCheckTests
{
    private static readonly string[] VectorLines = System.IO.File.ReadAllLines(TestPaths.Fixture("Accounts/vectors.tsv"));

    private static string Vector(string tool, string algorithm, string password) =>
        VectorLines.Select(l => l.Split('\t')).First(f => f[0] == tool && f[1] == algorithm && f[2] == password)[3];

    private static readonly string RootMd5 = Vector("openssl", "md5crypt", "admin");
    private static readonly string OperatorYescrypt = Vector("mkpasswd", "yescrypt", "password");
    private static readonly string LockedSha512 = Vector("openssl", "sha512crypt", "password");
    private static readonly string StrongSha256 = Vector("openssl", "sha256crypt", "Vq7#pL2!mZ9x");
    private static readonly string OldDes = Vector("mkpasswd", "des", "Vq7#pL2!mZ9x");
    private static readonly string WebBcrypt = Vector("htpasswd", "bcrypt", "admin");
    private static readonly string WebSha = Vector("htpasswd", "sha1", "admin");
    private static readonly string SambaNt = Vector("mkpasswd", "nt", "admin");

    private static Layer Tree(string location = "img@0x0:squashfs", int shadowMode = 0x180) => new()
    {
        Format = "squashfs",
        Offset = 0,
        Location = location,
        FileSystem = new FileSystemTree(
        [
            File("/etc/passwd",
                "root:x:0:0:root:/root:/bin/sh\n" +
                "toor:x:0:0::/root:/bin/sh\n" +
                "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n" +
                "operator:x:1002:1002::/home/operator:/bin/ash\n" +
                "locked:x:1003:1003::/home/locked:/bin/sh\n" +
                "strong:x:1004:1004::/home/strong:/bin/sh\n" +
                "nopw::1005:1005::/home/nopw:/bin/sh\n" +
                $"legacy:{OldDes}:1006:1006::/home/legacy:/bin/sh\n" +
                "this line is not a passwd entry\n" +
                "+::::::\n"),
            File("/etc/shadow",
                $"root:{RootMd5}:19000:0:99999:7:::\n" +
                "daemon:*:19000:0:99999:7:::\n" +
                $"operator:{OperatorYescrypt}:19000:0:99999:7:::\n" +
                $"locked:!{LockedSha512}:19000:0:99999:7:::\n" +
                $"strong:{StrongSha256}:19000:0:99999:7:::\n" +
                "nouser::19000::::::\n" +
                "broken\n", shadowMode),
            File("/etc/group", "root:x:0:\nwheel:x:10:root\n"),
            File("/www/.htpasswd", $"web:{WebBcrypt}\nsha:{WebSha}\nplain:{{PLAIN}}admin\ndigest:realm:0123456789abcdef0123456789abcdef\n"),
            File("/etc/samba/smbpasswd", $"smb:1000:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:{SambaNt[4..].ToUpperInvariant()}:[U          ]:LCT-5F000000:\n", 0x180),
            File("/etc/config/system", "config system\n\toption hostname 'router'\n\noption admin_password 'ubnt'\n"),
            File("/etc/config/dropbear", "config dropbear\n\toption PasswordAuth 'on'\n\toption RootPasswordAuth 'on'\n\toption Port '22'\n"),
            File("/etc/config/wireless", "config wifi-iface\n\toption key 'Str0ng-but-Plain'\n\toption encryption 'psk2'\n"),
        ]),
    };

    private static FsEntry File(string path, string text, int mode = 0x1A4)
    {
        var content = new MemoryByteSource(Encoding.UTF8.GetBytes(text));
        return new FsEntry { Path = path, Type = EntryType.File, Mode = mode, Size = content.Length, Content = content };
    }

    private static (CheckResults Checks, AnalysisResults Results) Run(CryptEngine engine, int workers = 2, params Layer[] layers)
    {
        var step = new AccountCheckStep(DefaultPasswords.Default, engine, CrackBudget.Default) { Workers = workers };
        var results = new AnalysisWalk([new AccountFileAnalyzer()], [step]).Run(layers.Length == 0 ? [Tree()] : layers, CancellationToken.None);
        return (CheckResults.From(results), results);
    }

    private static AccountInfo Account(CheckResults checks, string user) => Assert.Single(checks.Accounts, a => a.User == user);

    [Fact]
    public void Passwd_and_shadow_of_one_filesystem_are_joined_into_accounts()
    {
        var (checks, _) = Run(CryptEngine.Default);

        var root = Account(checks, "root");
        Assert.Equal(("/etc/shadow", "shadow", 0, 0, "/bin/sh", true), (root.Path, root.Source, root.Uid, root.Gid, root.Shell, root.LoginShell));
        Assert.Equal((HashAlgorithms.Md5Crypt, false, false, true, true), (root.Algorithm, root.Empty, root.Locked, root.Checked, root.MatchesDefaultPassword));

        var daemon = Account(checks, "daemon");
        Assert.Equal((HashAlgorithms.None, true, false, null as bool?), (daemon.Algorithm, daemon.Locked, daemon.LoginShell!.Value, daemon.MatchesDefaultPassword));

        var locked = Account(checks, "locked");
        Assert.Equal((HashAlgorithms.Sha512Crypt, true, true), (locked.Algorithm, locked.Locked, locked.MatchesDefaultPassword!.Value));

        var strong = Account(checks, "strong");
        Assert.Equal((HashAlgorithms.Sha256Crypt, false), (strong.Algorithm, strong.MatchesDefaultPassword!.Value));

        var nopw = Account(checks, "nopw");
        Assert.Equal(("/etc/passwd", HashAlgorithms.Empty, true), (nopw.Path, nopw.Algorithm, nopw.Empty));

        var legacy = Account(checks, "legacy");
        Assert.Equal(("/etc/passwd", HashAlgorithms.Des, false), (legacy.Path, legacy.Algorithm, legacy.MatchesDefaultPassword!.Value));

        // A shadow line without a passwd entry is still an account; uid and shell are unknown (and no empty-password
        // finding: without a passwd entry nobody can log in as it).
        var orphan = Account(checks, "nouser");
        Assert.Equal((null as int?, null as bool?, HashAlgorithms.Empty), (orphan.Uid, orphan.LoginShell, orphan.Algorithm));

        // toor has no shadow entry: its "x" means no usable password.
        Assert.Equal((HashAlgorithms.None, true), (Account(checks, "toor").Algorithm, Account(checks, "toor").Locked));
    }

    [Fact]
    public void Findings_name_the_rule_the_account_and_the_line()
    {
        var (checks, _) = Run(CryptEngine.Default);
        var byRule = checks.Findings.GroupBy(f => f.RuleId).ToDictionary(g => g.Key, g => g.ToList());

        var defaults = byRule["account.default-password"];
        Assert.Contains(defaults, f => f.Path == "/etc/shadow" && f.Line == 1 && f.Severity == Severity.Critical && f.Message == "account 'root' matches a common default password");
        Assert.Contains(defaults, f => f.Path == "/etc/shadow" && f.Line == 3 && f.Severity == Severity.High && f.Message.Contains("'operator'", StringComparison.Ordinal));
        Assert.Contains(defaults, f => f.Path == "/etc/shadow" && f.Line == 4 && f.Severity == Severity.Low && f.Message.Contains("locked", StringComparison.Ordinal));
        Assert.Contains(defaults, f => f.Path == "/www/.htpasswd" && f.Line == 1);
        Assert.Contains(defaults, f => f.Path == "/www/.htpasswd" && f.Line == 2);
        Assert.Contains(defaults, f => f.Path == "/www/.htpasswd" && f.Line == 3);
        Assert.Contains(defaults, f => f.Path == "/etc/samba/smbpasswd" && f.Line == 1);
        Assert.Contains(defaults, f => f.Path == "/etc/config/system" && f.Line == 4);
        Assert.DoesNotContain(defaults, f => f.Message.Contains("'strong'", StringComparison.Ordinal) || f.Message.Contains("'legacy'", StringComparison.Ordinal));

        Assert.Equal(["/etc/passwd:7"], byRule["account.empty-password"].Select(f => $"{f.Path}:{f.Line}"));
        Assert.Equal(["/etc/passwd:2"], byRule["account.extra-uid0"].Select(f => $"{f.Path}:{f.Line}"));
        Assert.Equal(
            ["/etc/passwd:8 des", "/etc/samba/smbpasswd:1 nt", "/etc/shadow:1 md5crypt", "/www/.htpasswd:2 sha1"],
            byRule["account.weak-hash"].Select(f => $"{f.Path}:{f.Line} {f.Evidence.Split("algorithm ")[1].Split(',')[0]}").Order(StringComparer.Ordinal));
        Assert.Equal(
            ["/etc/config/system:4", "/etc/config/wireless:2", "/www/.htpasswd:3"],
            byRule["account.plaintext-password"].Select(f => $"{f.Path}:{f.Line}").Order(StringComparer.Ordinal));
        Assert.False(byRule.ContainsKey("account.shadow-readable"));
    }

    [Fact]
    public void Switches_about_passwords_are_not_passwords()
    {
        var (checks, _) = Run(CryptEngine.Default);
        Assert.DoesNotContain(checks.Accounts, a => a.Path == "/etc/config/dropbear");
        Assert.DoesNotContain(checks.Accounts, a => a.User == "digest");
    }

    [Fact]
    public void Malformed_lines_become_notes_naming_file_and_line_without_content()
    {
        var (_, results) = Run(CryptEngine.Default);
        Assert.Contains("img@0x0:squashfs:/etc/passwd: accounts: line 9: not a passwd entry (name:password:uid:gid:gecos:home:shell)", results.Notes);
        Assert.Contains("img@0x0:squashfs:/etc/shadow: accounts: line 7: not a shadow entry (name:hash:...)", results.Notes);
        Assert.DoesNotContain(results.Notes, n => n.Contains("this line", StringComparison.Ordinal) || n.Contains("broken", StringComparison.Ordinal));
    }

    [Fact]
    public void No_hash_salt_or_password_reaches_findings_notes_or_the_json()
    {
        var (checks, results) = Run(CryptEngine.Default);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            AccountJsonWriter.Write(w, checks.Accounts);
            w.WriteEndObject();
        }

        string json = Encoding.UTF8.GetString(stream.ToArray());
        string all = json + string.Join("\n", checks.Findings.Select(f => f.Message + "\t" + f.Evidence)) + string.Join("\n", results.Notes) + string.Join("\n", results.Warnings);
        string[] secrets = [RootMd5, OperatorYescrypt, LockedSha512, StrongSha256, OldDes, WebBcrypt, WebSha, SambaNt[4..], "saltsalt", "Ab3.x/9Zqq8", "ubnt", "Str0ng-but-Plain", "{PLAIN}"];
        foreach (string s in secrets)
        {
            Assert.DoesNotContain(s, all, StringComparison.OrdinalIgnoreCase);
        }

        using var doc = JsonDocument.Parse(json);
        var first = doc.RootElement.GetProperty("accounts")[0];
        Assert.Equal(
            ["path", "location", "line", "source", "user", "uid", "gid", "shell", "loginShell", "algorithm", "empty", "locked", "checked", "candidatesTried", "matchesDefaultPassword"],
            first.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Managed_and_libxcrypt_paths_agree_and_the_managed_path_says_what_it_could_not_check()
    {
        var (native, _) = Run(CryptEngine.Default);
        var (managed, _) = Run(CryptEngine.ManagedOnly);

        Assert.Equal(native.Accounts.Count, managed.Accounts.Count);
        foreach (var (n, m) in native.Accounts.Zip(managed.Accounts))
        {
            if (n.Algorithm == HashAlgorithms.Yescrypt && LibXCrypt.IsAvailable)
            {
                Assert.Equal((true, false, (bool?)null, 0), (n.Checked, m.Checked, m.MatchesDefaultPassword, m.CandidatesTried));
                continue;
            }

            Assert.Equal(n, m);
        }

        var notChecked = Assert.Single(managed.Findings, f => f.RuleId == "account.hash-not-checked");
        Assert.Equal((Severity.Info, "/etc/shadow", 3), (notChecked.Severity, notChecked.Path, notChecked.Line));
        Assert.Contains("yescrypt", notChecked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Candidates_tried_do_not_depend_on_threads_or_runs()
    {
        var one = Run(CryptEngine.Default, workers: 1).Checks.Accounts.Select(a => (a.User, a.CandidatesTried, a.MatchesDefaultPassword)).ToList();
        var four = Run(CryptEngine.Default, workers: 4).Checks.Accounts.Select(a => (a.User, a.CandidatesTried, a.MatchesDefaultPassword)).ToList();
        Assert.Equal(one, four);

        // A match stops at its place in the list; a miss tries the budget for its cost.
        var list = DefaultPasswords.Default;
        var accounts = Run(CryptEngine.Default).Checks.Accounts;
        Assert.Equal(list.IndexOf("admin") + 1, Account(Run(CryptEngine.Default).Checks, "root").CandidatesTried);
        Assert.Equal(CrackBudget.Default.Candidates(CrackCost.Micros(HashAlgorithms.Sha256Crypt, StrongSha256), CrackBudget.Default.TotalMicros, list.Candidates.Count),
            accounts.Single(a => a.User == "strong").CandidatesTried);
        Assert.Equal(list.Candidates.Count, accounts.Single(a => a.User == "legacy").CandidatesTried);
    }

    [Fact]
    public void A_world_readable_shadow_file_is_reported()
    {
        var (checks, _) = Run(CryptEngine.Default, 2, Tree(shadowMode: 0x1A4));
        var f = Assert.Single(checks.Findings, f => f.RuleId == "account.shadow-readable");
        Assert.Equal(("/etc/shadow", Severity.Medium), (f.Path, f.Severity));
    }

    [Fact]
    public void Accounts_of_two_filesystems_are_not_mixed()
    {
        var other = new Layer
        {
            Format = "cpio",
            Offset = 0,
            Location = "img@0x100:cpio",
            FileSystem = new FileSystemTree([File("/etc/shadow", $"root:{StrongSha256}:1::::::\n")]),
        };
        var (checks, _) = Run(CryptEngine.Default, 2, Tree(), other);
        var cpioRoot = Assert.Single(checks.Accounts, a => a.Location == "img@0x100:cpio:/etc/shadow");
        Assert.Equal((null as int?, null as string, false), (cpioRoot.Uid, cpioRoot.Shell, cpioRoot.MatchesDefaultPassword!.Value));
    }

    [Fact]
    public void Oversized_lines_and_files_are_skipped_with_a_note()
    {
        var layer = new Layer
        {
            Format = "squashfs",
            Offset = 0,
            Location = "img@0x0:squashfs",
            FileSystem = new FileSystemTree(
            [
                File("/etc/shadow", new string('a', AccountFileAnalyzer.MaxLineLength + 1) + ":x\nroot::1::::::\n"),
                File("/etc/passwd", new string('#', (int)AccountFileAnalyzer.MaxFileBytes + 1)),
            ]),
        };
        var (checks, results) = Run(CryptEngine.Default, 2, layer);
        Assert.Equal(["root"], checks.Accounts.Select(a => a.User));
        Assert.Contains(results.Notes, n => n.EndsWith("/etc/shadow: accounts: line 1: longer than 8192 characters, skipped", StringComparison.Ordinal));
        Assert.Contains(results.Notes, n => n.Contains("/etc/passwd: accounts: 4194305 bytes, over the 4194304-byte cap", StringComparison.Ordinal));
    }

    [Fact]
    public void Mutated_account_files_never_throw()
    {
        var rng = new Random(16);
        string seed = $"root:{RootMd5}:19000:0:99999:7:::\nuser:!{LockedSha512}:1::\n";
        for (int i = 0; i < 300; i++)
        {
            char[] chars = seed.ToCharArray();
            for (int k = 0; k < 6; k++)
            {
                chars[rng.Next(chars.Length)] = (char)rng.Next(1, 128);
            }

            string text = new string(chars)[..rng.Next(chars.Length)];
            var layer = new Layer
            {
                Format = "squashfs",
                Offset = 0,
                Location = "img@0x0:squashfs",
                FileSystem = new FileSystemTree([File("/etc/shadow", text), File("/etc/passwd", text), File("/a/.htpasswd", text), File("/etc/config/x", "option password " + text)]),
            };
            var results = new AnalysisWalk([new AccountFileAnalyzer()], [new AccountCheckStep(DefaultPasswords.Default, CryptEngine.Default, CrackBudget.Default with { TotalMicros = 1000 })]).Run([layer], CancellationToken.None);
            Assert.Empty(results.Warnings);
        }
    }

    [Fact]
    public void The_budget_gives_cheap_hashes_the_whole_list_and_costly_ones_its_head()
    {
        var b = CrackBudget.Default;
        int n = DefaultPasswords.Default.Candidates.Count;
        Assert.Equal(n, b.Candidates(CrackCost.Micros(HashAlgorithms.Des, "AbTLrS7zqigWE"), b.TotalMicros, n));
        Assert.Equal(b.MinCandidates, b.Candidates(CrackCost.Micros(HashAlgorithms.Bcrypt, "$2b$08$" + new string('a', 53)), b.TotalMicros, n));
        Assert.Equal(1, b.Candidates(CrackCost.Micros(HashAlgorithms.Bcrypt, "$2b$12$" + new string('a', 53)), b.TotalMicros, n));
        Assert.Equal(0, b.Candidates(CrackCost.Micros(HashAlgorithms.Bcrypt, "$2b$14$" + new string('a', 53)), b.TotalMicros, n));
        Assert.True(b.Candidates(CrackCost.Micros(HashAlgorithms.Sha512Crypt, "$6$rounds=50000$s$x"), b.TotalMicros, n)
            < b.Candidates(CrackCost.Micros(HashAlgorithms.Sha512Crypt, "$6$s$x"), b.TotalMicros, n));
        Assert.Equal(b.MinCandidates, b.Candidates(1, 0, n));
    }

    [Fact]
    public void Remembered_costly_hashes_give_the_engines_answers()
    {
        var engine = CryptEngine.Default;
        Assert.True(engine.NativeAvailable, "yescrypt needs libxcrypt (libcrypt.so.1), present on Debian and in the action's container");
        var candidates = DefaultPasswords.Default.Candidates;
        Assert.Equal(["admin", "password"], candidates.Take(2));
        double micros = CrackCost.Micros(HashAlgorithms.Yescrypt, OperatorYescrypt);
        Assert.True(micros >= CostlyHashMemo.CostlyMicros);
        CostlyHashMemo.Prefetch(engine, CrackBudget.Default, candidates, HashAlgorithms.Yescrypt, OperatorYescrypt);
        Assert.False(CostlyHashMemo.Verify(engine, HashAlgorithms.Yescrypt, OperatorYescrypt, "admin", micros));
        Assert.True(CostlyHashMemo.Verify(engine, HashAlgorithms.Yescrypt, OperatorYescrypt, "password", micros));
        Assert.True(CostlyHashMemo.Verify(engine, HashAlgorithms.Yescrypt, OperatorYescrypt, "password", micros));
        Assert.Equal(engine.Verify(HashAlgorithms.Yescrypt, OperatorYescrypt, "1234"), CostlyHashMemo.Verify(engine, HashAlgorithms.Yescrypt, OperatorYescrypt, "1234", micros));
    }

    [Fact]
    public void A_hash_too_costly_to_try_is_reported_as_not_checked()
    {
        var tree = new Layer
        {
            Format = "squashfs",
            Offset = 0,
            Location = "img@0x0:squashfs",
            FileSystem = new FileSystemTree([File("/etc/lighttpd/.htpasswd", "slow:$2y$15$" + new string('a', 53) + "\n")]),
        };
        var (checks, _) = Run(CryptEngine.Default, 2, tree);
        var account = Account(checks, "slow");
        Assert.Equal("bcrypt", account.Algorithm);
        Assert.False(account.Checked);
        var finding = Assert.Single(checks.Findings, f => f.RuleId == "account.hash-not-checked");
        Assert.Contains("too slow", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dictionary_holds_the_well_known_defaults()
    {
        var list = DefaultPasswords.Default;
        Assert.InRange(list.Candidates.Count, 2000, 5000);
        foreach (string p in new[] { "admin", "root", "1234", "password", "default", "ubnt", "support", "toor", "vizxv", "xc3511", "changeme", "admin123" })
        {
            Assert.True(list.Contains(p), p);
        }

        Assert.DoesNotContain(list.Candidates, c => c.StartsWith("# ", StringComparison.Ordinal));
        Assert.Contains("#l@$ak#.lk;0@P", list.Candidates);
    }
}
