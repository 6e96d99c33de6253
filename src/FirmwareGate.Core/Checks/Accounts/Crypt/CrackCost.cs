using System.Globalization;

namespace FirmwareGate.Core.Checks.Accounts.Crypt;

/// <summary>
/// The estimated cost of one candidate against a hash, in microseconds on one core of a 2020s x86-64 (libxcrypt
/// figures, measured once and fixed here so the number of candidates tried never depends on the host's speed).
/// Scales with the hash's own cost parameter (rounds, bcrypt cost, yescrypt N and r).
/// </summary>
public static class CrackCost
{
    /// <summary>Estimated microseconds for one candidate against <paramref name="hash"/> of <paramref name="algorithm"/>.</summary>
    public static double Micros(string algorithm, string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return algorithm switch
        {
            HashAlgorithms.Plaintext or HashAlgorithms.Nt or HashAlgorithms.Sha1 => 0.5,
            HashAlgorithms.Des => 5,
            HashAlgorithms.BsdiDes => 5 + (BsdiRounds(hash) / 5.0),
            HashAlgorithms.Md5Crypt or HashAlgorithms.Apr1 => 120,
            HashAlgorithms.Sha256Crypt => 30 + (ShaRounds(hash) * 0.2),
            HashAlgorithms.Sha512Crypt => 30 + (ShaRounds(hash) * 0.3),
            HashAlgorithms.Bcrypt => 60.0 * (1L << BcryptCost(hash)),
            HashAlgorithms.Yescrypt or HashAlgorithms.GostYescrypt => YescryptMicros(hash),
            HashAlgorithms.Scrypt => ScryptMicros(hash),
            HashAlgorithms.Sha1Crypt => 2000,
            HashAlgorithms.SunMd5 => 5000,
            _ => 1000,
        };
    }

    private static int ShaRounds(string hash) =>
        ShaCrypt.TryParse(hash, out int rounds, out _, out _) ? rounds : ShaCrypt.DefaultRounds;

    private static int BsdiRounds(string hash)
    {
        int count = 0;
        for (int i = 0; i < 4 && i + 1 < hash.Length; i++)
        {
            count |= Math.Max(0, CryptBase64.Value(hash[1 + i])) << (6 * i);
        }

        return count;
    }

    private static int BcryptCost(string hash) =>
        hash.Length > 6 && int.TryParse(hash.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int cost) ? Math.Clamp(cost, 4, 31) : 10;

    // "$y$" + flags, log2(N) - 1 and r - 1 as single crypt-base64 digits for the usual parameters ("j9T": N = 4096, r = 32).
    // One unit of N * r is about a sixth of a microsecond (libxcrypt, j9T: 22 ms).
    private static double YescryptMicros(string hash)
    {
        int start = hash.StartsWith("$gy$", StringComparison.Ordinal) ? 4 : 3;
        int nLog2 = 12, r = 32;
        if (hash.Length > start + 2)
        {
            int n = CryptBase64.Value(hash[start + 1]);
            int rr = CryptBase64.Value(hash[start + 2]);
            if (n is >= 0 and < 30)
            {
                nLog2 = n + 1;
            }

            if (rr >= 0)
            {
                r = rr + 1;
            }
        }

        return Math.Max(50, (1L << nLog2) * (double)r / 6);
    }

    // "$7$" + log2(N) as one digit, r and p as 5 digits each (30-bit little-endian groups).
    private static double ScryptMicros(string hash)
    {
        if (hash.Length < 14)
        {
            return 50_000;
        }

        int nLog2 = Math.Clamp(CryptBase64.Value(hash[3]), 1, 30);
        long r = Decode30(hash.AsSpan(4, 5)), p = Decode30(hash.AsSpan(9, 5));
        return Math.Max(50, (1L << nLog2) * (double)Math.Max(1, r) * Math.Max(1, p) / 8);
    }

    private static long Decode30(ReadOnlySpan<char> s)
    {
        long v = 0;
        for (int i = 0; i < s.Length; i++)
        {
            v |= (long)Math.Max(0, CryptBase64.Value(s[i])) << (6 * i);
        }

        return v;
    }
}
