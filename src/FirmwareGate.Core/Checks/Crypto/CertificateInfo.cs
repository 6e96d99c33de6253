using System.Globalization;

namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>One X.509 certificate found in the image: attributes only.</summary>
public sealed record CertificateInfo : ICheckItem
{
    /// <inheritdoc/>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public required string Location { get; init; }

    /// <summary>SHA-256 of the DER encoding, lower-case hex.</summary>
    public required string Sha256Fingerprint { get; init; }

    /// <summary>
    /// How it was stored: <c>pem</c>, <c>der</c>, <c>pkcs7-pem</c>, <c>pkcs7-der</c> (a PKCS#7 / CMS certificate bundle)
    /// or <c>pkcs12</c> (a PKCS#12 file that opens without a password).
    /// </summary>
    public required string Format { get; init; }

    /// <summary>Byte offset in the file of the PEM block (its <c>-----BEGIN</c> line); null for a whole-file DER, PKCS#7 or PKCS#12.</summary>
    public long? Offset { get; init; }

    /// <summary>True when the PEM block sits inside a binary file (an ELF, a raw layer) rather than a text file.</summary>
    public bool Embedded { get; init; }

    /// <summary>X.509 version (1, 2 or 3).</summary>
    public int Version { get; init; } = 3;

    /// <summary>Subject in RFC 4514 order and syntax (<c>O=Acme,CN=Acme Devices Root CA</c>), as <c>openssl -nameopt RFC2253</c> prints it.</summary>
    public required string Subject { get; init; }

    /// <summary>Issuer, same syntax as <see cref="Subject"/>.</summary>
    public required string Issuer { get; init; }

    /// <summary>Serial number in upper-case hex without leading zero bytes (as <c>openssl x509 -serial</c>).</summary>
    public required string Serial { get; init; }

    /// <summary>Start of validity (UTC).</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>End of validity (UTC).</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>True when <see cref="NotAfter"/> is before the scan time.</summary>
    public bool Expired { get; init; }

    /// <summary>True when <see cref="NotBefore"/> is after the scan time.</summary>
    public bool NotYetValid { get; init; }

    /// <summary>Issuer equals subject (and, when both are present, the authority key id equals the subject key id).</summary>
    public required bool SelfSigned { get; init; }

    /// <summary>basicConstraints says cA=TRUE.</summary>
    public required bool IsCa { get; init; }

    /// <summary>Key algorithm as OpenSSL names it (<c>rsaEncryption</c>, <c>id-ecPublicKey</c>, <c>dsaEncryption</c>, <c>ED25519</c>), or the OID.</summary>
    public required string KeyAlgorithm { get; init; }

    /// <summary>Key size in bits (RSA modulus, DSA prime, EC field); null when unknown.</summary>
    public int? KeyBits { get; init; }

    /// <summary>NIST name of the curve (<c>P-256</c>) or its OpenSSL name; null when not EC.</summary>
    public string? Curve { get; init; }

    /// <summary>Signature algorithm as OpenSSL names it (<c>sha256WithRSAEncryption</c>, <c>ecdsa-with-SHA256</c>), or the OID.</summary>
    public required string SignatureAlgorithm { get; init; }

    /// <summary>Extended key usages by name (<c>serverAuth</c>, <c>clientAuth</c>...); empty when the extension is absent.</summary>
    public IReadOnlyList<string> ExtendedKeyUsages { get; init; } = [];

    /// <summary>SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex (what pairs a private key with it).</summary>
    public required string PublicKeySha256 { get; init; }

    /// <summary>Path of the trust store it belongs to (a CA bundle or a folder of roots); null outside trust stores.</summary>
    public string? TrustStore { get; init; }

    /// <summary>Where the certificate was published as test data (a TLS library's test certificates); null otherwise.</summary>
    public string? PublishedIn { get; init; }

    /// <summary>True when a private key of the image has this certificate's public key.</summary>
    public bool HasPrivateKey { get; init; }

    /// <summary>
    /// True when the certificate may be used for TLS: its extended key usage names serverAuth, clientAuth or
    /// anyExtendedKeyUsage, or it has no extended key usage (then TLS stacks accept it for any purpose).
    /// </summary>
    public bool TlsUsable => ExtendedKeyUsages.Count == 0 || ExtendedKeyUsages.Any(e => e is "serverAuth" or "clientAuth" or "anyExtendedKeyUsage");

    /// <inheritdoc/>
    public string SortKey => (Offset ?? -1).ToString("D20", CultureInfo.InvariantCulture) + ":" + Sha256Fingerprint;
}
