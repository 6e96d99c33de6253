namespace FirmwareGate.Core.Checks.Accounts.Crypt;

/// <summary>
/// Traditional DES crypt (13 characters: 2 of salt, 11 of hash) and BSDi extended DES ("_" + 4 characters of
/// round count + 4 of salt + 11 of hash), as in FreeSec and libxcrypt's crypt-des.c. Tables from FIPS 46-3.
/// A plain table-driven DES over 64-bit integers: slower than bit-sliced code, but this is the portable path.
/// </summary>
internal static class DesCrypt
{
    // FIPS 46-3 tables, 1-based bit numbers counted from the most significant bit.
    private static readonly byte[] Ip =
    [
        58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
        62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
        57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
        61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
    ];

    private static readonly byte[] Fp =
    [
        40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31,
        38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
        36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
        34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
    ];

    private static readonly byte[] E =
    [
        32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
        16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
    ];

    private static readonly byte[] P =
    [
        16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
        2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
    ];

    private static readonly byte[] Pc1 =
    [
        57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
        10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
        63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
        14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
    ];

    private static readonly byte[] Pc2 =
    [
        14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
        41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
    ];

    private static readonly byte[] Shifts = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

    private static readonly byte[] S =
    [
        14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
        4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13,

        15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
        0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9,

        10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
        13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,

        7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
        10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14,

        2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
        4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3,

        12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
        9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13,

        4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
        1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12,

        13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
        7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
    ];

    /// <summary>Traditional DES crypt of <paramref name="password"/> with the 2-character salt of <paramref name="setting"/>; null when the setting is not valid.</summary>
    public static string? Traditional(ReadOnlySpan<byte> password, string setting)
    {
        if (setting.Length < 2 || CryptBase64.Value(setting[0]) < 0 || CryptBase64.Value(setting[1]) < 0)
        {
            return null;
        }

        int salt = CryptBase64.Value(setting[0]) | (CryptBase64.Value(setting[1]) << 6);
        ulong key = KeyBlock(password[..Math.Min(8, password.Length)]);
        ulong result = Encrypt(Subkeys(key), 0, salt, 25);
        return string.Concat(setting.AsSpan(0, 2), Encode(result));
    }

    /// <summary>BSDi extended DES crypt ("_CCCCSSSS" setting); null when the setting is not valid.</summary>
    public static string? Extended(ReadOnlySpan<byte> password, string setting)
    {
        if (setting.Length < 9 || setting[0] != '_')
        {
            return null;
        }

        int count = 0, salt = 0;
        for (int i = 0; i < 4; i++)
        {
            int c = CryptBase64.Value(setting[1 + i]), s = CryptBase64.Value(setting[5 + i]);
            if (c < 0 || s < 0)
            {
                return null;
            }

            count |= c << (6 * i);
            salt |= s << (6 * i);
        }

        if (count == 0)
        {
            return null;
        }

        // The key is the first 8 characters; each further 8 are folded in by encrypting the key with itself.
        ulong key = KeyBlock(password[..Math.Min(8, password.Length)]);
        var subkeys = Subkeys(key);
        for (int at = 8; at < password.Length; at += 8)
        {
            key = Encrypt(subkeys, key, 0, 1) ^ KeyBlock(password[at..Math.Min(at + 8, password.Length)]);
            subkeys = Subkeys(key);
        }

        ulong result = Encrypt(subkeys, 0, salt, count);
        return string.Concat(setting.AsSpan(0, 9), Encode(result));
    }

    // Each character shifted left by one, as the 8 bytes of a DES key (the low bit is the unused parity bit).
    private static ulong KeyBlock(ReadOnlySpan<byte> chars)
    {
        ulong key = 0;
        for (int i = 0; i < 8; i++)
        {
            key = (key << 8) | (i < chars.Length ? (byte)(chars[i] << 1) : 0UL);
        }

        return key;
    }

    private static ulong Permute(ulong input, int width, byte[] table)
    {
        ulong output = 0;
        foreach (byte t in table)
        {
            output = (output << 1) | ((input >> (width - t)) & 1);
        }

        return output;
    }

    private static ulong[] Subkeys(ulong key)
    {
        ulong cd = Permute(key, 64, Pc1);
        uint c = (uint)(cd >> 28) & 0xFFFFFFF, d = (uint)cd & 0xFFFFFFF;
        var keys = new ulong[16];
        for (int i = 0; i < 16; i++)
        {
            for (int s = 0; s < Shifts[i]; s++)
            {
                c = ((c << 1) | (c >> 27)) & 0xFFFFFFF;
                d = ((d << 1) | (d >> 27)) & 0xFFFFFFF;
            }

            keys[i] = Permute(((ulong)c << 28) | d, 56, Pc2);
        }

        return keys;
    }

    // Salt bit i swaps E-box output bits i and i + 24 (FreeSec's saltbits).
    private static ulong Encrypt(ulong[] subkeys, ulong block, int salt, int count)
    {
        uint mask = 0;
        for (int i = 0; i < 24; i++)
        {
            if ((salt & (1 << i)) != 0)
            {
                mask |= 0x800000u >> i;
            }
        }

        ulong lr = Permute(block, 64, Ip);
        uint l = (uint)(lr >> 32), r = (uint)lr;
        while (count-- > 0)
        {
            for (int round = 0; round < 16; round++)
            {
                ulong e = Permute(r, 32, E);
                uint hi = (uint)(e >> 24), lo = (uint)e & 0xFFFFFF;
                uint f = (hi ^ lo) & mask;
                e = ((ulong)(hi ^ f) << 24 | (lo ^ f)) ^ subkeys[round];
                uint sOut = 0;
                for (int box = 0; box < 8; box++)
                {
                    int six = (int)(e >> (42 - (6 * box))) & 0x3F;
                    int row = ((six >> 4) & 2) | (six & 1);
                    int col = (six >> 1) & 0xF;
                    sOut = (sOut << 4) | S[(box * 64) + (row * 16) + col];
                }

                uint next = l ^ (uint)Permute(sOut, 32, P);
                l = r;
                r = next;
            }

            (l, r) = (r, l);
        }

        return Permute(((ulong)l << 32) | r, 64, Fp);
    }

    // 64 bits, most significant first, in 11 characters of 6 bits (the last padded with two zero bits).
    private static string Encode(ulong block)
    {
        Span<char> chars = stackalloc char[11];
        for (int i = 0; i < 11; i++)
        {
            int shift = 58 - (6 * i);
            int v = shift >= 0 ? (int)(block >> shift) & 0x3F : (int)(block << -shift) & 0x3F;
            chars[i] = CryptBase64.Alphabet[v];
        }

        return new string(chars);
    }
}
