using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CycloneDX.Core.Models;
using CycloneDX.Models;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Checks.Crypto;
using FirmwareGate.Core.Unpacking;
using CdxComponent = CycloneDX.Models.Component;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// Certificates and keys as CycloneDX 1.6 <c>cryptographic-asset</c> components: one <c>certificate</c> asset per
/// distinct certificate (its locations as evidence occurrences), one <c>related-crypto-material</c> asset of type
/// <c>private-key</c> per key found (its public-key fingerprint as id, never the key), and one <c>algorithm</c>
/// asset per signature or key algorithm they use. A key that pairs with a certificate is linked to it in
/// <c>dependencies[]</c> (the certificate depends on its key). Trust stores stay out, except their expired roots.
/// </summary>
internal static class CycloneDxCryptoAssets
{
    /// <summary>The crypto asset components of a scan, in report order.</summary>
    public static List<CdxComponent> Components(CheckResults checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var certificates = Certificates(checks);
        var keys = checks.PrivateKeys;
        var algorithms = new SortedDictionary<string, CdxComponent>(StringComparer.Ordinal);

        var list = new List<CdxComponent>();
        foreach (var group in certificates)
        {
            var c = group.First();
            string sigRef = Algorithm(algorithms, c.SignatureAlgorithm, Primitive.Signature, null);
            Algorithm(algorithms, c.KeyAlgorithm, KeyPrimitive(c.KeyAlgorithm), c.Curve);
            var properties = new List<Property>
            {
                Property("crypto:serial", c.Serial),
                Property("crypto:key-algorithm", c.KeyAlgorithm),
            };
            if (c.KeyBits is { } bits)
            {
                properties.Add(Property("crypto:key-size", bits.ToString(CultureInfo.InvariantCulture)));
            }

            if (c.Curve is { } curve)
            {
                properties.Add(Property("crypto:curve", curve));
            }

            properties.Add(Property("crypto:signature-algorithm", c.SignatureAlgorithm));
            properties.Add(Property("crypto:self-signed", c.SelfSigned ? "true" : "false"));
            properties.Add(Property("crypto:ca", c.IsCa ? "true" : "false"));
            properties.Add(Property("crypto:expired", c.Expired ? "true" : "false"));
            properties.Add(Property("crypto:not-yet-valid", c.NotYetValid ? "true" : "false"));
            properties.Add(Property("crypto:public-key-sha256", c.PublicKeySha256));
            if (Extension(c.Path) is { } extension)
            {
                // CycloneDX.Core writes its file extension field under the 1.7 name, which a 1.6 document cannot hold.
                properties.Add(Property("crypto:file-extension", extension));
            }

            if (c.TrustStore is { } store)
            {
                properties.Add(Property("crypto:trust-store", EntryName.Display(store)));
            }

            list.Add(new CdxComponent
            {
                Type = CdxComponent.Classification.Cryptographic_Asset,
                BomRef = CertificateRef(c.Sha256Fingerprint),
                Name = c.Subject.Length > 0 ? c.Subject : c.Sha256Fingerprint,
                Hashes = [new Hash { Alg = Hash.HashAlgorithm.SHA_256, Content = c.Sha256Fingerprint }],
                CryptoProperties = new CryptoProperties
                {
                    AssetType = AssetType.Certificate,
                    CertificateProperties = new CertificateProperties
                    {
                        SubjectName = c.Subject,
                        IssuerName = c.Issuer,
                        NotValidBefore = c.NotBefore.UtcDateTime,
                        NotValidAfter = c.NotAfter.UtcDateTime,
                        SignatureAlgorithmRef = sigRef,
                        CertificateFormat = "X.509",
                    },
                },
                Properties = properties,
                Evidence = Occurrences(group.Select(g => g.Location + (g.Offset is { } o && g.Embedded ? "@" + o.ToString(CultureInfo.InvariantCulture) : ""))),
            });
        }

        foreach (var k in keys)
        {
            string? algRef = k.Type is null ? null : Algorithm(algorithms, KeyAlgorithmName(k.Type), KeyPrimitive(KeyAlgorithmName(k.Type)), k.Curve);
            var properties = new List<Property>
            {
                Property("crypto:encrypted", k.Encrypted ? "true" : "false"),
            };
            if (k.PublicKeySha256 is { } spki)
            {
                properties.Add(Property("crypto:public-key-sha256", spki));
            }

            if (k.OpenSshPublicKeySha256 is { } ssh)
            {
                properties.Add(Property("crypto:openssh-public-key-sha256", ssh));
            }

            if (k.PublishedIn is { } published)
            {
                properties.Add(Property("crypto:published-in", published));
            }

            var material = new RelatedCryptoMaterialProperties
            {
                Type = RelatedCryptoMaterialType.Private_Key,
                Id = k.PublicKeySha256 is { } id ? "sha256:" + id : k.OpenSshPublicKeySha256 is { } sid ? "openssh-sha256:" + sid : null,
                AlgorithmRef = algRef,
                Format = k.Format,
                SecuredBy = k.Encrypted ? new SecuredBy { Mechanism = "Password" } : null,

                // NIST SP 800-57 "compromised": anyone with the image has a key stored in clear (or a published one).
                State = k.Encrypted && k.PublishedIn is null ? KeyState.Null : KeyState.Compromised,
            };
            if (k.Bits is { } size)
            {
                material.Size = size;
            }

            list.Add(new CdxComponent
            {
                Type = CdxComponent.Classification.Cryptographic_Asset,
                BomRef = KeyRef(k),
                Name = (k.Type is null ? "" : k.Type + " ") + "private key",
                CryptoProperties = new CryptoProperties { AssetType = AssetType.Related_Crypto_Material, RelatedCryptoMaterialProperties = material },
                Properties = properties,
                Evidence = Occurrences([k.Location + (k.Offset is { } o && k.Embedded ? "@" + o.ToString(CultureInfo.InvariantCulture) : "")]),
            });
        }

        list.AddRange(algorithms.Values);
        return list;
    }

    /// <summary>Links: each certificate with a private key in the image depends on that key (in report order).</summary>
    public static List<Dependency> Dependencies(CheckResults checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var certRefs = Certificates(checks).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return [.. checks.PrivateKeys
            .SelectMany(k => k.PairsWithCertificates.Where(certRefs.Contains).Select(fp => (Cert: CertificateRef(fp), Key: KeyRef(k))))
            .GroupBy(p => p.Cert, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Dependency
            {
                Ref = g.Key,
                Dependencies = [.. g.Select(p => p.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(r => new Dependency { Ref = r })],
            })];
    }

    /// <summary>The bom-ref of a certificate asset.</summary>
    public static string CertificateRef(string sha256) => "crypto:certificate:" + sha256;

    private static IEnumerable<IGrouping<string, CertificateInfo>> Certificates(CheckResults checks) =>
        checks.Certificates.GroupBy(c => c.Sha256Fingerprint, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);

    // One asset per key found: its place and format make it unique (the same key may sit in two files).
    private static string KeyRef(PrivateKeyInfo k)
    {
        string where = $"{k.Location}\n{k.Offset}\n{k.Format}\n{k.PublicKeySha256}{k.OpenSshPublicKeySha256}";
        return "crypto:private-key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(where)).AsSpan(0, 12));
    }

    private static string Algorithm(SortedDictionary<string, CdxComponent> algorithms, string name, Primitive primitive, string? curve)
    {
        string key = curve is null ? name : name + "/" + curve;
        string bomRef = "crypto:algorithm:" + key;
        if (!algorithms.ContainsKey(key))
        {
            algorithms[key] = new CdxComponent
            {
                Type = CdxComponent.Classification.Cryptographic_Asset,
                BomRef = bomRef,
                Name = key,
                CryptoProperties = new CryptoProperties
                {
                    AssetType = AssetType.Algorithm,
                    AlgorithmProperties = new AlgorithmProperties { Primitive = primitive, Curve = curve },
                },
            };
        }

        return bomRef;
    }

    private static Primitive KeyPrimitive(string keyAlgorithm) => keyAlgorithm switch
    {
        "rsaEncryption" => Primitive.PKE,
        "X25519" or "X448" => Primitive.Key_Agree,
        _ => Primitive.Signature,
    };

    private static string KeyAlgorithmName(string keyType) => keyType switch
    {
        "RSA" or "ssh-rsa" => "rsaEncryption",
        "DSA" or "ssh-dss" => "dsaEncryption",
        "EC" => "id-ecPublicKey",
        "Ed25519" or "ssh-ed25519" => "ED25519",
        _ when keyType.StartsWith("ecdsa-sha2-", StringComparison.Ordinal) => "id-ecPublicKey",
        _ => keyType,
    };

    private static string? Extension(string path)
    {
        string name = path[(path.LastIndexOf('/') + 1)..];
        int dot = name.LastIndexOf('.');
        return dot > 0 && dot < name.Length - 1 ? name[(dot + 1)..].ToLowerInvariant() : null;
    }

    private static Evidence Occurrences(IEnumerable<string> locations) => new()
    {
        Occurrences = [.. locations.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(l => new EvidenceOccurrence { Location = EntryName.Display(l) })],
    };

    private static Property Property(string name, string value) => new() { Name = CycloneDxReportWriter.PropertyPrefix + name, Value = value };
}
