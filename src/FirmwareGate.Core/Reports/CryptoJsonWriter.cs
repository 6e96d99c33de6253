using System.Globalization;
using System.Text.Json;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Crypto;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Writes <c>certificates[]</c> (certificates with <c>kind: certificate</c>, and each trust store as one item with
/// <c>kind: trust-store</c> and its counts) and <c>privateKeys[]</c> of the JSON report: attributes and public-key
/// fingerprints only, never key material.
/// </summary>
internal static class CryptoJsonWriter
{
    public static void WriteCertificates(Utf8JsonWriter w, CheckResults checks)
    {
        var items = checks.Certificates.Select(c => (Item: (ICheckItem)c, Store: (TrustStoreInfo?)null, Cert: (CertificateInfo?)c))
            .Concat(checks.TrustStores.Select(s => (Item: (ICheckItem)s, Store: (TrustStoreInfo?)s, Cert: (CertificateInfo?)null)))
            .OrderBy(i => i.Item.Path, StringComparer.Ordinal)
            .ThenBy(i => i.Item.Location, StringComparer.Ordinal)
            .ThenBy(i => i.Store is null ? 1 : 0)
            .ThenBy(i => i.Item.SortKey, StringComparer.Ordinal);
        w.WriteStartArray("certificates");
        foreach (var (_, store, cert) in items)
        {
            if (store is not null)
            {
                WriteStore(w, store);
            }
            else
            {
                WriteCertificate(w, cert!); // one of the two is set by construction
            }
        }

        w.WriteEndArray();
    }

    public static void WritePrivateKeys(Utf8JsonWriter w, CheckResults checks)
    {
        w.WriteStartArray("privateKeys");
        foreach (var k in checks.PrivateKeys)
        {
            w.WriteStartObject();
            w.WriteString("path", k.Path);
            w.WriteString("location", k.Location);
            w.WriteString("format", k.Format);
            w.WriteNumberOrNull("offset", k.Offset);
            w.WriteBoolean("embedded", k.Embedded);
            w.WriteString("type", k.Type);
            w.WriteNumberOrNull("bits", k.Bits);
            w.WriteString("curve", k.Curve);
            w.WriteBoolean("encrypted", k.Encrypted);
            w.WriteString("encryption", k.Encryption);
            w.WriteString("publicKeySha256", k.PublicKeySha256);
            w.WriteString("openSshPublicKeySha256", k.OpenSshPublicKeySha256);
            w.WriteStartArray("pairsWithCertificates");
            foreach (var fp in k.PairsWithCertificates)
            {
                w.WriteStringValue(fp);
            }

            w.WriteEndArray();
            w.WriteBoolean("usedForTls", k.UsedForTls);
            w.WriteString("publishedIn", k.PublishedIn);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteCertificate(Utf8JsonWriter w, CertificateInfo c)
    {
        w.WriteStartObject();
        w.WriteString("kind", "certificate");
        w.WriteString("path", c.Path);
        w.WriteString("location", c.Location);
        w.WriteString("format", c.Format);
        w.WriteNumberOrNull("offset", c.Offset);
        w.WriteBoolean("embedded", c.Embedded);
        w.WriteNumber("version", c.Version);
        w.WriteString("subject", c.Subject);
        w.WriteString("issuer", c.Issuer);
        w.WriteString("serial", c.Serial);
        w.WriteString("notBefore", Iso(c.NotBefore));
        w.WriteString("notAfter", Iso(c.NotAfter));
        w.WriteBoolean("expired", c.Expired);
        w.WriteBoolean("notYetValid", c.NotYetValid);
        w.WriteBoolean("selfSigned", c.SelfSigned);
        w.WriteBoolean("isCa", c.IsCa);
        w.WriteString("keyAlgorithm", c.KeyAlgorithm);
        w.WriteNumberOrNull("keyBits", c.KeyBits);
        w.WriteString("curve", c.Curve);
        w.WriteString("signatureAlgorithm", c.SignatureAlgorithm);
        w.WriteStartArray("extendedKeyUsages");
        foreach (var u in c.ExtendedKeyUsages)
        {
            w.WriteStringValue(u);
        }

        w.WriteEndArray();
        w.WriteString("sha256Fingerprint", c.Sha256Fingerprint);
        w.WriteString("publicKeySha256", c.PublicKeySha256);
        w.WriteBoolean("hasPrivateKey", c.HasPrivateKey);
        w.WriteString("trustStore", c.TrustStore);
        w.WriteString("publishedIn", c.PublishedIn);
        w.WriteEndObject();
    }

    private static void WriteStore(Utf8JsonWriter w, TrustStoreInfo s)
    {
        w.WriteStartObject();
        w.WriteString("kind", "trust-store");
        w.WriteString("path", s.Path);
        w.WriteString("location", s.Location);
        w.WriteString("format", s.Kind);
        w.WriteNumber("certificates", s.Certificates);
        w.WriteNumber("distinct", s.Distinct);
        w.WriteNumber("expired", s.Expired);
        w.WriteNumber("notYetValid", s.NotYetValid);
        w.WriteNumber("weakSignature", s.WeakSignature);
        w.WriteNumber("weakKey", s.WeakKey);
        w.WriteNumber("unreadable", s.Unreadable);
        w.WriteEndObject();
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
