namespace FirmwareGate.Core.Checks.Accounts.Crypt;

/// <summary>The crypt(3) base-64 alphabet ("./0-9A-Za-z") and the little-endian 24-bit groups of md5crypt and SHA-crypt.</summary>
internal static class CryptBase64
{
    public const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The 6-bit value of a character, or -1.</summary>
    public static int Value(char c) => c switch
    {
        '.' => 0,
        '/' => 1,
        >= '0' and <= '9' => c - '0' + 2,
        >= 'A' and <= 'Z' => c - 'A' + 12,
        >= 'a' and <= 'z' => c - 'a' + 38,
        _ => -1,
    };

    /// <summary>True when every character is in the alphabet.</summary>
    public static bool IsValid(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (Value(c) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Appends <paramref name="n"/> characters of (b2 &lt;&lt; 16 | b1 &lt;&lt; 8 | b0), low 6 bits first.</summary>
    public static void From24(System.Text.StringBuilder sb, byte b2, byte b1, byte b0, int n)
    {
        int w = (b2 << 16) | (b1 << 8) | b0;
        while (n-- > 0)
        {
            sb.Append(Alphabet[w & 0x3F]);
            w >>= 6;
        }
    }
}
