using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FirmwareGate.Core.Checks.Crypto;

namespace FirmwareGate.Core.Tests.Checks.Crypto;

/// <summary>Private keys made by openssl, ssh-keygen, dropbearkey and puttygen, compared with what those tools derive from them.</summary>
public sealed class PrivateKeyTests
{
    [Theory]
    [InlineData("rsa-pkcs1.pem")]
    [InlineData("rsa-pkcs1.der")]
    [InlineData("ec-sec1.pem")]
    [InlineData("ec-sec1-no-public.pem")]
    [InlineData("dsa-pkcs1.pem")]
    [InlineData("dsa-pkcs8.pem")]
    [InlineData("rsa-pkcs8.pem")]
    public void X509_style_keys_give_openssls_public_key(string name)
    {
        var e = CryptoScan.Expected.GetProperty("keys").GetProperty(name);
        var (checks, results) = CryptoScan.RunFixture(name);

        var key = Assert.Single(checks.PrivateKeys);
        Assert.Equal(e.GetProperty("format").GetString(), key.Format);
        Assert.Equal(e.GetProperty("type").GetString(), key.Type);
        Assert.Equal(e.GetProperty("bits").GetInt32(), key.Bits);
        Assert.False(key.Encrypted);
        Assert.Equal(e.GetProperty("sha256_public_spki").GetString(), key.PublicKeySha256);
        Assert.Null(key.OpenSshPublicKeySha256);
        Assert.Empty(results.Notes);
    }

    [Fact]
    public void An_ed25519_pkcs8_key_is_named_but_its_public_half_is_not_invented()
    {
        // PKCS#8 v1 holds only the Ed25519 seed; the BCL has no Ed25519 to derive the public key, so it stays null.
        var (checks, _) = CryptoScan.RunFixture("ed25519-pkcs8.pem");

        var key = Assert.Single(checks.PrivateKeys);
        Assert.Equal(CryptoScan.Expected.GetProperty("keys").GetProperty("ed25519-pkcs8.pem").GetProperty("type").GetString(), key.Type);
        Assert.Equal(256, key.Bits);
        Assert.Null(key.PublicKeySha256);
    }

    [Theory]
    [InlineData("rsa-pkcs8-encrypted.pem", "pkcs8-encrypted", null, "PBES2/PBKDF2/aes-256-cbc")]
    [InlineData("rsa-pkcs1-encrypted.pem", "pkcs1-rsa", "RSA", "aes-128-cbc")]
    public void Encrypted_keys_say_so_and_reveal_only_what_is_in_clear(string name, string format, string? type, string encryption)
    {
        var (checks, _) = CryptoScan.RunFixture(name);

        var key = Assert.Single(checks.PrivateKeys);
        Assert.True(CryptoScan.Expected.GetProperty("keys").GetProperty(name).GetProperty("encrypted").GetBoolean());
        Assert.True(key.Encrypted);
        Assert.Equal(format, key.Format);
        Assert.Equal(type, key.Type);
        Assert.Equal(encryption, key.Encryption);
        Assert.Null(key.PublicKeySha256); // inside the encryption
        var finding = Assert.Single(checks.Findings);
        Assert.Equal(("key.private-encrypted", FirmwareGate.Core.Checks.Severity.Medium), (finding.RuleId, finding.Severity));
    }

    [Theory]
    [InlineData("id_ed25519")]
    [InlineData("id_ecdsa_encrypted")]
    [InlineData("id_rsa")]
    [InlineData("dropbear_rsa_host_key")]
    [InlineData("dropbear_ecdsa_host_key")]
    [InlineData("dropbear_ed25519_host_key")]
    [InlineData("putty-ed25519.ppk")]
    [InlineData("putty-rsa-v2-encrypted.ppk")]
    public void Ssh_keys_give_the_public_key_ssh_keygen_dropbearkey_and_puttygen_print(string name)
    {
        var e = CryptoScan.Expected.GetProperty("keys").GetProperty(name);
        var (checks, results) = CryptoScan.Run(("/etc/keys/" + name, CryptoScan.Fixture(name)));

        var key = Assert.Single(checks.PrivateKeys);
        Assert.Equal(e.GetProperty("format").GetString(), key.Format);
        Assert.Equal(e.GetProperty("type").GetString(), key.Type);
        Assert.Equal(e.GetProperty("encrypted").GetBoolean(), key.Encrypted);
        Assert.Equal(e.GetProperty("openssh_public").GetString(), key.OpenSshPublicKey);
        Assert.Equal(e.GetProperty("sha256_openssh_blob").GetString(), key.OpenSshPublicKeySha256);
        if (e.TryGetProperty("bits", out var bits) && bits.ValueKind == JsonValueKind.Number)
        {
            Assert.Equal(bits.GetInt32(), key.Bits);
        }

        Assert.Empty(results.Notes);
    }

    [Fact]
    public void An_ssh_rsa_key_also_gets_the_spki_fingerprint_openssl_computes_from_its_public_key()
    {
        // ssh-keygen -e -m PKCS8 converts the public key; its DER SHA-256 equals ours. Computed here with the BCL
        // from the public line ssh-keygen printed (an independent path: RSA.ImportFromPem of the converted key).
        var e = CryptoScan.Expected.GetProperty("keys").GetProperty("id_rsa");
        var (checks, _) = CryptoScan.RunFixture("id_rsa");

        var blob = Convert.FromBase64String(e.GetProperty("openssh_public").GetString()!.Split(' ')[1]);
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Exponent = SshMpint(blob, 1), Modulus = SshMpint(blob, 2) });
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())), Assert.Single(checks.PrivateKeys).PublicKeySha256);
    }

    [Fact]
    public void A_key_inside_a_binary_is_found_at_its_offset()
    {
        var e = CryptoScan.Expected.GetProperty("embedded");
        var (checks, _) = CryptoScan.Run(("/usr/lib/libvendor.so", CryptoScan.Fixture("embedded.bin")));

        var key = Assert.Single(checks.PrivateKeys);
        Assert.Equal(e.GetProperty("key_offset").GetInt64(), key.Offset);
        Assert.True(key.Embedded);
        Assert.Equal(e.GetProperty("key").GetProperty("sha256_public_spki").GetString(), key.PublicKeySha256);
    }

    [Theory]
    [InlineData("bad-key.pem", "PEM block RSA PRIVATE KEY at offset 0: RSA PRIVATE KEY does not parse")]
    public void A_broken_key_is_a_note_and_no_finding(string name, string note)
    {
        var (checks, results) = CryptoScan.RunFixture(name);

        Assert.Empty(checks.PrivateKeys);
        Assert.Empty(checks.Findings);
        Assert.Empty(results.Warnings);
        Assert.Contains(note, Assert.Single(results.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_dropbear_key_is_not_a_key()
    {
        var (checks, results) = CryptoScan.Run(("/etc/dropbear/dropbear_rsa_host_key", CryptoScan.Fixture("truncated_dropbear_host_key")));

        Assert.Empty(checks.PrivateKeys);
        Assert.Empty(results.Warnings);
    }

    [Fact]
    public void OpenSshs_own_marker_strings_in_a_binary_are_not_keys()
    {
        // sshkey.c: #define MARK_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----\n", next to MARK_END, in every ssh binary.
        byte[] binary = [0x7F, .. "ELF\0\0\0-----BEGIN OPENSSH PRIVATE KEY-----\n\0-----END OPENSSH PRIVATE KEY-----\n\0\0"u8];
        var (checks, results) = CryptoScan.Run(("/usr/bin/ssh", binary));

        Assert.Empty(checks.PrivateKeys);
        Assert.Empty(results.Notes);
    }

    private static byte[] SshMpint(byte[] blob, int index)
    {
        int p = 0;
        byte[] value = [];
        for (int i = 0; i <= index; i++)
        {
            int n = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(blob.AsSpan(p));
            value = blob.AsSpan(p + 4, n).ToArray();
            p += 4 + n;
        }

        return value.AsSpan().TrimStart((byte)0).ToArray();
    }

    internal static string Text(byte[] b) => Encoding.ASCII.GetString(b);
}
