using System.Globalization;

namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>One private key found in the image: attributes only, never key material.</summary>
public sealed record PrivateKeyInfo : ICheckItem
{
    /// <inheritdoc/>
    public required string Path { get; init; }

    /// <inheritdoc/>
    public required string Location { get; init; }

    /// <summary>
    /// The container: <c>pkcs1-rsa</c>, <c>pkcs1-dsa</c>, <c>sec1-ec</c> (PEM or DER), <c>pkcs8</c>, <c>pkcs8-encrypted</c>,
    /// <c>openssh</c>, <c>putty</c>, <c>dropbear</c> or <c>pkcs12</c>.
    /// </summary>
    public required string Format { get; init; }

    /// <summary>Byte offset of the PEM block (or PuTTY header) in the file; null for a whole-file binary key.</summary>
    public long? Offset { get; init; }

    /// <summary>True when the key sits inside a binary file (an ELF, a raw layer) rather than a text file.</summary>
    public bool Embedded { get; init; }

    /// <summary>
    /// Key type: <c>RSA</c>, <c>DSA</c>, <c>EC</c>, <c>Ed25519</c>, <c>X25519</c> for X.509-style containers; the SSH
    /// name (<c>ssh-rsa</c>, <c>ssh-ed25519</c>, <c>ecdsa-sha2-nistp256</c>) for OpenSSH, PuTTY and Dropbear keys; null
    /// when the container hides it (an encrypted PKCS#8 key).
    /// </summary>
    public string? Type { get; init; }

    /// <summary>Size in bits; null when the container hides it.</summary>
    public int? Bits { get; init; }

    /// <summary>NIST curve name of an EC key (<c>P-256</c>); null otherwise.</summary>
    public string? Curve { get; init; }

    /// <summary>True when the private part is encrypted with a passphrase.</summary>
    public required bool Encrypted { get; init; }

    /// <summary>The encryption (<c>aes-256-cbc</c>, <c>PBES2/aes256-CBC</c>, <c>aes256-ctr/bcrypt</c>); null when not encrypted or unknown.</summary>
    public string? Encryption { get; init; }

    /// <summary>SHA-256 of the public key as a DER SubjectPublicKeyInfo (what <c>openssl pkey -pubout -outform DER</c> writes), lower-case hex; null when the container hides it.</summary>
    public string? PublicKeySha256 { get; init; }

    /// <summary>SHA-256 of the SSH public key blob (what <c>ssh-keygen -l</c> prints in base64), lower-case hex; null for keys that are not SSH keys.</summary>
    public string? OpenSshPublicKeySha256 { get; init; }

    /// <summary>
    /// The public key in OpenSSH's one-line form (<c>ssh-rsa AAAA...</c>) for SSH keys: the public half only, kept for
    /// matching with authorized_keys and known_hosts; not written to the report.
    /// </summary>
    public string? OpenSshPublicKey { get; init; }

    /// <summary>Where the key was published when it is a well-known one (a library's self-test key); null otherwise.</summary>
    public string? PublishedIn { get; init; }

    /// <summary>SHA-256 fingerprints of the certificates of the image with the same public key, sorted.</summary>
    public IReadOnlyList<string> PairsWithCertificates { get; init; } = [];

    /// <summary>True when one of <see cref="PairsWithCertificates"/> may be used for TLS (see <see cref="CertificateInfo.TlsUsable"/>).</summary>
    public bool UsedForTls { get; init; }

    /// <inheritdoc/>
    public string SortKey => (Offset ?? -1).ToString("D20", CultureInfo.InvariantCulture) + ":" + Format + ":" + (PublicKeySha256 ?? OpenSshPublicKeySha256 ?? "");
}
