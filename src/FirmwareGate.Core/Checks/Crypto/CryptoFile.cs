namespace FirmwareGate.Core.Checks.Crypto;

/// <summary>What the crypto analyser read in one file; <see cref="CryptoStep"/> turns these into report items and findings.</summary>
/// <param name="Path">Path in the filesystem (empty for a raw layer).</param>
/// <param name="Location">The file's location.</param>
/// <param name="Certificates">Certificates, before the scan-time flags and trust-store decisions.</param>
/// <param name="Keys">Private keys, before pairing.</param>
/// <param name="Unreadable">Certificate blocks that did not parse.</param>
internal sealed record CryptoFile(string Path, string Location, IReadOnlyList<CertificateInfo> Certificates, IReadOnlyList<PrivateKeyInfo> Keys, int Unreadable)
{
    /// <summary>The folder of the file ("/etc/ssl/certs"); empty for a raw layer.</summary>
    public string Directory => Path.Length == 0 ? "" : Path[..Math.Max(1, Path.LastIndexOf('/'))];

    /// <summary>The last path component.</summary>
    public string FileName => Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>The location of the folder: the layer part of <see cref="Location"/> and the folder path.</summary>
    public string DirectoryLocation => Location.EndsWith(Path, StringComparison.Ordinal) && Path.Length > 0
        ? Location[..^Path.Length] + Directory
        : Location;
}
