namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>Rule ids of the certificate and private key checks (documented in docs/certificates.md).</summary>
public static class CryptoRules
{
    /// <summary>A certificate past its notAfter at the scan time (medium; low for a root inside a trust store).</summary>
    public const string Expired = "cert.expired";

    /// <summary>A certificate before its notBefore at the scan time (low).</summary>
    public const string NotYetValid = "cert.not-yet-valid";

    /// <summary>RSA or DSA key under 2048 bits, EC key under 256 bits (high).</summary>
    public const string WeakKey = "cert.weak-key";

    /// <summary>Signed with MD2, MD4 or MD5 (high) or SHA-1 (medium).</summary>
    public const string WeakSignature = "cert.weak-signature";

    /// <summary>A self-signed certificate used as an end-entity certificate (medium).</summary>
    public const string SelfSignedLeaf = "cert.self-signed-leaf";

    /// <summary>A private key stored without a passphrase (high).</summary>
    public const string PrivateUnencrypted = "key.private-unencrypted";

    /// <summary>A private key stored with a passphrase (medium).</summary>
    public const string PrivateEncrypted = "key.private-encrypted";

    /// <summary>A private key published with the software that embeds it (a library's self-test vector): not a secret (info).</summary>
    public const string PublishedKey = "key.published";

    /// <summary>The private key of a TLS certificate of the image (critical when unencrypted, high otherwise).</summary>
    public const string TlsKeyPair = "key.tls-key-pair";
}
