using System.Text;
using System.Text.Json;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Crypto;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Core.Tests.Checks.Crypto;

/// <summary>Rules, trust stores, key pairing and the absence of secrets in what is reported.</summary>
public sealed class CryptoFindingTests
{
    private static DateTimeOffset NotAfterOf(string name) =>
        CryptoScan.OpenSslDate(CryptoScan.Expected.GetProperty("certificates").GetProperty(name).GetProperty("not_after").GetString()!);

    private static DateTimeOffset NotBeforeOf(string name) =>
        CryptoScan.OpenSslDate(CryptoScan.Expected.GetProperty("certificates").GetProperty(name).GetProperty("not_before").GetString()!);

    [Fact]
    public void Expiry_is_relative_to_the_scan_time()
    {
        var file = ("/etc/ssl/rsa-ca.pem", CryptoScan.Fixture("rsa-ca.pem"));
        var after = NotAfterOf("rsa-ca.pem").AddSeconds(1);
        var before = NotBeforeOf("rsa-ca.pem").AddSeconds(-1);

        var expired = CryptoScan.Run(after, file).Checks;
        var early = CryptoScan.Run(before, file).Checks;
        var valid = CryptoScan.Run(NotAfterOf("rsa-ca.pem").AddSeconds(-1), file).Checks;

        Assert.True(Assert.Single(expired.Certificates).Expired);
        Assert.Contains(expired.Findings, f => f.RuleId == "cert.expired" && f.Severity == Severity.Medium);
        Assert.True(Assert.Single(early.Certificates).NotYetValid);
        Assert.Contains(early.Findings, f => f.RuleId == "cert.not-yet-valid" && f.Severity == Severity.Low);
        Assert.DoesNotContain(valid.Findings, f => f.RuleId is "cert.expired" or "cert.not-yet-valid");
    }

    [Fact]
    public void Weak_keys_and_weak_signatures_are_findings()
    {
        var (checks, _) = CryptoScan.Run(
            NotBeforeOf("rsa1024-sha1.der").AddDays(1),
            ("/etc/a/rsa1024-sha1.der", CryptoScan.Fixture("rsa1024-sha1.der")),
            ("/etc/b/md5.pem", CryptoScan.Fixture("md5.pem")),
            ("/etc/c/ec384-ca.pem", CryptoScan.Fixture("ec384-ca.pem")));

        var byPath = checks.Findings.ToLookup(f => f.Path);
        Assert.Equal(
            [("cert.weak-key", Severity.High), ("cert.weak-signature", Severity.Medium)],
            byPath["/etc/a/rsa1024-sha1.der"].Select(f => (f.RuleId, f.Severity)));
        Assert.Equal("signatureAlgorithm sha1WithRSAEncryption", byPath["/etc/a/rsa1024-sha1.der"].Single(f => f.RuleId == "cert.weak-signature").Evidence);
        Assert.Contains(byPath["/etc/b/md5.pem"], f => f.RuleId == "cert.weak-signature" && f.Severity == Severity.High);
        Assert.Empty(byPath["/etc/c/ec384-ca.pem"]); // a CA with a P-384 key and ecdsa-with-SHA384: nothing to say
        // openssl req -x509 marks it CA:TRUE: a self-signed CA whose key is not in the image is not a leaf.
        Assert.True(CryptoScan.Expected.GetProperty("certificates").GetProperty("rsa1024-sha1.der").GetProperty("is_ca").GetBoolean());
    }

    [Fact]
    public void A_key_pairs_with_its_certificate_and_a_tls_certificate_makes_it_critical()
    {
        var (checks, _) = CryptoScan.Run(
            ("/etc/nginx/server.crt", CryptoScan.Fixture("ec-leaf.pem")),
            ("/etc/nginx/server.key", CryptoScan.Fixture("ec-sec1.pem")),
            ("/etc/other/unrelated.key", CryptoScan.Fixture("rsa-pkcs8.pem")));

        var cert = Assert.Single(checks.Certificates);
        Assert.Equal(["serverAuth"], cert.ExtendedKeyUsages);
        Assert.True(cert.HasPrivateKey);
        var key = Assert.Single(checks.PrivateKeys, k => k.Path == "/etc/nginx/server.key");
        Assert.Equal([cert.Sha256Fingerprint], key.PairsWithCertificates);
        Assert.True(key.UsedForTls);
        Assert.Empty(Assert.Single(checks.PrivateKeys, k => k.Path == "/etc/other/unrelated.key").PairsWithCertificates);

        var tls = Assert.Single(checks.Findings, f => f.RuleId == "key.tls-key-pair");
        Assert.Equal((Severity.Critical, "/etc/nginx/server.key"), (tls.Severity, tls.Path));
        Assert.Contains("extended key usage serverAuth", tls.Evidence, StringComparison.Ordinal);
        Assert.Equal(2, checks.Findings.Count(f => f.RuleId == "key.private-unencrypted" && f.Severity == Severity.High));
        // A self-signed end-entity certificate whose key is in the image.
        Assert.Single(checks.Findings, f => f.RuleId == "cert.self-signed-leaf" && f.Path == "/etc/nginx/server.crt");
    }

    [Fact]
    public void A_ca_bundle_is_one_trust_store_item_with_counts_and_no_findings_while_valid()
    {
        var expected = CryptoScan.Expected.GetProperty("bundle").GetProperty("ca-bundle.crt").EnumerateArray().ToList();
        var (checks, _) = CryptoScan.Run(("/etc/ssl/certs/ca-bundle.crt", CryptoScan.Fixture("ca-bundle.crt")));

        var store = Assert.Single(checks.TrustStores);
        Assert.Equal(("/etc/ssl/certs/ca-bundle.crt", "bundle", expected.Count, 0), (store.Path, store.Kind, store.Certificates, store.Expired));
        Assert.Equal(expected.Count(e => e.GetProperty("key_bits").ValueKind == JsonValueKind.Number && e.GetProperty("key_algorithm").GetString() == "rsaEncryption" && e.GetProperty("key_bits").GetInt32() < 2048), store.WeakKey);
        Assert.Empty(checks.Certificates);
        Assert.Empty(checks.Findings); // the RSA-1024 root is counted, not a finding
    }

    [Fact]
    public void Expired_roots_of_a_trust_store_are_reported_once_each()
    {
        var latest = CryptoScan.Expected.GetProperty("bundle").GetProperty("ca-bundle.crt").EnumerateArray()
            .Max(e => CryptoScan.OpenSslDate(e.GetProperty("not_after").GetString()!));
        var bundle = CryptoScan.Fixture("ca-bundle.crt");
        var (checks, _) = CryptoScan.Run(latest.AddDays(1), ("/etc/ssl/certs/ca-certificates.crt", bundle), ("/etc/pki/tls/cert.pem", bundle));

        Assert.Equal(2, checks.TrustStores.Count);
        Assert.All(checks.TrustStores, s => Assert.Equal(3, s.Expired));
        Assert.Equal(3, checks.Certificates.Count);
        Assert.All(checks.Certificates, c => Assert.NotNull(c.TrustStore));
        var expired = checks.Findings.Where(f => f.RuleId == "cert.expired").ToList();
        Assert.Equal(3, expired.Count);
        Assert.All(expired, f => Assert.Equal(Severity.Low, f.Severity));
    }

    [Fact]
    public void A_folder_of_one_root_files_is_one_trust_store_and_hash_named_copies_are_not_counted_twice()
    {
        string[] roots = ["rsa-ca.pem", "ec384-ca.pem", "ed25519-ca.pem"];
        var files = Enumerable.Range(0, 12).Select(i => ($"/usr/share/ca-certificates/mozilla/Root_{i:D2}.crt", CryptoScan.Fixture(roots[i % 3]))).ToList();
        var hashCopy = ("/etc/ssl/certs/5ad8a5d6.0", CryptoScan.Fixture("rsa-ca.pem"));
        var original = ("/etc/ssl/certs/vendor-ca.pem", CryptoScan.Fixture("rsa-ca.pem"));
        var (checks, _) = CryptoScan.Run([.. files, hashCopy, original]);

        var store = Assert.Single(checks.TrustStores);
        Assert.Equal(("/usr/share/ca-certificates/mozilla", "folder", 12, 3), (store.Path, store.Kind, store.Certificates, store.Distinct));
        // /etc/ssl/certs/vendor-ca.pem holds a root of that store: a copy of it. Its hash-named twin is the same file.
        Assert.Empty(checks.Certificates);
        Assert.Empty(checks.Findings);
    }

    [Fact]
    public void A_published_self_test_key_is_info()
    {
        // The RSA self-test key of GnuTLS lib/crypto-selftests-pk.c, cut from Debian's libgnutls30 by the fixture script.
        byte[] library = [0x7F, .. "ELF\0\0\0\0"u8, .. CryptoScan.Fixture("gnutls-selftest-rsa.pem"), 0, 0];

        var (checks, _) = CryptoScan.Run(("/usr/lib/libgnutls.so.30", library));

        Assert.Equal("GnuTLS self-test key (lib/crypto-selftests-pk.c)", Assert.Single(checks.PrivateKeys).PublishedIn);
        var f = Assert.Single(checks.Findings);
        Assert.Equal(("key.published", Severity.Info), (f.RuleId, f.Severity));
    }

    [Fact]
    public void No_key_material_or_passphrase_reaches_the_report_the_findings_or_the_notes()
    {
        string[] names = ["rsa-pkcs1.pem", "ec-sec1.pem", "dsa-pkcs1.pem", "rsa-pkcs8.pem", "rsa-pkcs8-encrypted.pem", "id_ed25519", "id_rsa", "putty-ed25519.ppk", "embedded.bin", "bad-key.pem"];
        var files = names.Select(n => ("/etc/k/" + n, CryptoScan.Fixture(n))).Concat([("/etc/k/dropbear_rsa_host_key", CryptoScan.Fixture("dropbear_rsa_host_key"))]).ToArray();
        var (checks, results) = CryptoScan.Run(files);
        Assert.Equal(10, checks.PrivateKeys.Count); // every key but bad-key.pem (the one inside embedded.bin included)

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            CryptoJsonWriter.WriteCertificates(w, checks);
            CryptoJsonWriter.WritePrivateKeys(w, checks);
            w.WriteEndObject();
        }

        string everything = Encoding.UTF8.GetString(stream.ToArray()) + string.Join('\n', checks.Findings.Select(f => f.Message + f.Evidence))
            + string.Join('\n', results.Notes) + string.Join('\n', results.Warnings);
        Assert.DoesNotContain("secret", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("-----BEGIN", everything, StringComparison.Ordinal);
        foreach (var (_, bytes) in files)
        {
            // No 24-character run of any key file's base64 (or of its raw bytes in base64) appears anywhere.
            foreach (string body in new[] { Encoding.ASCII.GetString(bytes), Convert.ToBase64String(bytes) })
            {
                foreach (string line in body.Split('\n').Where(l => l.Length >= 24 && !l.StartsWith("-----", StringComparison.Ordinal) && !l.Contains(':', StringComparison.Ordinal)))
                {
                    Assert.DoesNotContain(line[..24], everything, StringComparison.Ordinal);
                }
            }
        }
    }
}
