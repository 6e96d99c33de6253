using System.Globalization;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;

namespace FirmwareGate.Core.Tests.Diff;

/// <summary>
/// Every field of <see cref="ScanFacts"/> as lines of text (lists item by item), so two facts compare field by
/// field and a mismatch shows which field of which item differs.
/// </summary>
internal static class FactsText
{
    public static List<string> Header(ScanFacts f) =>
    [
        $"image {f.ImageName} sha256 {f.ImageSha256}",
        $"scannedAt {f.ScannedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)} offset {f.ScannedAt.Offset}",
        $"coverage {f.Coverage}",
        $"complete {f.Complete}",
        .. f.Warnings.Select(w => "warning " + w),
        .. f.LimitsHit.Select(l => "limit " + l),
        $"database {f.Database?.Path} {f.Database?.LastUpdate?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}",
    ];

    public static List<string> Components(ScanFacts f) =>
        [.. f.Components.Select(c => $"{c.BomRef} | {c.Name} | {c.Version} | {c.Purl} | {c.Cpe} | [{string.Join(",", c.Licenses)}] | {c.Path} | {c.Location} | {c.Key}")];

    public static List<string> Binaries(ScanFacts f) =>
        [.. f.Binaries.Select(b => $"{b.Path} | {b.Location} | {b.Type} | {b.Arch} | nx {b.Nx} | pie {b.Pie} | relro {b.Relro} | canary {b.Canary} | fortify {b.Fortify} | stripped {b.Stripped} | rpath {b.RPath} | runpath {b.RunPath} | cet {b.Cet}")];

    public static List<string> Findings(ScanFacts f) => [.. f.Findings.Select(Finding)];

    public static string Finding(Finding x) =>
        $"{x.RuleId} | {SeverityNames.Of(x.Severity)} | {x.Message} | {x.Location} | {x.Path} | {x.Line} | {x.Evidence} | {x.Fingerprint}";

    public static List<string> Vulnerabilities(ScanFacts f, bool aliases = true) =>
        [.. f.Vulnerabilities.Select(v => $"{v.Id} | {(aliases ? string.Join(",", v.Aliases) : "-")} | {v.ComponentRef} | {v.ComponentName} | {v.ComponentVersion} | {v.ComponentPurl} | {v.Verdict} | {v.Severity} | {v.Score?.ToString(CultureInfo.InvariantCulture)} | kev {v.KnownExploited} | epss {v.Epss?.ToString(CultureInfo.InvariantCulture)} | {v.Location} | {v.Path} | {v.Fingerprint}")];

    /// <summary>Asserts two facts are equal in every field.</summary>
    public static void Equal(ScanFacts expected, ScanFacts actual)
    {
        Assert.Multiple(
            () => Assert.Equal(Header(expected), Header(actual)),
            () => Assert.Equal(Components(expected), Components(actual)),
            () => Assert.Equal(Binaries(expected), Binaries(actual)),
            () => Assert.Equal(Findings(expected), Findings(actual)),
            () => Assert.Equal(Vulnerabilities(expected), Vulnerabilities(actual)));
    }
}
