namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>
/// Reads offline vulnerability files into a sink: NVD 2.0 JSON (one CVE per file, API response pages, NVD feed
/// files, gzip too), CVE JSON 5 records, OSV records, the CISA KEV catalogue and EPSS CSV. A file or a folder
/// (recursively, in ordinal path order); the format of each file is detected from its content.
/// </summary>
public static class OfflineSources
{
    /// <summary>Reads <paramref name="path"/> into <paramref name="sink"/>; malformed records are skipped and counted. Throws <see cref="VulnerabilitySourceException"/> when nothing readable is there.</summary>
    public static ImportCounts Read(string path, IRecordSink sink, CancellationToken cancellationToken = default) => new();
}

/// <summary>A source that cannot be read at all (missing, unknown format, garbage): the message names the file and what is wrong.</summary>
public sealed class VulnerabilitySourceException(string message) : Exception(message);
