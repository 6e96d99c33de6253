using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>Where a certificate was found, for <see cref="CertificateParser.TryParse"/>.</summary>
/// <param name="Path">Path in the filesystem.</param>
/// <param name="Location">The report's location.</param>
/// <param name="Format">The container (<c>pem</c>, <c>der</c>, <c>pkcs7-der</c>...).</param>
/// <param name="Offset">Offset of the PEM block; null for a whole file.</param>
/// <param name="Embedded">True inside a binary file.</param>
internal readonly record struct CertificateOrigin(string Path, string Location, string Format, long? Offset, bool Embedded);

/// <summary>Reads the attributes of one DER X.509 certificate (the BCL's X.509 parser plus System.Formats.Asn1 for key sizes).</summary>
internal static class CertificateParser
{
    /// <summary>Largest certificate accepted (the biggest real ones, with long SAN lists, are a few tens of KiB).</summary>
    public const int MaxCertificateBytes = 256 * 1024;

    // Certificates parsed before, by SHA-256 of their DER: a trust store ships each root two or three times (the
    // bundle, /etc/ssl/certs, /usr/share/ca-certificates), and the same certificate has the same attributes.
    private const int MaxCached = 4096;
    private static readonly ConcurrentDictionary<string, CertificateInfo> Parsed = new(StringComparer.Ordinal);

    /// <summary>Parses one certificate; null and a reason when it is not a readable X.509 certificate.</summary>
    public static CertificateInfo? TryParse(ReadOnlySpan<byte> der, CertificateOrigin origin, out string? error)
    {
        error = null;
        if (der.Length > MaxCertificateBytes)
        {
            error = $"certificate of {der.Length} bytes is over the {MaxCertificateBytes}-byte limit";
            return null;
        }

        string fingerprint = Convert.ToHexStringLower(SHA256.HashData(der));
        if (Parsed.TryGetValue(fingerprint, out var known))
        {
            return known with { Path = origin.Path, Location = origin.Location, Format = origin.Format, Offset = origin.Offset, Embedded = origin.Embedded };
        }

        var parsed = Parse(der, fingerprint, origin, out error);
        if (parsed is not null && Parsed.Count < MaxCached)
        {
            Parsed.TryAdd(fingerprint, parsed);
        }

        return parsed;
    }

    private static CertificateInfo? Parse(ReadOnlySpan<byte> der, string fingerprint, CertificateOrigin origin, out string? error)
    {
        error = null;
        try
        {
            using var cert = X509CertificateLoader.LoadCertificate(der);
            var key = KeyFacts.OfPublicKey(cert.PublicKey.Oid.Value, cert.PublicKey.EncodedKeyValue.RawData, cert.PublicKey.EncodedParameters?.RawData ?? []);
            var basic = cert.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
            return new CertificateInfo
            {
                Path = origin.Path,
                Location = origin.Location,
                Format = origin.Format,
                Offset = origin.Offset,
                Embedded = origin.Embedded,
                Sha256Fingerprint = fingerprint,
                PublishedIn = KnownKeys.CertificateOrigin(fingerprint),
                Version = cert.Version,
                Subject = Rfc4514(cert.SubjectName),
                Issuer = Rfc4514(cert.IssuerName),
                Serial = Serial(cert.SerialNumber),
                NotBefore = new DateTimeOffset(cert.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                NotAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                SelfSigned = IsSelfSigned(cert),
                IsCa = basic?.CertificateAuthority ?? false,
                KeyAlgorithm = CryptoNames.Algorithm(cert.PublicKey.Oid.Value),
                KeyBits = key.Bits,
                Curve = key.Curve,
                SignatureAlgorithm = CryptoNames.Algorithm(cert.SignatureAlgorithm.Value),
                ExtendedKeyUsages = eku is null ? [] : [.. eku.EnhancedKeyUsages.Cast<Oid>().Select(o => CryptoNames.Usage(o.Value ?? ""))],
                PublicKeySha256 = Convert.ToHexStringLower(SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo())),
            };
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or FormatException or ArgumentException or OverflowException)
        {
            error = "not a readable X.509 certificate: " + e.GetType().Name;
            return null;
        }
    }

    /// <summary>
    /// Cheap structural test of a head: SEQUENCE { SEQUENCE (tbsCertificate) { [0] version or INTEGER serial ... } },
    /// both with definite lengths, the outer one long enough for a certificate.
    /// </summary>
    public static bool LooksLikeDerCertificate(ReadOnlySpan<byte> head)
    {
        // 30 82 LL LL 30 82 LL LL A0 03 02 01 02 (v3) or 30 82 LL LL 30 82 LL LL 02 .. (v1)
        if (!Der.TryHeader(head, 0, 0x30, out int outerHeader, out long outerLength) || outerLength < 64)
        {
            return false;
        }

        if (!Der.TryHeader(head, outerHeader, 0x30, out int tbsHeader, out long tbsLength) || tbsLength >= outerLength)
        {
            return false;
        }

        int p = outerHeader + tbsHeader;
        return p + 1 < head.Length && (head[p] == 0xA0 || head[p] == 0x02);
    }

    /// <summary>The encoded length of the DER element at the start of <paramref name="data"/>; 0 when it is not one.</summary>
    public static int EncodedLength(ReadOnlySpan<byte> data)
    {
        try
        {
            AsnDecoder.ReadEncodedValue(data, AsnEncodingRules.BER, out _, out _, out int consumed);
            return consumed;
        }
        catch (AsnContentException)
        {
            return 0;
        }
    }

    private static bool IsSelfSigned(X509Certificate2 cert)
    {
        if (!cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData))
        {
            return false;
        }

        var ski = cert.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault();
        var aki = cert.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault();
        if (ski is not null && aki?.KeyIdentifier is { } akiId)
        {
            return ski.SubjectKeyIdentifierBytes.Span.SequenceEqual(akiId.Span);
        }

        return true;
    }

    private static string Serial(string hex)
    {
        int i = 0;
        while (i + 2 < hex.Length && hex[i] == '0' && hex[i + 1] == '0')
        {
            i += 2;
        }

        return hex[i..].ToUpperInvariant();
    }

    /// <summary>RFC 4514 string of a name: last RDN first, ',' between RDNs, '+' inside a multi-valued one.</summary>
    internal static string Rfc4514(X500DistinguishedName name)
    {
        var sb = new StringBuilder();
        try
        {
            foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true))
            {
                if (sb.Length > 0)
                {
                    sb.Append(',');
                }

                if (rdn.HasMultipleElements)
                {
                    sb.Append(new X500DistinguishedName(rdn.RawData.Span).Name);
                    continue;
                }

                sb.Append(CryptoNames.Attribute(rdn.GetSingleElementType().Value ?? "")).Append('=').Append(Escape(rdn.GetSingleElementValue() ?? ""));
            }
        }
        catch (CryptographicException)
        {
            return name.Name;
        }

        return sb.ToString();
    }

    private static string Escape(string value)
    {
        var sb = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool escape = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';'
                || (i == 0 && (c == '#' || c == ' '))
                || (i == value.Length - 1 && c == ' ');
            if (escape)
            {
                sb.Append('\\');
            }

            if (char.IsControl(c))
            {
                sb.Append('\\').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}

/// <summary>Type, size and curve of a public key.</summary>
internal readonly record struct KeyFacts(string Type, int? Bits, string? Curve)
{
    /// <summary>From a SubjectPublicKeyInfo's algorithm OID, key bits and parameters.</summary>
    public static KeyFacts OfPublicKey(string? oid, ReadOnlySpan<byte> key, ReadOnlySpan<byte> parameters)
    {
        try
        {
            switch (oid)
            {
                case CryptoNames.RsaOid:
                case CryptoNames.RsaPssOid:
                    {
                        var seq = new AsnReader(key.ToArray(), AsnEncodingRules.DER).ReadSequence();
                        return new KeyFacts("RSA", Der.BitLength(seq.ReadIntegerBytes().Span), null);
                    }

                case CryptoNames.DsaOid:
                    {
                        if (parameters.Length < 2 || parameters[0] != 0x30)
                        {
                            return new KeyFacts("DSA", null, null);
                        }

                        var seq = new AsnReader(parameters.ToArray(), AsnEncodingRules.DER).ReadSequence();
                        return new KeyFacts("DSA", Der.BitLength(seq.ReadIntegerBytes().Span), null);
                    }

                case CryptoNames.EcOid:
                    {
                        string? curveOid = parameters.Length > 2 && parameters[0] == 0x06
                            ? new AsnReader(parameters.ToArray(), AsnEncodingRules.DER).ReadObjectIdentifier()
                            : null;
                        var curve = CryptoNames.Curve(curveOid);
                        return new KeyFacts("EC", curve?.Bits, curve?.Name ?? curveOid);
                    }

                case CryptoNames.Ed25519Oid: return new KeyFacts("Ed25519", 256, null);
                case CryptoNames.X25519Oid: return new KeyFacts("X25519", 256, null);
                case CryptoNames.Ed448Oid: return new KeyFacts("Ed448", 456, null);
                case CryptoNames.X448Oid: return new KeyFacts("X448", 448, null);
                default: return new KeyFacts(CryptoNames.Algorithm(oid), null, null);
            }
        }
        catch (AsnContentException)
        {
            return new KeyFacts(CryptoNames.Algorithm(oid), null, null);
        }
    }
}

/// <summary>Small DER helpers over spans.</summary>
internal static class Der
{
    /// <summary>Reads a tag and a definite length at <paramref name="offset"/>; false when the bytes are not that.</summary>
    public static bool TryHeader(ReadOnlySpan<byte> data, int offset, byte tag, out int headerLength, out long length)
    {
        headerLength = 0;
        length = 0;
        if (offset + 2 > data.Length || data[offset] != tag)
        {
            return false;
        }

        byte first = data[offset + 1];
        if (first < 0x80)
        {
            headerLength = 2;
            length = first;
            return true;
        }

        int n = first & 0x7F;
        if (n is 0 or > 4 || offset + 2 + n > data.Length)
        {
            return false;
        }

        for (int i = 0; i < n; i++)
        {
            length = (length << 8) | data[offset + 2 + i];
        }

        headerLength = 2 + n;
        return length >= 0x80; // DER: the long form only for lengths the short one cannot hold
    }

    /// <summary>Bits of an unsigned big-endian integer (leading zero bytes ignored).</summary>
    public static int BitLength(ReadOnlySpan<byte> bigEndian)
    {
        int i = 0;
        while (i < bigEndian.Length && bigEndian[i] == 0)
        {
            i++;
        }

        if (i == bigEndian.Length)
        {
            return 0;
        }

        return ((bigEndian.Length - i - 1) * 8) + (8 - BitOperations.LeadingZeroCount((uint)bigEndian[i]) + 24);
    }

    /// <summary>An unsigned big-endian integer as a BigInteger.</summary>
    public static BigInteger Unsigned(ReadOnlySpan<byte> bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);
}
