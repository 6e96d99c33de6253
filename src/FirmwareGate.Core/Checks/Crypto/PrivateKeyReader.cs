using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>What a private key container says about its key: never the private part itself.</summary>
/// <param name="Format">Container name (see <see cref="PrivateKeyInfo.Format"/>).</param>
/// <param name="Type">Key type, null when hidden.</param>
/// <param name="Bits">Size, null when hidden.</param>
/// <param name="Curve">EC curve name.</param>
/// <param name="Encrypted">Protected by a passphrase.</param>
/// <param name="Encryption">The cipher (and KDF) when encrypted.</param>
/// <param name="Spki">The public key as DER SubjectPublicKeyInfo, when derivable.</param>
/// <param name="SshBlob">The SSH public key blob, for SSH keys.</param>
internal sealed record ParsedKey(string Format, string? Type, int? Bits, string? Curve, bool Encrypted, string? Encryption, byte[]? Spki, byte[]? SshBlob);

/// <summary>
/// Reads private key containers far enough to name the key and derive its public half: PKCS#1 RSA and DSA,
/// SEC1 EC, PKCS#8 (plain and encrypted), OpenSSH (openssh-key-v1), PuTTY (.ppk v2/v3) and Dropbear host keys.
/// Every length is checked against the input and <see cref="MaxIntegerBytes"/>; malformed input gives an error
/// string, never an exception.
/// </summary>
internal static class PrivateKeyReader
{
    /// <summary>Largest integer accepted (a 16384-bit modulus).</summary>
    public const int MaxIntegerBytes = 2049;

    /// <summary>Largest binary key file read whole (Dropbear, DER).</summary>
    public const int MaxKeyFileBytes = 64 * 1024;

    private static ReadOnlySpan<byte> OpenSshMagic => "openssh-key-v1\0"u8;

    /// <summary>True for the PEM labels of private keys this reader knows.</summary>
    public static bool IsKeyLabel(string label) => label is "RSA PRIVATE KEY" or "DSA PRIVATE KEY" or "EC PRIVATE KEY" or "PRIVATE KEY"
        or "ENCRYPTED PRIVATE KEY" or "OPENSSH PRIVATE KEY";

    /// <summary>Reads a PEM private key block.</summary>
    public static ParsedKey? FromPem(PemBlock block, out string? error)
    {
        error = null;
        if (block.Header("Proc-Type") is { } procType && procType.Contains("ENCRYPTED", StringComparison.OrdinalIgnoreCase))
        {
            // OpenSSL's legacy PEM encryption (RFC 1421 headers): the whole DER is encrypted, only the label says the type.
            string cipher = (block.Header("DEK-Info") ?? "").Split(',')[0].Trim().ToLowerInvariant();
            var (format, type) = block.Label switch
            {
                "RSA PRIVATE KEY" => ("pkcs1-rsa", "RSA"),
                "DSA PRIVATE KEY" => ("pkcs1-dsa", "DSA"),
                _ => ("sec1-ec", "EC"),
            };
            return new ParsedKey(format, type, null, null, true, cipher.Length > 0 ? cipher : null, null, null);
        }

        try
        {
            return block.Label switch
            {
                "RSA PRIVATE KEY" => Pkcs1Rsa(block.Body, "pkcs1-rsa"),
                "DSA PRIVATE KEY" => Pkcs1Dsa(block.Body),
                "EC PRIVATE KEY" => Sec1(block.Body, null, "sec1-ec"),
                "PRIVATE KEY" => Pkcs8(block.Body),
                "ENCRYPTED PRIVATE KEY" => EncryptedPkcs8(block.Body),
                "OPENSSH PRIVATE KEY" => OpenSsh(block.Body, out error),
                _ => null,
            };
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException or OverflowException or InvalidDataException)
        {
            error = $"{block.Label} does not parse: {e.GetType().Name}";
            return null;
        }
    }

    /// <summary>Cheap head test for a DER private key: PKCS#1 RSA/DSA or PKCS#8 (SEQUENCE { INTEGER 0, INTEGER|SEQUENCE ...}), SEC1 (INTEGER 1, OCTET STRING).</summary>
    public static bool LooksLikeDerKey(ReadOnlySpan<byte> head)
    {
        if (!Der.TryHeader(head, 0, 0x30, out int h, out long length) || length < 32)
        {
            return false;
        }

        var rest = head[h..];
        return rest.Length >= 5 && rest[0] == 0x02 && rest[1] == 0x01
            && ((rest[2] == 0x00 && (rest[3] == 0x02 || rest[3] == 0x30)) || (rest[2] == 0x01 && rest[3] == 0x04));
    }

    /// <summary>Reads a whole-file DER private key (PKCS#1 RSA, PKCS#1 DSA, SEC1 or PKCS#8); null when it is none of them.</summary>
    public static ParsedKey? FromDer(ReadOnlySpan<byte> der)
    {
        byte[] bytes = der.ToArray();
        foreach (var reader in new Func<byte[], ParsedKey?>[] { Pkcs8, b => Pkcs1Rsa(b, "pkcs1-rsa"), Pkcs1Dsa, b => Sec1(b, null, "sec1-ec") })
        {
            try
            {
                if (reader(bytes) is { } key)
                {
                    return key;
                }
            }
            catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException or OverflowException or InvalidDataException)
            {
                // not this container; try the next
            }
        }

        return null;
    }

    private static ParsedKey Pkcs1Rsa(byte[] der, string format)
    {
        var seq = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        Version(seq, 0, 1);
        var n = Integer(seq);
        var e = Integer(seq);
        for (int i = 0; i < 6; i++)
        {
            Integer(seq); // d, p, q, dP, dQ, qInv: read to prove the structure, never kept
        }

        return new ParsedKey(format, "RSA", (int)n.GetBitLength(), null, false, null, RsaSpki(n, e), null);
    }

    private static ParsedKey Pkcs1Dsa(byte[] der)
    {
        var seq = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        Version(seq, 0, 0);
        var p = Integer(seq);
        var q = Integer(seq);
        var g = Integer(seq);
        var y = Integer(seq);
        Integer(seq); // x
        return new ParsedKey("pkcs1-dsa", "DSA", (int)p.GetBitLength(), null, false, null, DsaSpki(p, q, g, y), null);
    }

    private static ParsedKey Sec1(byte[] der, string? curveFromAlgorithm, string format)
    {
        var seq = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        Version(seq, 1, 1);
        byte[] d = seq.ReadOctetString();
        string? curveOid = curveFromAlgorithm;
        byte[]? point = null;
        var ctx0 = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        var ctx1 = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        if (seq.HasData && seq.PeekTag().HasSameClassAndValue(ctx0))
        {
            curveOid = seq.ReadSequence(ctx0).ReadObjectIdentifier();
        }

        if (seq.HasData && seq.PeekTag().HasSameClassAndValue(ctx1))
        {
            point = seq.ReadSequence(ctx1).ReadBitString(out _);
        }

        var curve = CryptoNames.Curve(curveOid);
        byte[]? spki = curveOid is null ? null
            : point is not null ? EcSpki(curveOid, point)
            : EcSpkiFromPrivate(curveOid, d);
        CryptographicOperations.ZeroMemory(d);
        return new ParsedKey(format, "EC", curve?.Bits, curve?.Name ?? curveOid, false, null, spki, null);
    }

    private static ParsedKey Pkcs8(byte[] der)
    {
        var seq = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        Version(seq, 0, 1);
        var alg = seq.ReadSequence();
        string oid = alg.ReadObjectIdentifier();
        byte[]? parameters = alg.HasData ? alg.ReadEncodedValue().ToArray() : null;
        byte[] inner = seq.ReadOctetString();
        try
        {
            switch (oid)
            {
                case CryptoNames.RsaOid:
                case CryptoNames.RsaPssOid:
                    return Pkcs1Rsa(inner, "pkcs8");
                case CryptoNames.EcOid:
                    string? curveOid = parameters is { Length: > 2 } && parameters[0] == 0x06 ? new AsnReader(parameters, AsnEncodingRules.DER).ReadObjectIdentifier() : null;
                    return Sec1(inner, curveOid, "pkcs8");
                case CryptoNames.DsaOid when parameters is not null:
                    {
                        var dss = new AsnReader(parameters, AsnEncodingRules.BER).ReadSequence();
                        var p = Integer(dss);
                        var q = Integer(dss);
                        var g = Integer(dss);
                        var x = new AsnReader(inner, AsnEncodingRules.BER).ReadInteger();
                        var y = p.IsZero ? BigInteger.Zero : BigInteger.ModPow(g, x, p);
                        return new ParsedKey("pkcs8", "DSA", (int)p.GetBitLength(), null, false, null, DsaSpki(p, q, g, y), null);
                    }

                default:
                    {
                        // Ed25519/X25519/Ed448/X448: the public key is only there in a v2 PKCS#8 ([1] publicKey).
                        var facts = KeyFacts.OfPublicKey(oid, [], []);
                        byte[]? spki = null;
                        var ctx1 = new Asn1Tag(TagClass.ContextSpecific, 1);
                        while (seq.HasData)
                        {
                            var tag = seq.PeekTag();
                            if (tag.HasSameClassAndValue(ctx1))
                            {
                                spki = RawSpki(oid, seq.ReadBitString(out _, ctx1));
                                break;
                            }

                            seq.ReadEncodedValue();
                        }

                        return new ParsedKey("pkcs8", facts.Type, facts.Bits, null, false, null, spki, null);
                    }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(inner);
        }
    }

    private static ParsedKey EncryptedPkcs8(byte[] der)
    {
        var seq = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        var alg = seq.ReadSequence();
        string oid = alg.ReadObjectIdentifier();
        string scheme = oid;
        if (oid == "1.2.840.113549.1.5.13" && alg.HasData)
        {
            // PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier } (RFC 8018 A.4)
            var pbes2 = alg.ReadSequence();
            string kdf = pbes2.ReadSequence().ReadObjectIdentifier();
            string cipher = pbes2.ReadSequence().ReadObjectIdentifier();
            scheme = "PBES2/" + Pbe(kdf) + "/" + Pbe(cipher);
        }
        else
        {
            scheme = Pbe(oid);
        }

        seq.ReadOctetString();
        return new ParsedKey("pkcs8-encrypted", null, null, null, true, scheme, null, null);
    }

    private static string Pbe(string oid) => oid switch
    {
        "1.2.840.113549.1.5.12" => "PBKDF2",
        "1.3.6.1.4.1.11591.4.11" => "scrypt",
        "2.16.840.1.101.3.4.1.2" => "aes-128-cbc",
        "2.16.840.1.101.3.4.1.22" => "aes-192-cbc",
        "2.16.840.1.101.3.4.1.42" => "aes-256-cbc",
        "1.2.840.113549.3.7" => "des-ede3-cbc",
        "1.3.14.3.2.7" => "des-cbc",
        "1.2.840.113549.1.5.3" => "pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.10" => "pbeWithSHA1AndDES-CBC",
        "1.2.840.113549.1.12.1.3" => "pbeWithSHA1And3-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.6" => "pbeWithSHA1And40BitRC2-CBC",
        _ => oid,
    };

    /// <summary>Reads an openssh-key-v1 container (the decoded body of an OPENSSH PRIVATE KEY block).</summary>
    public static ParsedKey? OpenSsh(ReadOnlySpan<byte> data, out string? error)
    {
        error = null;
        if (!data.StartsWith(OpenSshMagic))
        {
            error = "OPENSSH PRIVATE KEY without the openssh-key-v1 magic";
            return null;
        }

        var r = new SshReader(data[OpenSshMagic.Length..]);
        if (!r.TryString(out var cipher) || !r.TryString(out var kdf) || !r.TryString(out _) || !r.TryUInt32(out uint count) || count is 0 or > 16
            || !r.TryString(out var publicBlob))
        {
            error = "openssh-key-v1 header is truncated or malformed";
            return null;
        }

        string cipherName = Encoding.ASCII.GetString(cipher);
        bool encrypted = cipherName != "none";
        var key = FromSshBlob("openssh", publicBlob, encrypted, encrypted ? cipherName + "/" + Encoding.ASCII.GetString(kdf) : null);
        if (key is null)
        {
            error = "openssh-key-v1 public key blob is malformed";
        }

        return key;
    }

    /// <summary>True when the bytes start a PuTTY key file.</summary>
    public static bool IsPuttyHead(ReadOnlySpan<byte> head) => head.StartsWith("PuTTY-User-Key-File-"u8);

    /// <summary>Reads a PuTTY .ppk (v2 or v3) header and its public lines; <paramref name="text"/> starts at <c>PuTTY-User-Key-File-</c>.</summary>
    public static ParsedKey? Putty(ReadOnlySpan<byte> text, out string? error)
    {
        error = null;
        var head = text[..Math.Min(text.Length, 16 * 1024)];
        string s = Encoding.ASCII.GetString(head);
        var lines = s.Split('\n');
        string? encryption = null;
        int publicLines = -1;
        int publicAt = -1;
        for (int i = 0; i < lines.Length && i < 80; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.StartsWith("Encryption:", StringComparison.Ordinal))
            {
                encryption = line["Encryption:".Length..].Trim();
            }
            else if (line.StartsWith("Public-Lines:", StringComparison.Ordinal) && int.TryParse(line["Public-Lines:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture, out int n))
            {
                publicLines = n;
                publicAt = i + 1;
                break;
            }
        }

        if (encryption is null || publicLines is < 1 or > 64 || publicAt + publicLines > lines.Length)
        {
            error = "PuTTY key header is truncated or malformed";
            return null;
        }

        string b64 = string.Concat(lines.Skip(publicAt).Take(publicLines).Select(l => l.Trim()));
        byte[] blob = new byte[b64.Length];
        if (!Convert.TryFromBase64String(b64, blob, out int written))
        {
            error = "PuTTY public lines are not base64";
            return null;
        }

        bool encrypted = encryption != "none";
        var key = FromSshBlob("putty", blob.AsSpan(0, written), encrypted, encrypted ? encryption : null);
        if (key is null)
        {
            error = "PuTTY public key blob is malformed";
        }

        return key;
    }

    /// <summary>True when a head starts like a Dropbear private key: a length-prefixed SSH key type name.</summary>
    public static bool IsDropbearHead(ReadOnlySpan<byte> head)
    {
        if (head.Length < 11)
        {
            return false;
        }

        uint n = BinaryPrimitives.ReadUInt32BigEndian(head);
        var name = head[4..];
        return (n == 7 && (name.StartsWith("ssh-rsa"u8) || name.StartsWith("ssh-dss"u8)))
            || (n == 11 && name.StartsWith("ssh-ed25519"u8))
            || (n == 19 && name.StartsWith("ecdsa-sha2-nistp"u8));
    }

    /// <summary>
    /// Reads a Dropbear private key file (dropbear's <c>buf_put_priv_key</c>: string type, then the public fields,
    /// then the private ones), which must fill the file exactly (trailing zero bytes allowed).
    /// </summary>
    public static ParsedKey? Dropbear(ReadOnlySpan<byte> data, out string? error)
    {
        error = "not a well-formed Dropbear key";
        var r = new SshReader(data);
        if (!r.TryString(out var typeBytes))
        {
            return null;
        }

        string type = Encoding.ASCII.GetString(typeBytes);
        byte[] blob;
        switch (type)
        {
            case "ssh-rsa":
                {
                    if (!r.TryMpint(out _) || !r.TryMpint(out _))
                    {
                        return null;
                    }

                    blob = data[..r.Position].ToArray();
                    if (!r.TryMpint(out _) || !r.TryMpint(out _) || !r.TryMpint(out _))
                    {
                        return null;
                    }

                    break;
                }

            case "ssh-dss":
                {
                    for (int i = 0; i < 4; i++)
                    {
                        if (!r.TryMpint(out _))
                        {
                            return null;
                        }
                    }

                    blob = data[..r.Position].ToArray();
                    if (!r.TryMpint(out _))
                    {
                        return null;
                    }

                    break;
                }

            case "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521":
                {
                    if (!r.TryString(out _) || !r.TryString(out _))
                    {
                        return null;
                    }

                    blob = data[..r.Position].ToArray();
                    if (!r.TryMpint(out _))
                    {
                        return null;
                    }

                    break;
                }

            case "ssh-ed25519":
                {
                    if (!r.TryString(out var pair) || pair.Length != 64)
                    {
                        return null;
                    }

                    var w = new MemoryStream();
                    WriteSshString(w, typeBytes);
                    WriteSshString(w, pair[32..]);
                    blob = w.ToArray();
                    break;
                }

            default:
                return null;
        }

        if (data[r.Position..].ContainsAnyExcept((byte)0))
        {
            return null;
        }

        error = null;
        return FromSshBlob("dropbear", blob, false, null);
    }

    /// <summary>Type, size, SPKI (RSA, ECDSA, Ed25519) of an SSH public key blob (RFC 4253 6.6, RFC 5656 3.1, RFC 8709).</summary>
    internal static ParsedKey? FromSshBlob(string format, ReadOnlySpan<byte> blob, bool encrypted, string? encryption)
    {
        var r = new SshReader(blob);
        if (!r.TryString(out var typeBytes))
        {
            return null;
        }

        string type = Encoding.ASCII.GetString(typeBytes);
        int? bits = null;
        string? curve = null;
        byte[]? spki = null;
        switch (type)
        {
            case "ssh-rsa":
                if (r.TryMpint(out var e) && r.TryMpint(out var n))
                {
                    bits = (int)n.GetBitLength();
                    spki = RsaSpki(n, e);
                }

                break;
            case "ssh-dss":
                if (r.TryMpint(out var p) && r.TryMpint(out var q) && r.TryMpint(out var g) && r.TryMpint(out var y))
                {
                    bits = (int)p.GetBitLength();
                    spki = DsaSpki(p, q, g, y);
                }

                break;
            case "ssh-ed25519":
                if (r.TryString(out var pub) && pub.Length == 32)
                {
                    bits = 256;
                    spki = RawSpki(CryptoNames.Ed25519Oid, pub);
                }

                break;
            default:
                if (type.StartsWith("ecdsa-sha2-", StringComparison.Ordinal) && r.TryString(out var curveName) && r.TryString(out var point))
                {
                    string? oid = CryptoNames.CurveOidOfSshName(Encoding.ASCII.GetString(curveName));
                    var c = CryptoNames.Curve(oid);
                    bits = c?.Bits;
                    curve = c?.Name;
                    spki = oid is null ? null : EcSpki(oid, point);
                }
                else if (!type.StartsWith("sk-", StringComparison.Ordinal) && !type.Contains('@', StringComparison.Ordinal))
                {
                    return null;
                }

                break;
        }

        if (bits is null && !type.StartsWith("sk-", StringComparison.Ordinal) && !type.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        return new ParsedKey(format, type, bits, curve, encrypted, encryption, spki, blob.ToArray());
    }

    private static void Version(AsnReader seq, int min, int max)
    {
        if (!seq.TryReadInt32(out int v) || v < min || v > max)
        {
            throw new InvalidDataException("unexpected version");
        }
    }

    private static BigInteger Integer(AsnReader seq)
    {
        var bytes = seq.ReadIntegerBytes();
        if (bytes.Length > MaxIntegerBytes)
        {
            throw new InvalidDataException("integer over the size limit");
        }

        return new BigInteger(bytes.Span, isUnsigned: false, isBigEndian: true);
    }

    private static byte[] RsaSpki(BigInteger n, BigInteger e)
    {
        var key = new AsnWriter(AsnEncodingRules.DER);
        using (key.PushSequence())
        {
            key.WriteInteger(n);
            key.WriteInteger(e);
        }

        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(CryptoNames.RsaOid);
                w.WriteNull();
            }

            w.WriteBitString(key.Encode());
        }

        return w.Encode();
    }

    private static byte[] DsaSpki(BigInteger p, BigInteger q, BigInteger g, BigInteger y)
    {
        var key = new AsnWriter(AsnEncodingRules.DER);
        key.WriteInteger(y);
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(CryptoNames.DsaOid);
                using (w.PushSequence())
                {
                    w.WriteInteger(p);
                    w.WriteInteger(q);
                    w.WriteInteger(g);
                }
            }

            w.WriteBitString(key.Encode());
        }

        return w.Encode();
    }

    private static byte[] EcSpki(string curveOid, ReadOnlySpan<byte> point)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(CryptoNames.EcOid);
                w.WriteObjectIdentifier(curveOid);
            }

            w.WriteBitString(point);
        }

        return w.Encode();
    }

    private static byte[] RawSpki(string oid, ReadOnlySpan<byte> key)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(oid);
            }

            w.WriteBitString(key);
        }

        return w.Encode();
    }

    // A SEC1 key without its public point: the platform derives the point from the scalar.
    private static byte[]? EcSpkiFromPrivate(string curveOid, byte[] d)
    {
        try
        {
            using var ec = ECDsa.Create(new ECParameters { Curve = ECCurve.CreateFromValue(curveOid), D = d });
            return ec.ExportSubjectPublicKeyInfo();
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    private static void WriteSshString(Stream s, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)value.Length);
        s.Write(length);
        s.Write(value);
    }

    /// <summary>Bounded reader of SSH wire encodings (RFC 4251 5): uint32, string, mpint.</summary>
    private ref struct SshReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public int Position { get; private set; }

        public bool TryUInt32(out uint value)
        {
            value = 0;
            if (_data.Length - Position < 4)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt32BigEndian(_data[Position..]);
            Position += 4;
            return true;
        }

        public bool TryString(out ReadOnlySpan<byte> value)
        {
            value = default;
            int start = Position;
            if (!TryUInt32(out uint n) || n > (uint)(_data.Length - Position) || n > MaxKeyFileBytes)
            {
                Position = start;
                return false;
            }

            value = _data.Slice(Position, (int)n);
            Position += (int)n;
            return true;
        }

        public bool TryMpint(out BigInteger value)
        {
            value = default;
            if (!TryString(out var bytes) || bytes.Length > MaxIntegerBytes)
            {
                return false;
            }

            value = new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
            return true;
        }
    }
}
