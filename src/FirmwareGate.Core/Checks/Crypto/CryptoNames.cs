using System.Collections.Frozen;

namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>OpenSSL's short names of the OIDs certificates and keys use (from OpenSSL's <c>objects.txt</c>).</summary>
internal static class CryptoNames
{
    public const string RsaOid = "1.2.840.113549.1.1.1";
    public const string DsaOid = "1.2.840.10040.4.1";
    public const string EcOid = "1.2.840.10045.2.1";
    public const string Ed25519Oid = "1.3.101.112";
    public const string Ed448Oid = "1.3.101.113";
    public const string X25519Oid = "1.3.101.110";
    public const string X448Oid = "1.3.101.111";
    public const string RsaPssOid = "1.2.840.113549.1.1.10";

    private static readonly FrozenDictionary<string, string> Algorithms = new Dictionary<string, string>
    {
        [RsaOid] = "rsaEncryption",
        [DsaOid] = "dsaEncryption",
        [EcOid] = "id-ecPublicKey",
        [Ed25519Oid] = "ED25519",
        [Ed448Oid] = "ED448",
        [X25519Oid] = "X25519",
        [X448Oid] = "X448",
        [RsaPssOid] = "rsassaPss",
        ["1.2.840.113549.1.1.2"] = "md2WithRSAEncryption",
        ["1.2.840.113549.1.1.3"] = "md4WithRSAEncryption",
        ["1.2.840.113549.1.1.4"] = "md5WithRSAEncryption",
        ["1.2.840.113549.1.1.5"] = "sha1WithRSAEncryption",
        ["1.2.840.113549.1.1.11"] = "sha256WithRSAEncryption",
        ["1.2.840.113549.1.1.12"] = "sha384WithRSAEncryption",
        ["1.2.840.113549.1.1.13"] = "sha512WithRSAEncryption",
        ["1.2.840.113549.1.1.14"] = "sha224WithRSAEncryption",
        ["1.3.14.3.2.29"] = "sha1WithRSA",
        ["1.3.14.3.2.3"] = "md5WithRSA",
        ["1.2.840.10040.4.3"] = "dsaWithSHA1",
        ["2.16.840.1.101.3.4.3.1"] = "dsa_with_SHA224",
        ["2.16.840.1.101.3.4.3.2"] = "dsa_with_SHA256",
        ["1.2.840.10045.4.1"] = "ecdsa-with-SHA1",
        ["1.2.840.10045.4.3.1"] = "ecdsa-with-SHA224",
        ["1.2.840.10045.4.3.2"] = "ecdsa-with-SHA256",
        ["1.2.840.10045.4.3.3"] = "ecdsa-with-SHA384",
        ["1.2.840.10045.4.3.4"] = "ecdsa-with-SHA512",
        ["2.16.840.1.101.3.4.3.10"] = "ecdsa_with_SHA3-256",
        ["2.16.840.1.101.3.4.3.14"] = "RSA-SHA3-256",
        ["1.2.156.10197.1.501"] = "SM2-with-SM3",
        ["1.2.643.2.2.19"] = "gost2001",
        ["1.2.643.7.1.1.1.1"] = "gost2012_256",
        ["1.2.643.7.1.1.1.2"] = "gost2012_512",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Curve OID -> (NIST or OpenSSL name, field size in bits).
    private static readonly FrozenDictionary<string, (string Name, int Bits)> Curves = new Dictionary<string, (string, int)>
    {
        ["1.2.840.10045.3.1.1"] = ("P-192", 192),
        ["1.3.132.0.33"] = ("P-224", 224),
        ["1.2.840.10045.3.1.7"] = ("P-256", 256),
        ["1.3.132.0.34"] = ("P-384", 384),
        ["1.3.132.0.35"] = ("P-521", 521),
        ["1.3.132.0.10"] = ("secp256k1", 256),
        ["1.3.132.0.9"] = ("secp160k1", 160),
        ["1.3.132.0.8"] = ("secp160r1", 160),
        ["1.3.36.3.3.2.8.1.1.7"] = ("brainpoolP256r1", 256),
        ["1.3.36.3.3.2.8.1.1.11"] = ("brainpoolP384r1", 384),
        ["1.3.36.3.3.2.8.1.1.13"] = ("brainpoolP512r1", 512),
        ["1.2.156.10197.1.301"] = ("SM2", 256),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> Usages = new Dictionary<string, string>
    {
        ["1.3.6.1.5.5.7.3.1"] = "serverAuth",
        ["1.3.6.1.5.5.7.3.2"] = "clientAuth",
        ["1.3.6.1.5.5.7.3.3"] = "codeSigning",
        ["1.3.6.1.5.5.7.3.4"] = "emailProtection",
        ["1.3.6.1.5.5.7.3.8"] = "timeStamping",
        ["1.3.6.1.5.5.7.3.9"] = "OCSPSigning",
        ["2.5.29.37.0"] = "anyExtendedKeyUsage",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>OpenSSL's name of an algorithm OID, or the OID itself.</summary>
    public static string Algorithm(string? oid) => oid is null ? "unknown" : Algorithms.TryGetValue(oid, out var name) ? name : oid;

    /// <summary>Name and size of a named curve; null when unknown.</summary>
    public static (string Name, int Bits)? Curve(string? oid) => oid is not null && Curves.TryGetValue(oid, out var c) ? c : null;

    /// <summary>The OID of a curve by its SSH name (<c>nistp256</c>).</summary>
    public static string? CurveOidOfSshName(string name) => name switch
    {
        "nistp256" => "1.2.840.10045.3.1.7",
        "nistp384" => "1.3.132.0.34",
        "nistp521" => "1.3.132.0.35",
        _ => null,
    };

    /// <summary>OpenSSL's short name of an extended key usage OID, or the OID.</summary>
    public static string Usage(string oid) => Usages.TryGetValue(oid, out var name) ? name : oid;

    /// <summary>The digest of a signature algorithm that is broken for signatures (MD2, MD4, MD5, SHA-1); null when none is.</summary>
    public static string? WeakDigest(string signatureAlgorithm)
    {
        string s = signatureAlgorithm.ToLowerInvariant();
        return s.StartsWith("md2", StringComparison.Ordinal) ? "MD2"
            : s.StartsWith("md4", StringComparison.Ordinal) ? "MD4"
            : s.StartsWith("md5", StringComparison.Ordinal) ? "MD5"
            : s.StartsWith("sha1", StringComparison.Ordinal) || s == "dsawithsha1" || s == "ecdsa-with-sha1" ? "SHA-1"
            : null;
    }

    /// <summary>Short RDN attribute names of RFC 4514 and OpenSSL.</summary>
    public static string Attribute(string oid) => oid switch
    {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.5" => "serialNumber",
        "2.5.4.4" => "SN",
        "2.5.4.42" => "GN",
        "2.5.4.12" => "title",
        "2.5.4.17" => "postalCode",
        "2.5.4.97" => "organizationIdentifier",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "1.2.840.113549.1.9.1" => "emailAddress",
        _ => oid,
    };
}
