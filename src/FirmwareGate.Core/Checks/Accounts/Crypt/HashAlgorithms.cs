using System.Globalization;

namespace FirmwareGate.Core.Checks.Accounts.Crypt;

/// <summary>Names of password storage schemes as the report writes them, and how each is recognised.</summary>
public static class HashAlgorithms
{
    /// <summary>Traditional DES crypt (13 characters, 8-character passwords).</summary>
    public const string Des = "des";

    /// <summary>BSDi extended DES ("_").</summary>
    public const string BsdiDes = "bsdi-des";

    /// <summary>md5crypt ("$1$").</summary>
    public const string Md5Crypt = "md5crypt";

    /// <summary>Apache's md5crypt variant ("$apr1$").</summary>
    public const string Apr1 = "apr1";

    /// <summary>SHA-256 crypt ("$5$").</summary>
    public const string Sha256Crypt = "sha256crypt";

    /// <summary>SHA-512 crypt ("$6$").</summary>
    public const string Sha512Crypt = "sha512crypt";

    /// <summary>bcrypt ("$2a$", "$2b$", "$2y$", "$2x$").</summary>
    public const string Bcrypt = "bcrypt";

    /// <summary>yescrypt ("$y$").</summary>
    public const string Yescrypt = "yescrypt";

    /// <summary>GOST R 34.11-2012 yescrypt ("$gy$").</summary>
    public const string GostYescrypt = "gost-yescrypt";

    /// <summary>scrypt ("$7$").</summary>
    public const string Scrypt = "scrypt";

    /// <summary>NetBSD's HMAC-SHA1 crypt ("$sha1$").</summary>
    public const string Sha1Crypt = "sha1crypt";

    /// <summary>Solaris MD5 ("$md5").</summary>
    public const string SunMd5 = "sunmd5";

    /// <summary>NT hash (MD4 of UTF-16LE): "$3$$" or a bare 32-digit hex value in smbpasswd.</summary>
    public const string Nt = "nt";

    /// <summary>Apache's unsalted "{SHA}".</summary>
    public const string Sha1 = "sha1";

    /// <summary>The password itself is stored.</summary>
    public const string Plaintext = "plaintext";

    /// <summary>No password at all: anyone may log in.</summary>
    public const string Empty = "empty";

    /// <summary>No usable password ("*", "!", "x" without a shadow entry): the account cannot log in with a password.</summary>
    public const string None = "none";

    /// <summary>A value that is not a hash this tool knows.</summary>
    public const string Unknown = "unknown";

    /// <summary>True for schemes considered weak: fast, unsalted, or limited to 8 characters.</summary>
    public static bool IsWeak(string algorithm) => algorithm is Des or BsdiDes or Md5Crypt or Apr1 or Nt or Sha1 or Plaintext;

    /// <summary>The scheme of a stored hash (without any lock prefix), or null when it is not a recognised hash.</summary>
    public static string? Identify(string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (hash.Length == 13 && CryptBase64.IsValid(hash))
        {
            return Des;
        }

        if (hash.Length == 20 && hash[0] == '_' && CryptBase64.IsValid(hash.AsSpan(1)))
        {
            return BsdiDes;
        }

        if (hash.StartsWith("{SHA}", StringComparison.Ordinal))
        {
            return hash.Length == 33 ? Sha1 : null;
        }

        if (hash.Length < 4 || hash[0] != '$')
        {
            return null;
        }

        var parts = hash.Split('$');
        string id = parts[1];
        string last = parts[^1];
        return id switch
        {
            "1" when parts.Length == 4 && parts[2].Length <= 8 && last.Length == 22 && CryptBase64.IsValid(last) => Md5Crypt,
            "apr1" when parts.Length == 4 && parts[2].Length <= 8 && last.Length == 22 && CryptBase64.IsValid(last) => Apr1,
            "5" when ShaShape(parts, 43) => Sha256Crypt,
            "6" when ShaShape(parts, 86) => Sha512Crypt,
            "2a" or "2b" or "2y" or "2x" when parts.Length == 4 && parts[2].Length == 2 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int cost)
                && cost is >= 4 and <= 31 && last.Length == 53 && CryptBase64.IsValid(last) => Bcrypt,
            "y" when parts.Length == 5 && last.Length >= 1 && CryptBase64.IsValid(last) => Yescrypt,
            "gy" when parts.Length == 5 && last.Length >= 1 && CryptBase64.IsValid(last) => GostYescrypt,
            "7" when parts.Length == 4 && parts[2].Length >= 11 && last.Length >= 1 => Scrypt,
            "3" when parts.Length == 4 && parts[2].Length == 0 && last.Length == 32 && IsHex(last) => Nt,
            "sha1" when parts.Length == 5 => Sha1Crypt,
            "md5" or "md5,rounds" => SunMd5,
            _ when id.StartsWith("md5,rounds=", StringComparison.Ordinal) => SunMd5,
            _ => null,
        };
    }

    /// <summary>True for 32 hexadecimal digits or more characters all hex.</summary>
    internal static bool IsHex(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return s.Length > 0;
    }

    private static bool ShaShape(string[] parts, int digestLength)
    {
        int n = parts.Length;
        bool rounds = n == 5 && parts[2].StartsWith("rounds=", StringComparison.Ordinal);
        if (n != 4 && !rounds)
        {
            return false;
        }

        return parts[n - 2].Length <= 16 && parts[n - 1].Length == digestLength && CryptBase64.IsValid(parts[n - 1]);
    }
}
