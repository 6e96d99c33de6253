namespace FirmwareGate.Core.Pipeline;

/// <summary>The scanned file.</summary>
/// <param name="Name">File name.</param>
/// <param name="Path">Path as given.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256.</param>
/// <param name="FormatChain">Recognised formats in tree order, each once (<c>squashfs-xz</c> for filesystems with a compressor).</param>
public sealed record ImageInfo(string Name, string Path, long Size, string Sha256, IReadOnlyList<string> FormatChain);
