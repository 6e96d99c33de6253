using FirmwareGate.Core.Vulnerabilities.Records;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>Paging fields of an NVD CVE API 2.0 response.</summary>
/// <param name="ResultsPerPage">How many results this page holds.</param>
/// <param name="StartIndex">The index of its first result.</param>
/// <param name="TotalResults">The total the query matches.</param>
/// <param name="Timestamp">The response's timestamp, null when absent.</param>
public sealed record NvdPageInfo(int ResultsPerPage, int StartIndex, int TotalResults, DateTimeOffset? Timestamp);

/// <summary>Reads NVD CVE API 2.0 JSON: one CVE object, or a response page (<c>vulnerabilities[].cve</c>).</summary>
public static class NvdJsonReader
{
    /// <summary>Reads an API response page into <paramref name="sink"/>; throws <see cref="VulnerabilitySourceException"/> when it is not a page.</summary>
    public static NvdPageInfo ReadPage(ReadOnlySpan<byte> json, string name, IRecordSink sink, ImportCounts counts) =>
        throw new VulnerabilitySourceException($"{name}: not implemented");
}
