using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace FirmwareGate.Core.Checks.Accounts.Crypt;

/// <summary>md5crypt ("$1$", Poul-Henning Kamp's FreeBSD scheme) and Apache's apr1 ("$apr1$"), which differ only in the magic.</summary>
internal static class Md5Crypt
{
    private const int MaxSalt = 8;

    /// <summary>Hashes <paramref name="password"/> with the magic and salt of <paramref name="setting"/>; null when it is not an md5crypt setting.</summary>
    public static string? Hash(ReadOnlySpan<byte> password, string setting)
    {
        string magic = setting.StartsWith("$1$", StringComparison.Ordinal) ? "$1$"
            : setting.StartsWith("$apr1$", StringComparison.Ordinal) ? "$apr1$" : "";
        if (magic.Length == 0)
        {
            return null;
        }

        string rest = setting[magic.Length..];
        int end = rest.IndexOf('$', StringComparison.Ordinal);
        string saltText = (end >= 0 ? rest[..end] : rest)[..Math.Min(MaxSalt, end >= 0 ? end : rest.Length)];
        byte[] salt = Encoding.ASCII.GetBytes(saltText);
        byte[] magicBytes = Encoding.ASCII.GetBytes(magic);

        var buffer = new ArrayBufferWriter<byte>(256);
        Span<byte> alt = stackalloc byte[16];
        buffer.Write(password);
        buffer.Write(salt);
        buffer.Write(password);
        MD5.HashData(buffer.WrittenSpan, alt);

        buffer.ResetWrittenCount();
        buffer.Write(password);
        buffer.Write(magicBytes);
        buffer.Write(salt);
        for (int i = password.Length; i > 0; i -= 16)
        {
            buffer.Write(alt[..Math.Min(16, i)]);
        }

        for (int i = password.Length; i != 0; i >>= 1)
        {
            buffer.Write((i & 1) != 0 ? [(byte)0] : password[..1]);
        }

        Span<byte> final = stackalloc byte[16];
        MD5.HashData(buffer.WrittenSpan, final);

        byte[] round = new byte[(password.Length * 2) + salt.Length + 32];
        for (int i = 0; i < 1000; i++)
        {
            int n = 0;
            if ((i & 1) != 0)
            {
                password.CopyTo(round.AsSpan(n));
                n += password.Length;
            }
            else
            {
                final.CopyTo(round.AsSpan(n));
                n += 16;
            }

            if (i % 3 != 0)
            {
                salt.CopyTo(round.AsSpan(n));
                n += salt.Length;
            }

            if (i % 7 != 0)
            {
                password.CopyTo(round.AsSpan(n));
                n += password.Length;
            }

            if ((i & 1) != 0)
            {
                final.CopyTo(round.AsSpan(n));
                n += 16;
            }
            else
            {
                password.CopyTo(round.AsSpan(n));
                n += password.Length;
            }

            MD5.HashData(round.AsSpan(0, n), final);
        }

        var sb = new StringBuilder(magic.Length + saltText.Length + 23);
        sb.Append(magic).Append(saltText).Append('$');
        CryptBase64.From24(sb, final[0], final[6], final[12], 4);
        CryptBase64.From24(sb, final[1], final[7], final[13], 4);
        CryptBase64.From24(sb, final[2], final[8], final[14], 4);
        CryptBase64.From24(sb, final[3], final[9], final[15], 4);
        CryptBase64.From24(sb, final[4], final[10], final[5], 4);
        CryptBase64.From24(sb, 0, 0, final[11], 2);
        return sb.ToString();
    }
}
