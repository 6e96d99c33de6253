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
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Where a key container (by the SHA-256 of its decoded bytes) was published; null for any other key.</summary>
    public static string? Origin(string containerSha256) => Keys.GetValueOrDefault(containerSha256);
}
