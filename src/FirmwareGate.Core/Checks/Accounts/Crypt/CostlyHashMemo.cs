using System.Collections.Concurrent;

namespace FirmwareGate.Core.Checks.Accounts.Crypt;

/// <summary>
/// Results of costly hash computations (bcrypt, yescrypt, many-round SHA-crypt), so that the head of the dictionary
/// can be tried for them while the walk still reads other files (<see cref="Prefetch"/>), and the dictionary check
/// after the walk gets the same answers without computing them again. A hash of a candidate is a pure function, so
/// a remembered answer is always the answer; the memo is bounded.
/// </summary>
internal static class CostlyHashMemo
{
    /// <summary>A candidate costing at least this (estimated µs) is worth remembering and starting early.</summary>
    public const double CostlyMicros = 2_000;

    private const int MaxEntries = 4096;

    private static readonly ConcurrentDictionary<(bool Native, string Algorithm, string Hash, string Candidate), Lazy<bool?>> Memo = new();

    /// <summary><see cref="CryptEngine.Verify"/>, remembered for costly hashes; a computation already under way is waited for, not repeated.</summary>
    public static bool? Verify(CryptEngine engine, string algorithm, string hash, string candidate, double micros)
    {
        if (micros < CostlyMicros || Memo.Count >= MaxEntries)
        {
            return engine.Verify(algorithm, hash, candidate);
        }

        var key = (engine.NativeAvailable, algorithm, hash, candidate);
        return Memo.GetOrAdd(key, _ => new Lazy<bool?>(() => engine.Verify(algorithm, hash, candidate), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>
    /// Starts trying the first candidates the budget gives any hash of this cost (<see cref="CrackBudget.Candidates"/> with
    /// nothing left of the total) in the background, stopping at a match, when the hash is costly.
    /// </summary>
    public static void Prefetch(CryptEngine engine, CrackBudget budget, IReadOnlyList<string> candidates, string algorithm, string hash)
    {
        double micros = CrackCost.Micros(algorithm, hash);
        int n = budget.Candidates(micros, 0, candidates.Count);
        if (micros < CostlyMicros || n == 0 || Memo.Count >= MaxEntries)
        {
            return;
        }

        _ = Task.Run(() =>
        {
            for (int i = 0; i < n; i++)
            {
                if (Verify(engine, algorithm, hash, candidates[i], micros) != false)
                {
                    return;
                }
            }
        });
    }
}
