using System.Collections.Frozen;

namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>
/// Private keys published with the software that embeds them (self-test vectors), by the SHA-256 of their DER
/// container: a match is not a device secret, and is reported as <see cref="CryptoRules.PublishedKey"/> (info)
/// unless the image pairs it with a TLS certificate.
/// </summary>
internal static class KnownKeys
{
    // GnuTLS lib/crypto-selftests-pk.c (the FIPS 140 power-on self-tests, in every libgnutls30 3.x build):
    // the PEM blocks of Debian 12's libgnutls.so.30.34.3 (3.7.9-2+deb12u6), `base64 -d | sha256sum` of each body.
    private const string GnuTls = "GnuTLS self-test key (lib/crypto-selftests-pk.c)";

    // Mbed TLS library/certs.c (MBEDTLS_CERTS_C, built into Debian's libmbedx509): its test CA, server and client
    // keys and certificates, from libmbedx509-1 2.28.3-1 (`apt-get download libmbedx509-1`), hashed the same way.
    private const string MbedTls = "Mbed TLS test data (library/certs.c)";

    private static readonly FrozenDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["87e288dc7dbc29a24241b596ec8c84f949d9f09f34fc0cf69242481fb2274770"] = GnuTls, // GOST R 34.10-2012 512
        ["d245e52c341a76645e1b0e56c58dc964cd4f3ecaea64a9c6d6db9897d4948a8a"] = GnuTls, // GOST R 34.10-2012 256
        ["0294b4406902e33bb02f89eaf4c691328790d7a9cd01b873d68edac994f310a1"] = GnuTls, // GOST R 34.10-2001
        ["60c323abe4854b03743005874156ef6e0343bc9c05c09a2a43335cdda19342b3"] = GnuTls, // EC
        ["995b8d5b08ac126a74f39d812fc8cce270d026093d810f366de923bb0fe47f60"] = GnuTls, // EC
        ["09416ba3e0782523c56225fb168cd58cda7796e938db1b53f79b6abbaed2bbc7"] = GnuTls, // EC
        ["7e38af7715bbb425a6aa8060b7c0af60aeb81d39975c55e83edcb9eae7a5e9f8"] = GnuTls, // EC
        ["458022ddcb5598b39253bc027eb02c4f3dba00e2bdbaef239a35bc91c9bd4f3a"] = GnuTls, // EC
        ["09f1c1a4680df80b9e8e6e587d3a787de7402a919e366426ad807a1c0f8c98c1"] = GnuTls, // DSA
        ["2859ff03b44c8f0e4f96604b8cced325ef4d01ca935422b2041d88d8809f8fa1"] = GnuTls, // RSA

        ["05157bcfa9522d8c4caecfc667a2bcbaaa4848594000bfaa3974d423f8d1d9a8"] = MbedTls, // EC PRIVATE KEY
        ["1820853c99779f8e6b847a9ad7fceba765515f1e6ce991a96b7420d0299334fe"] = MbedTls, // RSA PRIVATE KEY
        ["557e06381c7e6448cd0d98c664172f6c143dd93cbc0e0d54561bac06fe86c62d"] = MbedTls, // EC PRIVATE KEY
        ["765fa7ece8f2babda03aced0b517b5d5e5e420564226489a00a822ccb527ebec"] = MbedTls, // RSA PRIVATE KEY
        ["916591fe3a480392ece0f0259cae9cdbc4178acd63863dfb5e8a135e5aa5fed3"] = MbedTls, // EC PRIVATE KEY
        ["c9af85bb77cb430f57ee1012b3af2aaebe8ae7263a618f19236a09b686e5b615"] = MbedTls, // RSA PRIVATE KEY
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // SHA-256 fingerprints of published test certificates.
    private static readonly FrozenDictionary<string, string> Certificates = new Dictionary<string, string>
    {
        ["1ccfd719021988e76a7f5f5425b802302f910dc5a19045ee4096ab7c5e7ff633"] = MbedTls,
        ["529e5ae24dfcb7f56e6388d6c4be7f9db2e4282c475f622493b1ac777dae0760"] = MbedTls,
        ["54583e3f6b904cc7d15940b84510df367493e85b74e273b0c7fa06e9cbdf762a"] = MbedTls,
        ["80cbc316aa58f8be722fd26b3026f077e61c82398599f9f719eade4bcd98173e"] = MbedTls,
        ["a34cc17e86a8ea89113cd1b193adc2ba80559a8158bdf52c7186ebda8cbaf3c8"] = MbedTls,
        ["d2ae3024ffc46e785163539a421eb7eaa046126505212937863d510493e6dcbc"] = MbedTls,
        ["e234e102cd8de90e258906d253157aeb7699a3c6df0c4e79e05d01801999dcb5"] = MbedTls,
        ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"] = MbedTls,
        ["ec410cf1ce5137ad9d36e78606fd8bae6f01afdd7fd461d04bc4a4bd7d82b063"] = MbedTls,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Where a certificate (by its SHA-256 fingerprint) was published as test data; null for any other.</summary>
    public static string? CertificateOrigin(string sha256Fingerprint) => Certificates.GetValueOrDefault(sha256Fingerprint);

    /// <summary>Where a key container (by the SHA-256 of its decoded bytes) was published; null for any other key.</summary>
    public static string? Origin(string containerSha256) => Keys.GetValueOrDefault(containerSha256);
}
