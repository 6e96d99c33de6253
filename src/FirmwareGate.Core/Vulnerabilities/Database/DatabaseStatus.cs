namespace FirmwareGate.Core.Vulnerabilities.Database;

/// <summary>The database's counts, sources and age.</summary>
/// <param name="Path">The database file.</param>
/// <param name="Records">Records stored.</param>
/// <param name="CpeEntries">CPE match entries indexed.</param>
/// <param name="Kev">KEV entries.</param>
/// <param name="Epss">EPSS scores.</param>
/// <param name="Sources">Each source and its last update.</param>
/// <param name="LastUpdate">The newest successful update of any source, null when never updated.</param>
/// <param name="Age">Time since <paramref name="LastUpdate"/>.</param>
public sealed record DatabaseStatus(string Path, long Records, long CpeEntries, long Kev, long Epss, IReadOnlyList<SourceStatus> Sources, DateTimeOffset? LastUpdate, TimeSpan? Age);
