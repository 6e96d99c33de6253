using System.Text;
using FirmwareGate.Core.Checks.Accounts.Crypt;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Checks.Accounts;

/// <summary>
/// Hashes made by openssl passwd, mkpasswd and htpasswd (tests/fixtures/accounts-vectors.sh) recomputed by the managed
/// implementations and by libxcrypt: each must give the tool's exact string, and a wrong password must not match.
/// </summary>
public sealed class CryptVectorTests
{
    public static TheoryData<string, string, string, string> Vectors()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (string line in File.ReadAllLines(TestPaths.Fixture("Accounts/vectors.tsv")))
        {
            var f = line.Split('\t');
            data.Add(f[0], f[1], f[2], f[3]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_scheme_is_recognised_from_the_hash(string tool, string algorithm, string password, string hash)
    {
        _ = tool;
        _ = password;
        Assert.Equal(algorithm, HashAlgorithms.Identify(hash));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Managed_implementation_reproduces_the_tool(string tool, string algorithm, string password, string hash)
    {
        _ = tool;
        if (!CryptEngine.ManagedSupports(algorithm))
        {
            Assert.Null(CryptEngine.ManagedOnly.Verify(algorithm, hash, password));
            return;
        }

        if (algorithm is not (HashAlgorithms.Nt or HashAlgorithms.Sha1))
        {
            Assert.Equal(hash, CryptEngine.Managed(algorithm, Encoding.UTF8.GetBytes(password), hash));
        }

        Assert.True(CryptEngine.ManagedOnly.Verify(algorithm, hash, password));
        Assert.False(CryptEngine.ManagedOnly.Verify(algorithm, hash, "x" + password));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Libxcrypt_reproduces_the_tool(string tool, string algorithm, string password, string hash)
    {
        _ = tool;
        // Debian, the CI runner and the action's container ship libcrypt.so.1; elsewhere only the managed path is tested.
        if (!LibXCrypt.IsAvailable && !File.Exists("/etc/debian_version"))
        {
            return;
        }

        if (algorithm is HashAlgorithms.Apr1 or HashAlgorithms.Sha1)
        {
            // Apache's schemes are not crypt(3) schemes: libxcrypt rejects them and the engine falls back to managed code.
            Assert.Null(CryptEngine.Native(Encoding.UTF8.GetBytes(password), hash));
        }
        else
        {
            Assert.Equal(hash, CryptEngine.Native(Encoding.UTF8.GetBytes(password), hash));
        }

        Assert.True(CryptEngine.Default.Verify(algorithm, hash, password));
        Assert.False(CryptEngine.Default.Verify(algorithm, hash, "x" + password));
    }

    [Fact]
    public void Md4_matches_the_rfc_1320_test_suite()
    {
        Assert.Equal("31d6cfe0d16ae931b73c59d7e0c089c0", Convert.ToHexStringLower(NtHash.Md4(""u8)));
        Assert.Equal("bde52cb31de33e46245e05fbdbd6fb24", Convert.ToHexStringLower(NtHash.Md4("a"u8)));
        Assert.Equal("a448017aaf21d8525fc10ae87aa6729d", Convert.ToHexStringLower(NtHash.Md4("abc"u8)));
        Assert.Equal("e33b4ddc9c38f2199c3e7b164fcc0536", Convert.ToHexStringLower(NtHash.Md4("12345678901234567890123456789012345678901234567890123456789012345678901234567890"u8)));
    }

    [Fact]
    public void Sha_crypt_matches_the_specification_examples()
    {
        // Ulrich Drepper, "Unix crypt using SHA-256 and SHA-512", test vectors.
        Assert.Equal("$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
            CryptEngine.Managed(HashAlgorithms.Sha256Crypt, "Hello world!"u8, "$5$saltstring"));
        Assert.Equal("$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
            CryptEngine.Managed(HashAlgorithms.Sha512Crypt, "Hello world!"u8, "$6$rounds=10000$saltstringsaltstring"));
    }
}
