namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>One source of the database.</summary>
/// <param name="Name">The source name (<c>nvd-api</c>, <c>offline:PATH</c>, <c>kev</c>, <c>epss</c>).</param>
/// <param name="Records">What it added in total (records, KEV entries or scores).</param>
/// <param name="LastUpdate">Its last successful update.</param>
public sealed record SourceStatus(string Name, long Records, DateTimeOffset? LastUpdate);
