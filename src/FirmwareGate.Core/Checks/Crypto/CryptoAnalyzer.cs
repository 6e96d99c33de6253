using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FirmwareGate.Core.Analysis;

namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>
/// Finds X.509 certificates and private keys in any file of the walk: PEM blocks anywhere (text files, binaries,
/// raw layers; one vectorised search for <c>-----BEGIN </c>), whole-file DER certificates, keys and PKCS#7 bundles
/// recognised by their ASN.1 structure, PKCS#12 files that open without a password, PuTTY keys and Dropbear host
/// keys. Attributes only: no key material leaves this class.
/// </summary>
public sealed class CryptoAnalyzer : IFileAnalyzer
{
    /// <summary>Files larger than this are only read when their name or head says they are certificates or keys.</summary>
    public const long MaxSearchBytes = 64L << 20;

    /// <summary>Text files larger than this are not searched for PEM blocks unless their name says so.</summary>
    public const long MaxTextBytes = 1L << 20;

    private const int ChunkBytes = 8 << 20;

    private static readonly string[] Extensions =
    [
        ".pem", ".crt", ".cer", ".der", ".key", ".p7b", ".p7c", ".p12", ".pfx", ".ppk", ".cert", ".ca-bundle", ".prv", ".priv",
    ];

    private static readonly string[] TextFolders = ["/etc/", "/root/", "/home/", "/opt/", "/var/", "/srv/", "/www/", "/usr/local/", "/usr/share/ca-certificates/", "/usr/lib/ssl/"];

    /// <inheritdoc/>
    public string Name => "crypto";

    private static ReadOnlySpan<byte> ElfMagic => [0x7F, (byte)'E', (byte)'L', (byte)'F'];

    /// <inheritdoc/>
    public bool Wants(AnalysisTarget target, ReadOnlySpan<byte> head)
    {
        ArgumentNullException.ThrowIfNull(target);
        long size = target.Size;
        if (size == 0)
        {
            return false;
        }

        if (!target.IsFile)
        {
            return size <= MaxSearchBytes;
        }

        if (PemBlocks.Contains(head) || PrivateKeyReader.IsPuttyHead(head))
        {
            return true;
        }

        if ((PrivateKeyReader.IsDropbearHead(head) || PrivateKeyReader.LooksLikeDerKey(head)) && size <= PrivateKeyReader.MaxKeyFileBytes)
        {
            return true;
        }

        if ((CertificateParser.LooksLikeDerCertificate(head) || Containers.LooksLikePkcs7(head) || Containers.LooksLikePkcs12(head)) && size <= Containers.MaxContainerBytes)
        {
            return true;
        }

        if (head.StartsWith(ElfMagic))
        {
            return size <= MaxSearchBytes;
        }

        string name = target.FileName;
        if (size <= MaxSearchBytes && (Extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)) || IsKeyName(name)))
        {
            return true;
        }

        return size <= MaxTextBytes && IsText(head) && TextFolders.Any(f => target.Path.StartsWith(f, StringComparison.Ordinal));
    }

    /// <inheritdoc/>
    public void Analyze(AnalyzedFile file, AnalysisSink sink)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        var target = file.Target;
        var found = new Found(target, sink, Name);
        if (file.FitsInMemory)
        {
            var data = file.Bytes;
            found.Embedded = !target.IsFile || !IsText(data[..Math.Min(data.Length, AnalyzedFile.HeadLength)]);
            WholeFile(data, found);
            Pem(data, 0, data.Length, found);
            Putty(data, found);
        }
        else
        {
            found.Embedded = true;
            const int overlap = PemBlocks.MaxLabel + (64 * 1024);
            file.ForEachChunk(ChunkBytes, overlap, (chunk, offset) =>
            {
                bool last = offset + chunk.Length >= target.Size;
                Pem(chunk.Span, offset, last ? chunk.Length : chunk.Length - overlap, found);
            });
        }

        if (found.Certificates.Count > 0 || found.Keys.Count > 0 || found.Unreadable > 0)
        {
            sink.Add(new CryptoFile(target.Path, target.Location, found.Certificates, found.Keys, found.Unreadable));
        }
    }

    private static bool IsKeyName(string name) =>
        name.StartsWith("id_", StringComparison.Ordinal) && !name.EndsWith(".pub", StringComparison.Ordinal)
        || name.Contains("host_key", StringComparison.Ordinal) && !name.EndsWith(".pub", StringComparison.Ordinal)
        || name is "server.key" or "privkey" or "private.key";

    // Printable ASCII, UTF-8 lead bytes and whitespace only: a text file, not a binary.
    private static bool IsText(ReadOnlySpan<byte> head)
    {
        foreach (byte b in head)
        {
            if (b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t')
            {
                return false;
            }
        }

        return head.Length > 0;
    }

    private static void WholeFile(ReadOnlySpan<byte> data, Found found)
    {
        var head = data[..Math.Min(data.Length, AnalyzedFile.HeadLength)];
        if (PrivateKeyReader.IsDropbearHead(head) && data.Length <= PrivateKeyReader.MaxKeyFileBytes)
        {
            // A head that names an SSH key type but does not parse is most likely not a key: no note.
            if (PrivateKeyReader.Dropbear(data, out _) is { } key)
            {
                found.AddKey(key, null);
            }

            return;
        }

        if (CertificateParser.LooksLikeDerCertificate(head))
        {
            int length = CertificateParser.EncodedLength(data);
            if (length > 0)
            {
                found.AddCertificate(data[..length], "der", null);
                return;
            }
        }

        if (Containers.LooksLikePkcs7(head))
        {
            found.AddPkcs7(data, "pkcs7-der");
            return;
        }

        if (Containers.LooksLikePkcs12(head))
        {
            found.AddPkcs12(data);
            return;
        }

        if (PrivateKeyReader.LooksLikeDerKey(head) && data.Length <= PrivateKeyReader.MaxKeyFileBytes)
        {
            int length = CertificateParser.EncodedLength(data);
            if (length > 0 && PrivateKeyReader.FromDer(data[..length]) is { } key)
            {
                found.AddKey(key with { Format = "der-" + key.Format }, null);
            }
        }
    }

    private static void Pem(ReadOnlySpan<byte> data, long baseOffset, int stopAt, Found found)
    {
        var blocks = PemBlocks.Find(data, baseOffset, stopAt, out bool limitHit);
        foreach (var block in blocks)
        {
            if (block.Error is { } error)
            {
                found.Note($"PEM block {block.Label} at offset {block.Offset}: {error}");
                continue;
            }

            switch (block.Label)
            {
                case "CERTIFICATE" or "X509 CERTIFICATE":
                    found.AddCertificate(block.Body, "pem", block.Offset);
                    break;
                case "TRUSTED CERTIFICATE":
                    // OpenSSL's trusted form: the certificate followed by its trust settings.
                    int length = CertificateParser.EncodedLength(block.Body);
                    found.AddCertificate(block.Body.AsSpan(0, length), "pem", block.Offset);
                    break;
                case "PKCS7" or "CMS":
                    found.AddPkcs7(block.Body, "pkcs7-pem", block.Offset);
                    break;
                default:
                    if (PrivateKeyReader.IsKeyLabel(block.Label))
                    {
                        var key = PrivateKeyReader.FromPem(block, out string? keyError);
                        if (key is null)
                        {
                            found.Note($"PEM block {block.Label} at offset {block.Offset}: {keyError ?? "not a readable key"}");
                        }
                        else
                        {
                            found.AddKey(key, block.Offset, KnownKeys.Origin(Convert.ToHexStringLower(SHA256.HashData(block.Body))));
                        }
                    }

                    break;
            }
        }

        if (limitHit)
        {
            found.Note($"more than {PemBlocks.MaxBlocks} PEM blocks; the rest were not read");
        }
    }

    private static void Putty(ReadOnlySpan<byte> data, Found found)
    {
        var marker = "PuTTY-User-Key-File-"u8;
        int pos = 0;
        for (int n = 0; n < 64; n++)
        {
            int i = data[pos..].IndexOf(marker);
            if (i < 0)
            {
                return;
            }

            int at = pos + i;
            var key = PrivateKeyReader.Putty(data[at..], out string? error);
            if (key is not null)
            {
                found.AddKey(key, at);
            }
            else if (at == 0)
            {
                found.Note($"PuTTY key at offset {at}: {error}");
            }

            pos = at + marker.Length;
        }
    }

    /// <summary>What one file holds, collected while it is read.</summary>
    private sealed class Found(AnalysisTarget target, AnalysisSink sink, string analyzer)
    {
        public List<CertificateInfo> Certificates { get; } = [];

        public List<PrivateKeyInfo> Keys { get; } = [];

        public int Unreadable { get; private set; }

        public bool Embedded { get; set; }

        public void Note(string message) => sink.Note(target, analyzer, message);

        public void AddCertificate(ReadOnlySpan<byte> der, string format, long? offset)
        {
            var cert = CertificateParser.TryParse(der, new CertificateOrigin(target.Path, target.Location, format, offset, Embedded && offset is not null), out string? error);
            if (cert is null)
            {
                Unreadable++;
                Note(offset is { } o ? $"certificate at offset {o}: {error}" : $"{format} certificate: {error}");
                return;
            }

            Certificates.Add(cert);
        }

        public void AddPkcs7(ReadOnlySpan<byte> data, string format, long? offset = null)
        {
            var certs = Containers.Pkcs7Certificates(data, out string? error);
            if (error is not null)
            {
                Note($"{format} bundle{(offset is { } o ? $" at offset {o}" : "")}: {error}");
            }

            foreach (var der in certs)
            {
                AddCertificate(der, format, null);
            }
        }

        public void AddPkcs12(ReadOnlySpan<byte> data)
        {
            var (certs, error) = Containers.OpenPkcs12(data);
            if (error is not null)
            {
                Note("PKCS#12: " + error);
                return;
            }

            foreach (var (der, key) in certs)
            {
                AddCertificate(der, "pkcs12", null);
                if (key is not null)
                {
                    AddKey(key, null);
                }
            }
        }

        public void AddKey(ParsedKey key, long? offset, string? publishedIn = null)
        {
            string? ssh = key.SshBlob is null ? null : key.Type + " " + Convert.ToBase64String(key.SshBlob);
            Keys.Add(new PrivateKeyInfo
            {
                Path = target.Path,
                Location = target.Location,
                Format = key.Format,
                Offset = offset,
                Embedded = Embedded && offset is not null,
                Type = key.Type,
                Bits = key.Bits,
                Curve = key.Curve,
                Encrypted = key.Encrypted,
                Encryption = key.Encryption,
                PublicKeySha256 = key.Spki is null ? null : Convert.ToHexStringLower(SHA256.HashData(key.Spki)),
                OpenSshPublicKeySha256 = key.SshBlob is null ? null : Convert.ToHexStringLower(SHA256.HashData(key.SshBlob)),
                OpenSshPublicKey = ssh,
                PublishedIn = publishedIn,
            });
        }
    }
}

/// <summary>PKCS#7 certificate bundles and PKCS#12 files.</summary>
internal static class Containers
{
    /// <summary>Largest PKCS#7, PKCS#12 or whole-file DER certificate read.</summary>
    public const int MaxContainerBytes = 16 << 20;

    private const int MaxCertificates = 10_000;

    // 06 09 2A 86 48 86 F7 0D 01 07 02: OID 1.2.840.113549.1.7.2 (signedData), RFC 5652 5.1.
    private static ReadOnlySpan<byte> SignedDataOid => [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];

    /// <summary>ContentInfo { signedData, ... } with a definite or indefinite outer length.</summary>
    public static bool LooksLikePkcs7(ReadOnlySpan<byte> head)
    {
        if (head.Length < 2 + SignedDataOid.Length || head[0] != 0x30)
        {
            return false;
        }

        int h = head[1] < 0x80 ? 2 : head[1] == 0x80 ? 2 : 2 + (head[1] & 0x7F);
        return h + SignedDataOid.Length <= head.Length && head[h..].StartsWith(SignedDataOid);
    }

    /// <summary>PFX { INTEGER 3, ContentInfo ... } (RFC 7292 4).</summary>
    public static bool LooksLikePkcs12(ReadOnlySpan<byte> head)
    {
        if (head.Length < 8 || head[0] != 0x30)
        {
            return false;
        }

        int h = head[1] < 0x80 || head[1] == 0x80 ? 2 : 2 + (head[1] & 0x7F);
        return h + 4 <= head.Length && head[h] == 0x02 && head[h + 1] == 0x01 && head[h + 2] == 0x03 && head[h + 3] == 0x30;
    }

    /// <summary>The certificates of a SignedData (RFC 5652 5.1: <c>certificates [0] IMPLICIT CertificateSet</c>).</summary>
    public static List<byte[]> Pkcs7Certificates(ReadOnlySpan<byte> data, out string? error)
    {
        error = null;
        var list = new List<byte[]>();
        try
        {
            var content = new AsnReader(data.ToArray(), AsnEncodingRules.BER).ReadSequence();
            if (content.ReadObjectIdentifier() != "1.2.840.113549.1.7.2")
            {
                error = "not SignedData";
                return list;
            }

            var signed = content.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            signed.ReadInteger();
            signed.ReadSetOf();
            signed.ReadSequence();
            var certsTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (!signed.HasData || !signed.PeekTag().HasSameClassAndValue(certsTag))
            {
                return list;
            }

            var certs = signed.ReadSetOf(certsTag);
            while (certs.HasData && list.Count < MaxCertificates)
            {
                var tag = certs.PeekTag();
                var encoded = certs.ReadEncodedValue();
                if (tag.HasSameClassAndValue(Asn1Tag.Sequence))
                {
                    list.Add(encoded.ToArray()); // other choices (attribute certificates) are skipped
                }
            }
        }
        catch (AsnContentException e)
        {
            error = "malformed ASN.1: " + e.Message;
        }

        return list;
    }

    /// <summary>
    /// Opens a PKCS#12 file with an empty and with no password (what <c>openssl pkcs12 -passout pass:</c> and tools
    /// without a password write), within loader limits; the certificates and, for those with one, their key's facts.
    /// </summary>
    public static (List<(byte[] Der, ParsedKey? Key)> Certificates, string? Error) OpenPkcs12(ReadOnlySpan<byte> data)
    {
        var limits = new Pkcs12LoaderLimits
        {
            MaxCertificates = 100,
            MaxKeys = 100,
            IndividualKdfIterationLimit = 600_000,
            TotalKdfIterationLimit = 1_000_000,
        };
        foreach (string? password in new[] { "", null })
        {
            try
            {
                var collection = X509CertificateLoader.LoadPkcs12Collection(data, password, X509KeyStorageFlags.EphemeralKeySet, limits);
                var list = new List<(byte[], ParsedKey?)>();
                foreach (var cert in collection)
                {
                    using (cert)
                    {
                        ParsedKey? key = null;
                        if (cert.HasPrivateKey)
                        {
                            var facts = KeyFacts.OfPublicKey(cert.PublicKey.Oid.Value, cert.PublicKey.EncodedKeyValue.RawData, cert.PublicKey.EncodedParameters?.RawData ?? []);
                            key = new ParsedKey("pkcs12", facts.Type, facts.Bits, facts.Curve, false, "empty password", cert.PublicKey.ExportSubjectPublicKeyInfo(), null);
                        }

                        list.Add((cert.RawData, key));
                    }
                }

                return (list, null);
            }
            catch (CryptographicException)
            {
                // wrong password (or not PKCS#12): try the other empty form
            }
        }

        return ([], "does not open without a password (its contents stay unknown)");
    }
}
