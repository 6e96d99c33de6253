using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Crypto;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Tests.Corpus;
using FirmwareGate.Core.Tests.Support;
using Xunit.Abstractions;

namespace FirmwareGate.Core.Tests.Checks.Crypto;

/// <summary>
/// Certificates and private keys against the corpus manifests (<c>planted.certificates</c>, <c>planted.private_keys</c>,
/// <c>planted.truststore</c>): every planted item found with the attributes the build tools read back, and no
/// certificate or key finding elsewhere except trust-store entries and items shown to be really there.
/// </summary>
/// <remarks>
/// Where this reading and a manifest field differ, the manifest is the one that is off, and the test says why:
/// <list type="bullet">
/// <item><c>/etc/acme/legacy-dsa.key</c> is labelled <c>pkcs1-dsa</c>, but OpenSSL 3's <c>dsaparam -genkey</c> writes a
/// PKCS#8 <c>PRIVATE KEY</c> block (the file starts <c>-----BEGIN PRIVATE KEY-----</c>); we report <c>pkcs8</c>.</item>
/// <item><c>/etc/acme/backup.key</c> (encrypted PKCS#8) has a type, size and public key in the manifest because the build
/// knew the passphrase; without it they are inside the ciphertext, and we report null for all three.</item>
/// <item><c>sha256_public_openssh</c> is the SHA-256 of the base64 text of the public key (plant.py hashes
/// <c>pub[1].encode()</c>), so it is compared with the base64 of the blob we read.</item>
/// </list>
/// Items that are really there though not planted: the roots of the Debian CA bundle (trust-store entries); the
/// private key inside <c>/etc/acme/client.p12</c> (the manifest says <c>contains_private_key</c>); GnuTLS's
/// self-test keys compiled into <c>libgnutls.so.30</c> and Mbed TLS's test keys and certificates in
/// <c>libmbedx509.so</c> (keys reported as <c>key.published</c>, info; certificates listed without findings; their
/// hashes are those of Debian's libgnutls30 and libmbedx509-1 packages, which the corpus images carry).
/// </remarks>
public sealed class CryptoCorpusTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [CorpusTheory]
    [MemberData(nameof(CorpusTests.Images), MemberType = typeof(CorpusTests))]
    public void Planted_certificates_and_keys_are_found_with_their_attributes_and_nothing_else_is_flagged(string image)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Corpus, image + ".manifest.json")));
        var planted = doc.RootElement.GetProperty("planted");
        var plantedCerts = Array(planted, "certificates");
        var plantedKeys = Array(planted, "private_keys");
        var started = Stopwatch.StartNew();
        using var result = new ScanPipeline().RunAsync(
            new ScanOptions { ImagePath = Path.Combine(TestPaths.Corpus, doc.RootElement.GetProperty("image").GetProperty("file").GetString()!), Limits = ReadLimits.Default, Now = Now },
            CancellationToken.None).GetAwaiter().GetResult();
        var checks = result.Checks;
        var problems = new List<string>();

        int certsExpected = 0;
        foreach (var p in plantedCerts)
        {
            string path = p.GetProperty("path").GetString()!;
            string format = p.GetProperty("format").GetString()!;
            if (p.TryGetProperty("contains", out var contains))
            {
                string container = format == "pkcs7-der" ? "pkcs7-der" : "pkcs12";
                foreach (var fp in contains.EnumerateArray().Select(c => c.GetString()!))
                {
                    certsExpected++;
                    Check(problems, checks.Certificates.Any(c => c.Path == path && c.Sha256Fingerprint == fp && c.Format == container), $"{path}: certificate {fp} ({container}) not found");
                }

                continue;
            }

            certsExpected++;
            long? offset = p.TryGetProperty("offset", out var o) ? o.GetInt64() : null;
            var cert = checks.Certificates.FirstOrDefault(c => c.Path == path && c.Sha256Fingerprint == p.GetProperty("sha256_fingerprint").GetString() && (offset is null || c.Offset == offset));
            if (cert is null)
            {
                problems.Add($"{path}: certificate not found");
                continue;
            }

            Compare(problems, path, "format", format == "pem-embedded" ? "pem" : format, cert.Format);
            Compare(problems, path, "embedded", offset is not null, cert.Embedded);
            Compare(problems, path, "subject", p.GetProperty("subject").GetString(), cert.Subject);
            Compare(problems, path, "issuer", p.GetProperty("issuer").GetString(), cert.Issuer);
            Compare(problems, path, "serial", p.GetProperty("serial").GetString(), cert.Serial);
            Compare(problems, path, "notBefore", CryptoScan.OpenSslDate(p.GetProperty("not_before").GetString()!), cert.NotBefore);
            Compare(problems, path, "notAfter", CryptoScan.OpenSslDate(p.GetProperty("not_after").GetString()!), cert.NotAfter);
            Compare(problems, path, "expired", CryptoScan.OpenSslDate(p.GetProperty("not_after").GetString()!) < Now, cert.Expired);
            Compare(problems, path, "notYetValid", CryptoScan.OpenSslDate(p.GetProperty("not_before").GetString()!) > Now, cert.NotYetValid);
            Compare(problems, path, "selfSigned", p.GetProperty("self_signed").GetBoolean(), cert.SelfSigned);
            Compare(problems, path, "isCa", p.GetProperty("is_ca").GetBoolean(), cert.IsCa);
            Compare(problems, path, "keyAlgorithm", p.GetProperty("key_algorithm").GetString(), cert.KeyAlgorithm);
            Compare(problems, path, "keyBits", p.GetProperty("key_bits").GetInt32(), cert.KeyBits);
            Compare(problems, path, "curve", p.GetProperty("curve").GetString(), cert.Curve);
            Compare(problems, path, "signatureAlgorithm", p.GetProperty("signature_algorithm").GetString(), cert.SignatureAlgorithm);
        }

        foreach (var p in plantedKeys)
        {
            string path = p.GetProperty("path").GetString()!;
            long? offset = p.TryGetProperty("offset", out var o) ? o.GetInt64() : null;
            var key = checks.PrivateKeys.FirstOrDefault(k => k.Path == path && (offset is null || k.Offset == offset));
            if (key is null)
            {
                problems.Add($"{path}: private key not found");
                continue;
            }

            string format = p.GetProperty("format").GetString()!;
            string expectedFormat = format switch
            {
                "pkcs1-rsa-embedded" => "pkcs1-rsa",
                "openssh-encrypted" => "openssh",
                "pkcs1-dsa" => "pkcs8", // OpenSSL 3 dsaparam -genkey writes PKCS#8 (class remarks)
                _ => format,
            };
            bool hidden = format == "pkcs8-encrypted";
            Compare(problems, path, "format", expectedFormat, key.Format);
            Compare(problems, path, "encrypted", p.GetProperty("encrypted").GetBoolean(), key.Encrypted);
            Compare(problems, path, "embedded", offset is not null, key.Embedded);
            Compare(problems, path, "type", hidden ? null : p.GetProperty("type").GetString(), key.Type);
            if (p.TryGetProperty("bits", out var bits))
            {
                Compare(problems, path, "bits", hidden ? null : bits.GetInt32(), key.Bits);
            }

            if (p.TryGetProperty("sha256_public_spki", out var spki))
            {
                Compare(problems, path, "publicKeySha256", hidden ? null : spki.GetString(), key.PublicKeySha256);
            }

            if (p.TryGetProperty("sha256_public_openssh", out var ssh))
            {
                string? base64 = key.OpenSshPublicKey?.Split(' ')[1];
                Compare(problems, path, "openssh public", ssh.GetString(), base64 is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(base64))));
            }

            if (p.TryGetProperty("openssh_public", out var line))
            {
                Compare(problems, path, "openssh public", line.GetString(), key.OpenSshPublicKey);
            }

            if (p.TryGetProperty("pairs_with_certificate", out var pair))
            {
                Check(problems, key.PairsWithCertificates.Contains(pair.GetString()!), $"{path}: does not pair with {pair.GetString()}");
                Check(problems, key.UsedForTls && checks.Findings.Any(f => f.RuleId == CryptoRules.TlsKeyPair && f.Path == path), $"{path}: TLS key pair not called out");
            }
            else
            {
                Check(problems, key.PairsWithCertificates.Count == 0, $"{path}: pairs with a certificate the manifest does not name");
            }

            string rule = key.Encrypted ? CryptoRules.PrivateEncrypted : CryptoRules.PrivateUnencrypted;
            Check(problems, checks.Findings.Any(f => f.RuleId == rule && f.Path == path), $"{path}: no {rule} finding");
        }

        var stores = checks.TrustStores.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        if (planted.TryGetProperty("truststore", out var ts) && ts.ValueKind == JsonValueKind.Object)
        {
            var store = checks.TrustStores.FirstOrDefault(s => s.Path == ts.GetProperty("path").GetString());
            Check(problems, store is not null && store.Certificates == ts.GetProperty("certificates").GetInt32(),
                $"trust store {ts.GetProperty("path").GetString()}: {store?.Certificates.ToString(CultureInfo.InvariantCulture) ?? "not found"}, manifest {ts.GetProperty("certificates").GetInt32()}");
        }

        Check(problems, checks.TrustStores.Count == (planted.TryGetProperty("truststore", out var t2) && t2.ValueKind == JsonValueKind.Object ? 1 : 0), $"trust stores: {string.Join(", ", stores)}");

        // Precision: every certificate/key item and finding is planted, a trust-store entry, or a published key.
        var plantedPaths = plantedCerts.Concat(plantedKeys).Select(p => p.GetProperty("path").GetString()!).ToHashSet(StringComparer.Ordinal);
        var publishedPaths = checks.PrivateKeys.Where(k => k.PublishedIn is not null).Select(k => k.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var c in checks.Certificates.Where(c => !plantedPaths.Contains(c.Path) && c.TrustStore is null && c.PublishedIn is null))
        {
            problems.Add($"unplanted certificate {c.Path} {c.Subject}");
        }

        foreach (var k in checks.PrivateKeys.Where(k => !plantedPaths.Contains(k.Path) && k.PublishedIn is null))
        {
            problems.Add($"unplanted private key {k.Path} @{k.Offset}");
        }

        var ours = checks.Findings.Where(f => f.RuleId.StartsWith("cert.", StringComparison.Ordinal) || f.RuleId.StartsWith("key.", StringComparison.Ordinal)).ToList();
        foreach (var f in ours.Where(f => !plantedPaths.Contains(f.Path ?? "") && !stores.Contains(f.Path ?? "") && !(f.RuleId == CryptoRules.PublishedKey && publishedPaths.Contains(f.Path ?? ""))))
        {
            problems.Add($"finding {f.RuleId} on {f.Path} which nothing plants");
        }

        Check(problems, checks.Findings.Where(f => f.RuleId == CryptoRules.PublishedKey).All(f => f.Severity == Severity.Info), "published keys must be info");

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{image}: planted certificates {certsExpected}, keys {plantedKeys.Count}; reported certificates {checks.Certificates.Count}, keys {checks.PrivateKeys.Count} ({publishedPaths.Count} files of published keys), trust stores {checks.TrustStores.Count} ({string.Join(", ", checks.TrustStores.Select(s => $"{s.Path}: {s.Certificates} certificates, {s.Expired} expired"))}), crypto findings {ours.Count}; scan {started.ElapsedMilliseconds} ms; {problems.Count} problems"));
        foreach (var p in problems)
        {
            output.WriteLine("  " + p);
        }

        Assert.Empty(problems);
    }

    private static List<JsonElement> Array(JsonElement planted, string name) =>
        planted.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray()] : [];

    private static void Check(List<string> problems, bool ok, string message)
    {
        if (!ok)
        {
            problems.Add(message);
        }
    }

    private static void Compare<T>(List<string> problems, string path, string field, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            problems.Add($"{path}: {field} is {actual}, manifest says {expected}");
        }
    }
}
