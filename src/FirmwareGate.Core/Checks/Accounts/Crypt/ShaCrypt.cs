using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FirmwareGate.Core.Checks.Accounts.Crypt;

/// <summary>SHA-256 and SHA-512 crypt ("$5$", "$6$", Ulrich Drepper's specification, with "rounds=N$").</summary>
internal static class ShaCrypt
{
    /// <summary>Rounds when the setting names none.</summary>
    public const int DefaultRounds = 5000;

    private const int MinRounds = 1000;
    private const int MaxRounds = 999_999_999;
    private const int MaxSalt = 16;

    private static readonly int[] Order256 =
    [
        0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14, 15, 25, 5, 6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29,
    ];

    private static readonly int[] Order512 =
    [
        0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51,
        31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60,
        40, 61, 19, 62, 20, 41,
    ];

    /// <summary>Reads the rounds of a "$5$"/"$6$" setting (the default when absent); false when the setting is malformed.</summary>
    public static bool TryParse(string setting, out int rounds, out bool explicitRounds, out string salt)
    {
        rounds = DefaultRounds;
        explicitRounds = false;
        salt = "";
        if (setting.Length < 3 || setting[0] != '$' || (setting[1] != '5' && setting[1] != '6') || setting[2] != '$')
        {
            return false;
        }

        string rest = setting[3..];
        if (rest.StartsWith("rounds=", StringComparison.Ordinal))
        {
            int end = rest.IndexOf('$', StringComparison.Ordinal);
            if (end < 0 || !long.TryParse(rest.AsSpan(7, end - 7), NumberStyles.None, CultureInfo.InvariantCulture, out long r))
            {
                return false;
            }

            rounds = (int)Math.Clamp(r, MinRounds, MaxRounds);
            explicitRounds = true;
            rest = rest[(end + 1)..];
        }

        int dollar = rest.IndexOf('$', StringComparison.Ordinal);
        salt = dollar >= 0 ? rest[..dollar] : rest;
        if (salt.Length > MaxSalt)
        {
            salt = salt[..MaxSalt];
        }

        return true;
    }

    /// <summary>Hashes <paramref name="password"/> with the settings of <paramref name="setting"/>; null when it is not a SHA-crypt setting.</summary>
    public static string? Hash(ReadOnlySpan<byte> password, string setting)
    {
        if (!TryParse(setting, out int rounds, out bool explicitRounds, out string saltText))
        {
            return null;
        }

        bool is512 = setting[1] == '6';
        int size = is512 ? 64 : 32;
        byte[] salt = Encoding.ASCII.GetBytes(saltText);
        var buf = new ArrayBufferWriter<byte>(512);
        Span<byte> b = stackalloc byte[size];
        Span<byte> a = stackalloc byte[size];

        buf.Write(password);
        buf.Write(salt);
        buf.Write(password);
        Digest(is512, buf.WrittenSpan, b);

        buf.ResetWrittenCount();
        buf.Write(password);
        buf.Write(salt);
        int n;
        for (n = password.Length; n > size; n -= size)
        {
            buf.Write(b);
        }

        buf.Write(b[..n]);
        for (n = password.Length; n > 0; n >>= 1)
        {
            if ((n & 1) != 0)
            {
                buf.Write(b);
            }
            else
            {
                buf.Write(password);
            }
        }

        Digest(is512, buf.WrittenSpan, a);

        // P: the digest of the password repeated once per byte, stretched to the password's length.
        buf.ResetWrittenCount();
        for (int i = 0; i < password.Length; i++)
        {
            buf.Write(password);
        }

        Span<byte> dp = stackalloc byte[size];
        Digest(is512, buf.WrittenSpan, dp);
        byte[] p = new byte[password.Length];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = dp[i % size];
        }

        // S: the digest of the salt repeated 16 + A[0] times, cut to the salt's length.
        buf.ResetWrittenCount();
        for (int i = 0; i < 16 + a[0]; i++)
        {
            buf.Write(salt);
        }

        Span<byte> ds = stackalloc byte[size];
        Digest(is512, buf.WrittenSpan, ds);
        byte[] s = ds[..salt.Length].ToArray();

        Span<byte> c = stackalloc byte[size];
        a.CopyTo(c);
        byte[] round = new byte[(p.Length * 2) + s.Length + size];
        for (int i = 0; i < rounds; i++)
        {
            int len = 0;
            if ((i & 1) != 0)
            {
                p.CopyTo(round, len);
                len += p.Length;
            }
            else
            {
                c.CopyTo(round.AsSpan(len));
                len += size;
            }

            if (i % 3 != 0)
            {
                s.CopyTo(round, len);
                len += s.Length;
            }

            if (i % 7 != 0)
            {
                p.CopyTo(round, len);
                len += p.Length;
            }

            if ((i & 1) != 0)
            {
                c.CopyTo(round.AsSpan(len));
                len += size;
            }
            else
            {
                p.CopyTo(round, len);
                len += p.Length;
            }

            Digest(is512, round.AsSpan(0, len), c);
        }

        var sb = new StringBuilder(128);
        sb.Append(is512 ? "$6$" : "$5$");
        if (explicitRounds)
        {
            sb.Append("rounds=").Append(rounds.ToString(CultureInfo.InvariantCulture)).Append('$');
        }

        sb.Append(saltText).Append('$');
        int[] order = is512 ? Order512 : Order256;
        for (int i = 0; i + 2 < order.Length; i += 3)
        {
            CryptBase64.From24(sb, c[order[i]], c[order[i + 1]], c[order[i + 2]], 4);
        }

        if (is512)
        {
            CryptBase64.From24(sb, 0, 0, c[63], 2);
        }
        else
        {
            CryptBase64.From24(sb, 0, c[31], c[30], 3);
        }

        return sb.ToString();
    }

    private static void Digest(bool is512, ReadOnlySpan<byte> data, Span<byte> output)
    {
        if (is512)
        {
            SHA512.HashData(data, output);
        }
        else
        {
            SHA256.HashData(data, output);
        }
    }
}
