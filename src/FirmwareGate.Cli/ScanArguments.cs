using System.CommandLine;
using FirmwareGate.Core.Pipeline;

namespace FirmwareGate.Cli;

/// <summary>The options every scanning command shares (scan, sbom, gate, diff), defined once so their names and help agree.</summary>
internal sealed class ScanArguments
{
    public Argument<FileInfo> Image { get; } = new("IMAGE") { Description = "Firmware image to analyse." };

    public LimitOptions Limits { get; } = new();

    public Option<bool> NoNative { get; } = new("--no-native") { Description = "Use managed codecs only (not the system liblzma, zlib or libzstd)." };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No progress or summary; errors only." };

    public Option<string?> Now { get; } = new("--now") { Description = "Report time (ISO 8601) for reproducible output; default SOURCE_DATE_EPOCH, else the clock.", HelpName = "TIME" };

    public Option<string?> Database { get; } = new("--db") { Description = "Vulnerability database file, or offline NVD/CVE 5/OSV record files (a folder or a file) read for this scan only (default: FIRMWAREGATE_DB, else the user's cache folder).", HelpName = "PATH" };

    public Option<bool> NoVulnerabilities { get; } = new("--no-vulns") { Description = "Skip CVE matching." };

    /// <summary>The scan options for <paramref name="imagePath"/> from what <paramref name="parse"/> holds (the image argument aside).</summary>
    public ScanOptions ToScanOptions(ParseResult parse, string imagePath, DateTimeOffset? now) => new()
    {
        ImagePath = Path.GetFullPath(imagePath),
        Limits = Limits.Read(parse),
        Now = now,
        UseNativeCodecs = !parse.GetValue(NoNative),
        Database = parse.GetValue(Database),
        Vulnerabilities = !parse.GetValue(NoVulnerabilities),
    };
}
