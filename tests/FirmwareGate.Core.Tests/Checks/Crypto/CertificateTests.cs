using System.Text.Json;
using FirmwareGate.Core.Checks.Crypto;

namespace FirmwareGate.Core.Tests.Checks.Crypto;

/// <summary>Certificates read from files made by openssl, compared with what openssl prints about them (expected.json).</summary>
public sealed class CertificateTests
{
    [Theory]
    [InlineData("ec-leaf.pem", "pem")]
    [InlineData("ed25519-ca.pem", "pem")]
    [InlineData("ec384-ca.pem", "pem")]
    [InlineData("rsa-ca.pem", "pem")]
    [InlineData("md5.pem", "pem")]
    [InlineData("rsa1024-sha1.der", "der")]
    public void Certificate_attributes_equal_openssls(string name, string format)
    {
        var (checks, _) = CryptoScan.RunFixture(name);

        var cert = Assert.Single(checks.Certificates);
        AssertSame(CryptoScan.Expected.GetProperty("certificates").GetProperty(name), cert);
        Assert.Equal(format, cert.Format);
        Assert.Equal("/etc/ssl/" + name, cert.Path);
    }

    [Fact]
    public void A_pkcs7_bundle_yields_each_of_its_certificates()
    {
        var (checks, _) = CryptoScan.RunFixture("chain.p7b");

        var expected = CryptoScan.Expected.GetProperty("pkcs7").GetProperty("chain.p7b").EnumerateArray().ToList();
        Assert.Equal(expected.Count, checks.Certificates.Count);
        foreach (var e in expected)
        {
            var cert = Assert.Single(checks.Certificates, c => c.Sha256Fingerprint == e.GetProperty("sha256_fingerprint").GetString());
            AssertSame(e, cert);
            Assert.Equal("pkcs7-pem", cert.Format);
        }
    }

    [Fact]
    public void A_pkcs12_file_with_an_empty_password_yields_its_certificate_and_key()
    {
        var (checks, _) = CryptoScan.RunFixture("empty-password.p12");

        var e = CryptoScan.Expected.GetProperty("pkcs12").GetProperty("empty-password.p12");
        var cert = Assert.Single(checks.Certificates);
        AssertSame(e, cert);
        var key = Assert.Single(checks.PrivateKeys);
        Assert.Equal("pkcs12", key.Format);
        Assert.False(key.Encrypted);
        Assert.Equal(("EC", 256, "P-256"), (key.Type, key.Bits, key.Curve));
        Assert.Equal(e.GetProperty("sha256_public_spki").GetString(), key.PublicKeySha256);
        Assert.Equal([cert.Sha256Fingerprint], key.PairsWithCertificates);
    }

    [Fact]
    public void A_pkcs12_file_with_a_password_is_a_note_not_a_guess()
    {
        var (checks, results) = CryptoScan.RunFixture("with-password.p12");

        Assert.Empty(checks.Certificates);
        Assert.Empty(checks.PrivateKeys);
        Assert.Contains(results.Notes, n => n.Contains("PKCS#12: does not open without a password", StringComparison.Ordinal));
        Assert.Empty(results.Warnings);
    }

    [Fact]
    public void A_der_certificate_is_found_by_structure_whatever_its_name()
    {
        var (checks, _) = CryptoScan.Run(("/etc/device.id", CryptoScan.Fixture("rsa1024-sha1.der")));

        var cert = Assert.Single(checks.Certificates);
        Assert.Equal(CryptoScan.Expected.GetProperty("certificates").GetProperty("rsa1024-sha1.der").GetProperty("sha256_fingerprint").GetString(), cert.Sha256Fingerprint);
    }

    [Fact]
    public void A_certificate_inside_a_binary_is_found_at_its_offset()
    {
        var (checks, _) = CryptoScan.Run(("/usr/lib/libvendor.so", CryptoScan.Fixture("embedded.bin")));

        var e = CryptoScan.Expected.GetProperty("embedded");
        var cert = Assert.Single(checks.Certificates);
        Assert.Equal(e.GetProperty("certificate_offset").GetInt64(), cert.Offset);
        Assert.True(cert.Embedded);
        AssertSame(e.GetProperty("certificate"), cert);
    }

    [Fact]
    public void A_truncated_certificate_is_a_note_and_nothing_else()
    {
        var (checks, results) = CryptoScan.RunFixture("truncated-cert.pem");

        Assert.Empty(checks.Certificates);
        Assert.Empty(checks.Findings);
        Assert.Empty(results.Warnings);
        string note = Assert.Single(results.Notes);
        Assert.Contains("/etc/ssl/truncated-cert.pem: crypto: PEM block CERTIFICATE at offset 0: base64 body does not decode", note, StringComparison.Ordinal);
    }

    internal static void AssertSame(JsonElement e, CertificateInfo cert)
    {
        Assert.Equal(e.GetProperty("sha256_fingerprint").GetString(), cert.Sha256Fingerprint);
        Assert.Equal(e.GetProperty("subject").GetString(), cert.Subject);
        Assert.Equal(e.GetProperty("issuer").GetString(), cert.Issuer);
        Assert.Equal(e.GetProperty("serial").GetString(), cert.Serial);
        Assert.Equal(CryptoScan.OpenSslDate(e.GetProperty("not_before").GetString()!), cert.NotBefore);
        Assert.Equal(CryptoScan.OpenSslDate(e.GetProperty("not_after").GetString()!), cert.NotAfter);
        Assert.Equal(e.GetProperty("key_algorithm").GetString(), cert.KeyAlgorithm);
        if (cert.KeyAlgorithm == "ED25519")
        {
            // openssl prints no size for Ed25519: RFC 8032 keys are 256 bits.
            Assert.Equal(JsonValueKind.Null, e.GetProperty("key_bits").ValueKind);
            Assert.Equal(256, cert.KeyBits);
        }
        else
        {
            Assert.Equal(e.GetProperty("key_bits").GetInt32(), cert.KeyBits);
        }

        Assert.Equal(e.GetProperty("curve").GetString(), cert.Curve);
        Assert.Equal(e.GetProperty("signature_algorithm").GetString(), cert.SignatureAlgorithm);
        Assert.Equal(e.GetProperty("is_ca").GetBoolean(), cert.IsCa);
        Assert.Equal(e.GetProperty("sha256_public_spki").GetString(), cert.PublicKeySha256);
    }
}
