namespace FirmwareGate.Core.Checks.Accounts;

/// <summary>
/// How many dictionary candidates each hash gets. Deterministic: it depends on the hash's algorithm and cost
/// parameter (<see cref="Crypt.CrackCost"/>) and on the order of the hashes (cheapest first), never on the clock. A hash gets
/// <see cref="PerHashMicros"/> of estimated work (the whole list for cheap schemes, the head for costly ones), at
/// least <see cref="MinCandidates"/>; all hashes of an image together get <see cref="TotalMicros"/>, after which
/// the rest get <see cref="MinCandidates"/> each.
/// </summary>
public sealed record CrackBudget
{
    /// <summary>The budget a scan uses.</summary>
    public static CrackBudget Default { get; } = new();

    /// <summary>Estimated single-core microseconds per distinct hash.</summary>
    public double PerHashMicros { get; init; } = 12_000;

    /// <summary>Estimated single-core microseconds for all hashes of one scan.</summary>
    public double TotalMicros { get; init; } = 100_000;

    /// <summary>Candidates every hash gets whatever it costs (the head of the list holds the likeliest defaults).</summary>
    public int MinCandidates { get; init; } = 2;

    /// <summary>A hash whose one candidate costs more than this gets one candidate only (the list's first entry).</summary>
    public double OneCandidateAboveMicros { get; init; } = 50_000;

    /// <summary>A hash whose one candidate costs more than this is not checked (a bcrypt cost of 13 or more, a huge yescrypt N).</summary>
    public double UncheckedAboveMicros { get; init; } = 250_000;

    /// <summary>Candidates for a hash costing <paramref name="micros"/> each, with <paramref name="remaining"/> of the total left.</summary>
    public int Candidates(double micros, double remaining, int listLength)
    {
        if (micros > UncheckedAboveMicros)
        {
            return 0;
        }

        if (micros > OneCandidateAboveMicros)
        {
            return Math.Min(1, listLength);
        }

        double per = Math.Max(micros, 0.01);
        double allowed = Math.Min(PerHashMicros, Math.Max(0, remaining));
        long n = (long)Math.Floor(allowed / per);
        return (int)Math.Clamp(Math.Max(n, MinCandidates), 0, listLength);
    }
}
