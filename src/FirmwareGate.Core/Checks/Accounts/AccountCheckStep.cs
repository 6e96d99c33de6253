using System.Collections.Concurrent;
using System.Globalization;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Checks.Accounts.Crypt;

namespace FirmwareGate.Core.Checks.Accounts;

/// <summary>
/// After the walk: joins /etc/passwd with /etc/shadow of the same filesystem, classifies every stored password,
/// checks each distinct hash against the default-password dictionary within a deterministic budget, and reports
/// one <see cref="AccountInfo"/> per entry plus the findings. Never writes a password, hash or salt.
/// </summary>
public sealed class AccountCheckStep(DefaultPasswords dictionary, CryptEngine engine, CrackBudget budget) : IAnalysisStep
{
    /// <summary>The step with the embedded dictionary, libxcrypt when present, and the default budget.</summary>
    public AccountCheckStep()
        : this(DefaultPasswords.Default, CryptEngine.Default, CrackBudget.Default)
    {
    }

    /// <inheritdoc/>
    public string Name => "accounts";

    /// <summary>Threads for one hash's candidates; the processor count by default.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <inheritdoc/>
    public void Run(AnalysisResults results, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(sink);
        var records = results.Items<AccountRecord>()
            .OrderBy(r => r.Location, StringComparer.Ordinal)
            .ThenBy(r => r.Line)
            .ToList();
        if (records.Count == 0)
        {
            return;
        }

        var accounts = Join(records);
        var verdicts = Crack(accounts);
        foreach (var a in accounts)
        {
            var v = a.Hash is { } h && verdicts.TryGetValue((a.Algorithm, h), out var found) ? found : default;
            var info = new AccountInfo
            {
                Path = a.Record.Path,
                Location = a.Record.Location,
                User = a.Record.User,
                Source = a.Record.Source,
                Uid = a.Uid,
                Gid = a.Gid,
                Shell = a.Shell,
                LoginShell = a.Shell is null ? null : IsLoginShell(a.Shell),
                Algorithm = a.Algorithm,
                Empty = a.Algorithm == HashAlgorithms.Empty,
                Locked = a.Locked,
                Checked = v.Checked,
                CandidatesTried = v.Tried,
                MatchesDefaultPassword = v.Checked ? v.Matched : null,
                Line = a.Record.Line,
            };
            sink.Add(info);
            Report(info, a, v, sink);
        }

        ExtraRoots(records, sink);
        ReadableShadows(records, sink);
    }

    /// <summary>True unless the shell refuses logins (nologin, false, true, sync, shutdown, halt).</summary>
    public static bool IsLoginShell(string shell)
    {
        ArgumentNullException.ThrowIfNull(shell);
        if (shell.Length == 0)
        {
            return true;
        }

        string name = shell[(shell.LastIndexOf('/') + 1)..];
        return name is not ("nologin" or "false" or "true" or "sync" or "shutdown" or "halt");
    }

    /// <summary>Classifies a password field: scheme, lock, and the hash to check (null when there is none).</summary>
    internal static (string Algorithm, bool Locked, string? Hash) Classify(string field, string source)
    {
        if (field.Length == 0)
        {
            return (HashAlgorithms.Empty, false, null);
        }

        if (source == "config")
        {
            return HashAlgorithms.Identify(field) is { } a ? (a, false, field) : (HashAlgorithms.Plaintext, false, field);
        }

        if (source == "htpasswd" && field.StartsWith("{PLAIN}", StringComparison.Ordinal))
        {
            return (HashAlgorithms.Plaintext, false, field[7..]);
        }

        // "!" (passwd -l), "!!" (never set), "*" (no password), "*LK*" (Solaris lock) in front of a hash or alone.
        string body = field;
        bool locked = false;
        if (body.StartsWith("*LK*", StringComparison.Ordinal))
        {
            body = body[4..];
            locked = true;
        }

        string trimmed = body.TrimStart('!');
        locked |= trimmed.Length != body.Length;
        body = trimmed;
        if (body.Length == 0)
        {
            return (HashAlgorithms.None, true, null);
        }

        if (body[0] == '*')
        {
            return (HashAlgorithms.None, true, null);
        }

        if (HashAlgorithms.Identify(body) is { } algorithm)
        {
            return (algorithm, locked, body);
        }

        // Anything else can never be the output of crypt(3): no password can log in ("x", "LOCKED", "NP").
        return (HashAlgorithms.None, true, null);
    }

    private static List<Account> Join(List<AccountRecord> records)
    {
        var list = new List<Account>();
        foreach (var layer in records.GroupBy(r => r.LayerLocation, StringComparer.Ordinal))
        {
            var passwd = new Dictionary<string, AccountRecord>(StringComparer.Ordinal);
            foreach (var p in layer.Where(r => r.Source == "passwd"))
            {
                passwd.TryAdd(p.User, p);
            }

            var shadowUsers = layer.Where(r => r.Source == "shadow").Select(r => r.User).ToHashSet(StringComparer.Ordinal);
            foreach (var r in layer)
            {
                if (r.Source == "passwd" && r.Secret == "x" && shadowUsers.Contains(r.User))
                {
                    continue; // the shadow entry is the account
                }

                passwd.TryGetValue(r.User, out var pw);
                var (algorithm, locked, hash) = r.Source == "passwd" && r.Secret == "x"
                    ? (HashAlgorithms.None, true, null)
                    : Classify(r.Secret, r.Source);
                bool system = r.Source is "shadow" or "passwd";
                list.Add(new Account(r, algorithm, locked, hash,
                    system ? pw?.Uid : r.Uid,
                    system ? pw?.Gid : r.Gid,
                    system ? pw?.Shell ?? (pw is null ? null : "") : null));
            }
        }

        return list;
    }

    // Distinct hashes, cheapest first (then in report order), so the total budget goes to the ones that can finish.
    // Each hash's share is planned before any is computed; then every (hash, candidate) pair runs in one parallel
    // loop, head of the list first, and a hash stops at its lowest match, so the count tried is the same on every run.
    private Dictionary<(string Algorithm, string Hash), Verdict> Crack(List<Account> accounts)
    {
        var verdicts = new Dictionary<(string, string), Verdict>();
        double remaining = budget.TotalMicros;
        var candidates = dictionary.Candidates;
        var distinct = accounts
            .Where(a => a.Hash is not null)
            .DistinctBy(a => (a.Algorithm, a.Hash))
            .Select(a => (a.Algorithm, Hash: a.Hash ?? "", Cost: a.Algorithm == HashAlgorithms.Plaintext ? 0 : CrackCost.Micros(a.Algorithm, a.Hash ?? "")))
            .OrderBy(h => h.Cost)
            .ToList(); // stable: ties stay in report order
        var plan = new List<(string Algorithm, string Hash, int Candidates)>();
        foreach (var (algorithm, hash, cost) in distinct)
        {
            if (algorithm == HashAlgorithms.Plaintext)
            {
                int at = dictionary.IndexOf(hash);
                verdicts[(algorithm, hash)] = new Verdict(true, at >= 0, at >= 0 ? at + 1 : candidates.Count);
                continue;
            }

            int n = budget.Candidates(cost, remaining, candidates.Count);
            remaining -= n * cost;
            plan.Add((algorithm, hash, n));
        }

        var lowest = new int[plan.Count];
        var unsupported = new bool[plan.Count];
        Array.Fill(lowest, int.MaxValue);
        var work = plan.SelectMany((p, h) => Enumerable.Range(0, p.Candidates).Select(i => (Hash: h, Index: i)))
            .OrderBy(w => w.Index)
            .ThenBy(w => w.Hash)
            .ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Workers) };
        Parallel.ForEach(Partitioner.Create(work, loadBalance: true), options, w =>
        {
            if (Volatile.Read(ref unsupported[w.Hash]) || w.Index > Volatile.Read(ref lowest[w.Hash]))
            {
                return;
            }

            var (algorithm, hash, _) = plan[w.Hash];
            switch (CostlyHashMemo.Verify(engine, algorithm, hash, candidates[w.Index], CrackCost.Micros(algorithm, hash)))
            {
                case null:
                    Volatile.Write(ref unsupported[w.Hash], true);
                    break;
                case true:
                    int seen;
                    while (w.Index < (seen = Volatile.Read(ref lowest[w.Hash])) && Interlocked.CompareExchange(ref lowest[w.Hash], w.Index, seen) != seen)
                    {
                    }

                    break;
            }
        });

        for (int h = 0; h < plan.Count; h++)
        {
            var (algorithm, hash, n) = plan[h];
            verdicts[(algorithm, hash)] = unsupported[h] ? new Verdict(false, false, 0)
                : n == 0 ? new Verdict(false, false, 0, TooCostly: true)
                : lowest[h] != int.MaxValue ? new Verdict(true, true, lowest[h] + 1)
                : new Verdict(true, false, n);
        }

        return verdicts;
    }

    private static void Report(AccountInfo info, Account a, Verdict v, AnalysisSink sink)
    {
        string who = Who(info);
        // A shadow entry without a passwd entry cannot log in; other files (htpasswd, smbpasswd) are logins of their service.
        bool login = info.LoginShell ?? info.Source is not ("shadow" or "passwd");
        if (info.Empty && login && !a.Locked)
        {
            var severity = info.Uid == 0 ? Severity.Critical : Severity.High;
            sink.Add(Finding.Of(info.Location, info.Path, "account.empty-password", severity,
                $"{who} has an empty password: anyone can log in without one",
                Evidence(info, "password field empty"), info.User, info.Line));
        }

        if (info.Algorithm == HashAlgorithms.Plaintext)
        {
            sink.Add(Finding.Of(info.Location, info.Path, "account.plaintext-password", Severity.High,
                $"{who} is stored in plaintext",
                Evidence(info, "value is not a hash"), info.User, info.Line));
        }
        else if (HashAlgorithms.IsWeak(info.Algorithm))
        {
            sink.Add(Finding.Of(info.Location, info.Path, "account.weak-hash", info.Locked ? Severity.Low : Severity.Medium,
                $"{who} uses the weak {info.Algorithm} password hash",
                Evidence(info, $"algorithm {info.Algorithm}"), info.User, info.Line));
        }

        if (v.Checked && v.Matched)
        {
            var severity = info.Locked ? Severity.Low
                : info.Uid == 0 && login ? Severity.Critical
                : Severity.High;
            string locked = info.Locked ? " (account locked, but the hash is still there to crack)" : "";
            sink.Add(Finding.Of(info.Location, info.Path, "account.default-password", severity,
                $"{who} matches a common default password{locked}",
                Evidence(info, info.Algorithm == HashAlgorithms.Plaintext
                    ? $"value equals dictionary entry {v.Tried} of the shipped list"
                    : $"{info.Algorithm} hash computed for dictionary entry {v.Tried} of the shipped list"), info.User, info.Line));
        }

        if (!v.Checked && a.Hash is not null && info.Algorithm != HashAlgorithms.Plaintext)
        {
            sink.Add(Finding.Of(info.Location, info.Path, "account.hash-not-checked", Severity.Info,
                v.TooCostly
                    ? $"{who}: {info.Algorithm} hash not checked against the default-password dictionary (its cost parameter makes one try too slow for a scan)"
                    : $"{who}: {info.Algorithm} hash not checked against the default-password dictionary (this host cannot compute it; libxcrypt absent or built without it)",
                Evidence(info, $"algorithm {info.Algorithm}"), info.User, info.Line));
        }
    }

    private static void ExtraRoots(List<AccountRecord> records, AnalysisSink sink)
    {
        foreach (var r in records.Where(r => r.Source == "passwd" && r.Uid == 0 && r.User != "root"))
        {
            sink.Add(Finding.Of(r.Location, r.Path, "account.extra-uid0", Severity.High,
                $"account '{r.User}' has uid 0: a second superuser",
                $"uid 0, shell {(r.Shell is { Length: > 0 } s ? s : "/bin/sh (default)")}", r.User, r.Line));
        }
    }

    private static void ReadableShadows(List<AccountRecord> records, AnalysisSink sink)
    {
        foreach (var file in records.Where(r => r.WorldReadable && r.Source is "shadow" or "smbpasswd" or "group" && r.Path != "/etc/group")
            .GroupBy(r => r.Location, StringComparer.Ordinal))
        {
            var r = file.First();
            sink.Add(Finding.Of(r.Location, r.Path, "account.shadow-readable", Severity.Medium,
                $"{r.Path} holds password hashes and is readable by every user",
                $"mode o+r, {file.Count()} entries", r.Path));
        }
    }

    private static string Who(AccountInfo info) => info.Source switch
    {
        "config" => $"password option '{info.User}'",
        "group" => $"group '{info.User}' password",
        "htpasswd" => $"htpasswd user '{info.User}'",
        "smbpasswd" => $"Samba user '{info.User}'",
        _ => $"account '{info.User}'",
    };

    private static string Evidence(AccountInfo info, string what)
    {
        string uid = info.Uid is { } u ? string.Create(CultureInfo.InvariantCulture, $", uid {u}") : "";
        string shell = info.Shell is { Length: > 0 } s ? $", shell {s}" : "";
        string locked = info.Locked ? ", locked" : "";
        return $"{info.Source} line {info.Line}: {what}{uid}{shell}{locked}";
    }

    private sealed record Account(AccountRecord Record, string Algorithm, bool Locked, string? Hash, int? Uid, int? Gid, string? Shell)
    {
        public override string ToString() => Record.ToString();
    }

    private readonly record struct Verdict(bool Checked, bool Matched, int Tried, bool TooCostly = false);
}
