using System.Globalization;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>
/// After the walk: decides which certificates form trust stores, flags validity against the scan time, pairs
/// private keys with certificates of the same public key, and raises the certificate and key findings.
/// </summary>
/// <remarks>
/// Trust stores, decided from contents, not from the path:
/// a bundle is one file (PEM or PKCS#7) with at least <see cref="MinBundle"/> certificates that are all CA
/// certificates (basicConstraints cA, or self-signed) and no private key; a folder is a directory with at least
/// <see cref="MinFolder"/> files that each hold exactly one CA certificate and nothing else (Debian's
/// <c>/usr/share/ca-certificates/mozilla</c>, or an <c>/etc/ssl/certs</c> whose links were flattened into files).
/// A one-certificate file whose root is also in a trust store of the image is counted as part of that store, and a
/// file named like an OpenSSL hash link (<c>4042bcee.0</c>) that repeats a certificate of another file of its
/// folder is that file again and is not reported twice.
/// </remarks>
public sealed partial class CryptoStep(DateTimeOffset now) : IAnalysisStep
{
    /// <summary>Fewest CA certificates in one file for it to be a trust store bundle.</summary>
    public const int MinBundle = 2;

    /// <summary>Fewest one-root files in one folder for it to be a trust store folder.</summary>
    public const int MinFolder = 10;

    /// <inheritdoc/>
    public string Name => "crypto-pairing";

    /// <inheritdoc/>
    public void Run(AnalysisResults results, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(sink);
        var files = results.Items<CryptoFile>()
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ThenBy(f => f.Location, StringComparer.Ordinal)
            .ToList();

        // Scan-time flags first: every later decision sees them.
        files = [.. files.Select(f => f with { Certificates = [.. f.Certificates.Select(Timed)] })];
        files = DropHashLinkCopies(files);

        var stores = new List<(TrustStoreInfo Info, List<CertificateInfo> Members)>();
        var inStore = new HashSet<CryptoFile>();
        foreach (var f in files.Where(IsBundle))
        {
            stores.Add((StoreOf(f.Path, f.Location, "bundle", f.Certificates, f.Unreadable), [.. f.Certificates]));
            inStore.Add(f);
        }

        foreach (var group in files.Where(f => !inStore.Contains(f) && IsSingleRoot(f)).GroupBy(f => f.DirectoryLocation, StringComparer.Ordinal))
        {
            var members = group.ToList();
            if (members.Count >= MinFolder)
            {
                var certs = members.SelectMany(m => m.Certificates).ToList();
                stores.Add((StoreOf(members[0].Directory, group.Key, "folder", certs, members.Sum(m => m.Unreadable)), certs));
                inStore.UnionWith(members);
            }
        }

        // A single root that also sits in a store of the image is that store's copy.
        var storeOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (info, members) in stores)
        {
            foreach (var c in members)
            {
                storeOf.TryAdd(c.Sha256Fingerprint, info.Path);
            }
        }

        foreach (var f in files.Where(f => !inStore.Contains(f) && IsSingleRoot(f) && storeOf.ContainsKey(f.Certificates[0].Sha256Fingerprint)))
        {
            inStore.Add(f);
        }

        var certificates = new List<CertificateInfo>();
        var storeMembers = new List<CertificateInfo>();
        foreach (var f in files)
        {
            foreach (var c in f.Certificates)
            {
                if (inStore.Contains(f))
                {
                    storeMembers.Add(c with { TrustStore = storeOf.GetValueOrDefault(c.Sha256Fingerprint, f.Path) });
                }
                else
                {
                    certificates.Add(c);
                }
            }
        }

        var keys = files.SelectMany(f => f.Keys).ToList();
        var keySpkis = keys.Where(k => k.PublicKeySha256 is not null).Select(k => k.PublicKeySha256!).ToHashSet(StringComparer.Ordinal);
        certificates = [.. certificates.Select(c => c with { HasPrivateKey = keySpkis.Contains(c.PublicKeySha256) })];
        var certsBySpki = certificates.Concat(storeMembers).ToLookup(c => c.PublicKeySha256, StringComparer.Ordinal);

        foreach (var c in certificates.DistinctBy(c => (c.Location, c.SortKey)))
        {
            sink.Add(c);
            CertificateFindings(c, sink);
        }

        foreach (var (info, _) in stores)
        {
            sink.Add(info);
        }

        // Expired roots of trust stores: reported once each, whatever number of stores and copies hold them.
        foreach (var c in storeMembers.Where(c => c.Expired).DistinctBy(c => c.Sha256Fingerprint))
        {
            sink.Add(c);
            sink.Add(Finding.Of(c.Location, NullIfEmpty(c.Path), CryptoRules.Expired, Severity.Low,
                $"expired root {c.Subject} in trust store {c.TrustStore}",
                $"notAfter {Iso(c.NotAfter)} is before the scan time {Iso(now)}", c.Sha256Fingerprint));
        }

        foreach (var k in keys)
        {
            var paired = k.PublicKeySha256 is null ? [] : certsBySpki[k.PublicKeySha256].ToList();
            var key = k with
            {
                PairsWithCertificates = [.. paired.Select(c => c.Sha256Fingerprint).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                UsedForTls = paired.Any(c => c.TrustStore is null && c.PublishedIn is null && c.TlsUsable),
            };
            sink.Add(key);
            KeyFindings(key, paired, sink);
        }
    }

    private CertificateInfo Timed(CertificateInfo c) => c with { Expired = c.NotAfter < now, NotYetValid = c.NotBefore > now };

    // A CA certificate: basicConstraints cA, or a self-signed v1/v2 certificate (old roots predate extensions).
    private static bool IsCaLike(CertificateInfo c) => c.IsCa || (c.SelfSigned && c.Version < 3);

    private static bool IsBundle(CryptoFile f) =>
        f.Keys.Count == 0 && f.Certificates.Count >= MinBundle && f.Certificates.All(c => IsCaLike(c) && c.Format is "pem" or "pkcs7-pem" or "pkcs7-der" && !c.Embedded);

    private static bool IsSingleRoot(CryptoFile f) => f.Keys.Count == 0 && f.Certificates.Count == 1 && IsCaLike(f.Certificates[0]) && !f.Certificates[0].Embedded;

    // OpenSSL's c_rehash names: 8 hex digits of the subject hash, '.', a counter (".r0" for CRLs is not a certificate).
    [GeneratedRegex(@"^[0-9a-f]{8}\.[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HashLinkName();

    private static List<CryptoFile> DropHashLinkCopies(List<CryptoFile> files)
    {
        var byFolder = files.ToLookup(f => f.DirectoryLocation, StringComparer.Ordinal);
        return [.. files.Where(f => !(HashLinkName().IsMatch(f.FileName) && f.Keys.Count == 0 && f.Certificates.Count > 0
            && f.Certificates.All(c => byFolder[f.DirectoryLocation].Any(o => !ReferenceEquals(o, f) && !HashLinkName().IsMatch(o.FileName)
                && o.Certificates.Any(oc => oc.Sha256Fingerprint == c.Sha256Fingerprint)))))];
    }

    private TrustStoreInfo StoreOf(string path, string location, string kind, IReadOnlyList<CertificateInfo> certs, int unreadable) => new()
    {
        Path = path,
        Location = location,
        Kind = kind,
        Certificates = certs.Count,
        Distinct = certs.Select(c => c.Sha256Fingerprint).Distinct(StringComparer.Ordinal).Count(),
        Expired = certs.Count(c => c.Expired),
        NotYetValid = certs.Count(c => c.NotYetValid),
        WeakSignature = certs.Count(c => CryptoNames.WeakDigest(c.SignatureAlgorithm) is not null),
        WeakKey = certs.Count(IsWeakKey),
        Unreadable = unreadable,
    };

    private static bool IsWeakKey(CertificateInfo c) => c.KeyBits is { } bits && c.KeyAlgorithm switch
    {
        "rsaEncryption" or "rsassaPss" or "dsaEncryption" => bits < 2048,
        "id-ecPublicKey" => bits < 256,
        _ => false,
    };

    private void CertificateFindings(CertificateInfo c, AnalysisSink sink)
    {
        if (c.PublishedIn is not null)
        {
            return; // test data of a library: listed, not judged
        }

        string? path = NullIfEmpty(c.Path);
        string key = c.Sha256Fingerprint;
        string where = c.Offset is { } o && c.Embedded ? $" at offset {o}" : "";
        if (c.Expired)
        {
            sink.Add(Finding.Of(c.Location, path, CryptoRules.Expired, Severity.Medium,
                $"certificate {c.Subject}{where} expired on {Day(c.NotAfter)}",
                $"notAfter {Iso(c.NotAfter)} is before the scan time {Iso(now)}", key));
        }

        if (c.NotYetValid)
        {
            sink.Add(Finding.Of(c.Location, path, CryptoRules.NotYetValid, Severity.Low,
                $"certificate {c.Subject}{where} is not valid before {Day(c.NotBefore)}",
                $"notBefore {Iso(c.NotBefore)} is after the scan time {Iso(now)}", key));
        }

        if (IsWeakKey(c))
        {
            sink.Add(Finding.Of(c.Location, path, CryptoRules.WeakKey, Severity.High,
                $"certificate {c.Subject}{where} has a {c.KeyBits}-bit {KeyName(c.KeyAlgorithm)} key",
                $"{c.KeyAlgorithm} {c.KeyBits} bits{(c.Curve is null ? "" : " " + c.Curve)}; minimum 2048 for RSA/DSA, 256 for EC", key));
        }

        if (CryptoNames.WeakDigest(c.SignatureAlgorithm) is { } digest)
        {
            sink.Add(Finding.Of(c.Location, path, CryptoRules.WeakSignature, digest == "SHA-1" ? Severity.Medium : Severity.High,
                $"certificate {c.Subject}{where} is signed with {digest}",
                $"signatureAlgorithm {c.SignatureAlgorithm}", key));
        }

        // Self-signed and not a CA, or a "CA" whose private key ships in the image: a CA key is kept offline, so a
        // self-signed certificate whose key is on the device is the device's own end-entity certificate.
        if (c.SelfSigned && (!c.IsCa || c.HasPrivateKey))
        {
            sink.Add(Finding.Of(c.Location, path, CryptoRules.SelfSignedLeaf, Severity.Medium,
                $"self-signed certificate {c.Subject}{where} used as an end-entity certificate",
                c.IsCa ? "issuer equals subject; basicConstraints cA but its private key is in the image" : "issuer equals subject; not a CA certificate", key));
        }
    }

    private static void KeyFindings(PrivateKeyInfo k, List<CertificateInfo> paired, AnalysisSink sink)
    {
        string? path = NullIfEmpty(k.Path);
        string what = Describe(k);
        string where = k.Offset is { } o && k.Embedded ? $" at offset {o}" : "";
        string key = (k.PublicKeySha256 ?? k.OpenSshPublicKeySha256 ?? "") + "@" + (k.Offset?.ToString(CultureInfo.InvariantCulture) ?? "") + k.Format;
        if (k.PublishedIn is { } published)
        {
            sink.Add(Finding.Of(k.Location, path, CryptoRules.PublishedKey, Severity.Info,
                $"published {what}private key{where}: {published}",
                $"{k.Format}; the SHA-256 of its DER container is on the list of published keys", key));
        }
        else if (k.Encrypted)
        {
            sink.Add(Finding.Of(k.Location, path, CryptoRules.PrivateEncrypted, Severity.Medium,
                $"passphrase-protected {what}private key{where} ships in the image",
                $"{k.Format}, encrypted ({k.Encryption ?? "cipher unknown"})", key));
        }
        else
        {
            sink.Add(Finding.Of(k.Location, path, CryptoRules.PrivateUnencrypted, Severity.High,
                $"unencrypted {what}private key{where} ships in the image",
                $"{k.Format}{(k.Format == "pkcs12" ? " opened with an empty password" : ", not encrypted")}", key));
        }

        if (k.UsedForTls)
        {
            string folder = k.Path[..Math.Max(0, k.Path.LastIndexOf('/'))];
            var tls = paired.Where(c => c.TrustStore is null && c.PublishedIn is null && c.TlsUsable)
                .OrderBy(c => c.Path.StartsWith(folder + "/", StringComparison.Ordinal) ? 0 : 1)
                .ThenBy(c => c.Format == "pkcs12" ? 1 : 0)
                .ThenBy(c => c.Path, StringComparer.Ordinal).ThenBy(c => c.Sha256Fingerprint, StringComparer.Ordinal).First();
            string usage = tls.ExtendedKeyUsages.Count == 0 ? "no extended key usage (any purpose)" : "extended key usage " + string.Join(' ', tls.ExtendedKeyUsages);
            sink.Add(Finding.Of(k.Location, path, CryptoRules.TlsKeyPair, k.Encrypted ? Severity.High : Severity.Critical,
                $"{(k.Encrypted ? "passphrase-protected " : "")}private key{where} of TLS certificate {tls.Subject} ({tls.Path}) ships in the image",
                $"public key SHA-256 {k.PublicKeySha256} equals that of certificate {tls.Sha256Fingerprint}; {usage}", key));
        }
    }

    private static string Describe(PrivateKeyInfo k) =>
        k.Type is null ? "" : k.Bits is { } bits && !k.Type.StartsWith("ssh-ed", StringComparison.Ordinal) ? $"{k.Type} {bits}-bit " : k.Type + " ";

    private static string KeyName(string algorithm) => algorithm switch
    {
        "rsaEncryption" or "rsassaPss" => "RSA",
        "dsaEncryption" => "DSA",
        "id-ecPublicKey" => "EC",
        _ => algorithm,
    };

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
