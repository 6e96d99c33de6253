using System.Security.Cryptography;
using System.Text;

namespace FirmwareGate.Core.Checks.Accounts.Crypt;

/// <summary>
/// Computes password hashes for a dictionary check: libxcrypt when the host has it (every algorithm it was built
/// with), else the managed implementations (DES, BSDi DES, md5crypt, apr1, SHA-crypt, bcrypt, NT, {SHA}).
/// yescrypt, scrypt, gost-yescrypt, sunmd5 and sha1crypt need libxcrypt.
/// </summary>
public sealed class CryptEngine
{
    /// <summary>An engine that uses libxcrypt when present.</summary>
    public static CryptEngine Default { get; } = new(useNative: true);

    /// <summary>An engine that uses only the managed implementations (tests, hosts without libxcrypt).</summary>
    public static CryptEngine ManagedOnly { get; } = new(useNative: false);

    /// <summary>Creates an engine.</summary>
    /// <param name="useNative">Whether to call libxcrypt when the host has it.</param>
    public CryptEngine(bool useNative) => UseNative = useNative;

    /// <summary>Whether libxcrypt is called when present.</summary>
    public bool UseNative { get; }

    /// <summary>True when libxcrypt is used.</summary>
    public bool NativeAvailable => UseNative && LibXCrypt.IsAvailable;

    /// <summary>True when the managed code implements <paramref name="algorithm"/> (a <see cref="HashAlgorithms"/> name).</summary>
    public static bool ManagedSupports(string algorithm) => algorithm is HashAlgorithms.Des or HashAlgorithms.BsdiDes
        or HashAlgorithms.Md5Crypt or HashAlgorithms.Apr1 or HashAlgorithms.Sha256Crypt or HashAlgorithms.Sha512Crypt
        or HashAlgorithms.Bcrypt or HashAlgorithms.Nt or HashAlgorithms.Sha1 or HashAlgorithms.Plaintext;

    /// <summary>
    /// Whether <paramref name="candidate"/> is the password of <paramref name="hash"/> (of <paramref name="algorithm"/>);
    /// null when this engine cannot compute that algorithm.
    /// </summary>
    public bool? Verify(string algorithm, string hash, string candidate)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(candidate);
        switch (algorithm)
        {
            case HashAlgorithms.Plaintext:
                return string.Equals(hash, candidate, StringComparison.Ordinal);
            case HashAlgorithms.Nt:
                return VerifyNt(hash, candidate);
            case HashAlgorithms.Sha1:
                return VerifySha1(hash, candidate);
        }

        byte[] password = Encoding.UTF8.GetBytes(candidate);
        string? computed = NativeAvailable ? LibXCrypt.Hash(password, hash) : null;
        if (computed is null && algorithm == HashAlgorithms.Bcrypt)
        {
            return VerifyBcrypt(hash, candidate);
        }

        computed ??= Managed(algorithm, password, hash);
        return computed is null ? null : string.Equals(computed, hash, StringComparison.Ordinal);
    }

    /// <summary>The crypt(3) string of <paramref name="password"/> with <paramref name="setting"/> from the managed code; null when unsupported.</summary>
    internal static string? Managed(string algorithm, ReadOnlySpan<byte> password, string setting) => algorithm switch
    {
        HashAlgorithms.Des => DesCrypt.Traditional(password, setting),
        HashAlgorithms.BsdiDes => DesCrypt.Extended(password, setting),
        HashAlgorithms.Md5Crypt or HashAlgorithms.Apr1 => Md5Crypt.Hash(password, setting),
        HashAlgorithms.Sha256Crypt or HashAlgorithms.Sha512Crypt => ShaCrypt.Hash(password, setting),
        HashAlgorithms.Bcrypt => ManagedBcrypt(password, setting),
        _ => null,
    };

    /// <summary>The crypt(3) string from libxcrypt; null when it is absent or rejects the setting.</summary>
    internal static string? Native(ReadOnlySpan<byte> password, string setting) => LibXCrypt.Hash(password, setting);

    private static string? ManagedBcrypt(ReadOnlySpan<byte> password, string setting)
    {
        if (setting.Length < 29)
        {
            return null;
        }

        try
        {
            string computed = BCrypt.Net.BCrypt.HashPassword(Encoding.UTF8.GetString(password), setting[..29]);
            return string.Concat(setting.AsSpan(0, 29), computed.AsSpan(29));
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool? VerifyBcrypt(string hash, string candidate)
    {
        string? computed = ManagedBcrypt(Encoding.UTF8.GetBytes(candidate), hash);
        return computed is null ? null : string.Equals(computed, hash, StringComparison.Ordinal);
    }

    // "$3$$" + 32 hex digits (libxcrypt's NTHASH) or 32 bare hex digits (smbpasswd).
    private static bool? VerifyNt(string hash, string candidate)
    {
        string hex = hash.StartsWith("$3$$", StringComparison.Ordinal) ? hash[4..] : hash;
        if (hex.Length != 32)
        {
            return null;
        }

        return string.Equals(Convert.ToHexStringLower(NtHash.Of(candidate)), hex.ToLowerInvariant(), StringComparison.Ordinal);
    }

    // Apache's "{SHA}" + base64 of the unsalted SHA-1.
    private static bool? VerifySha1(string hash, string candidate)
    {
        if (!hash.StartsWith("{SHA}", StringComparison.Ordinal))
        {
            return null;
        }

        string computed = Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(candidate)));
        return string.Equals(computed, hash[5..], StringComparison.Ordinal);
    }
}
