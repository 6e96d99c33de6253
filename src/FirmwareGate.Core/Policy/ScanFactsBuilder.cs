using FirmwareGate.Core.Checks.Hardening;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy.Evaluation;
using FirmwareGate.Core.Unpacking;
using FirmwareGate.Core.Vulnerabilities;
using FirmwareGate.Core.Vulnerabilities.Matching;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// Builds <see cref="ScanFacts"/> from a scan of this process, with every value as the JSON report writes it
/// (times to the second, names escaped for display, the report's value names), so facts read back from that
/// report are equal.
/// </summary>
internal static class ScanFactsBuilder
{
    public static ScanFacts From(ScanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var components = result.Inventory.Components
            .Select(c => ComponentOf(c, result.Image.Name))
            .OrderBy(c => c.BomRef, StringComparer.Ordinal)
            .ToList();
        var byRef = new Dictionary<string, ComponentFact>(StringComparer.Ordinal);
        foreach (var c in components)
        {
            byRef.TryAdd(c.BomRef, c);
        }

        return new ScanFacts
        {
            ImageName = result.Image.Name,
            ImageSha256 = result.Image.Sha256,
            ScannedAt = ToSecond(result.ScannedAt),
            Coverage = new CoverageFacts(result.Coverage.Bytes, result.Coverage.Unknown, result.Coverage.UnknownHighEntropy),
            Complete = result.Complete,
            Warnings = [.. result.Warnings.Select(EntryName.Display)],
            LimitsHit = [.. result.LimitsHit.Order(StringComparer.Ordinal)],
            Components = components,
            Binaries = [.. result.Checks.Binaries.Select(BinaryOf)],
            Findings = result.Checks.Findings,
            Vulnerabilities = [.. result.Vulnerabilities.Items.Select(v => VulnerabilityOf(v, byRef, result.Image.Name))],
            Database = result.Vulnerabilities.Database is { } db ? new DatabaseFacts(db.Path, db.LastUpdate is { } t ? ToSecond(t) : null) : null,
        };
    }

    private static ComponentFact ComponentOf(Component c, string imageName)
    {
        var first = c.Evidence.Count > 0 ? c.Evidence[0] : null;
        return new ComponentFact
        {
            BomRef = c.BomRef,
            Name = c.Name,
            Version = c.Version,
            Purl = c.Purl,
            Cpe = c.Cpe,
            Licenses = c.Licenses,
            Path = c.Evidence.Select(e => e.Path).FirstOrDefault(p => p is not null) is { } path ? EntryName.Display(path) : null,
            Location = first is null ? imageName : EntryName.Display(first.Location),
        };
    }

    private static BinaryFact BinaryOf(BinaryHardening b) => new()
    {
        Path = b.Path,
        Location = b.Location,
        Type = BinaryTypeNames.Of(b.Type, b.Pie.Value),
        Arch = b.Arch,
        Nx = b.Nx.Value,
        Pie = b.Pie.Value,
        Relro = b.Relro.Value,
        Canary = b.Canary.Value,
        Fortify = b.Fortify.Value,
        Stripped = b.Stripped.Value,
        RPath = b.RPath.Value,
        RunPath = b.RunPath.Value,
        Cet = b.Cet is { } cet ? cet.Ibt && cet.Shstk : null,
    };

    private static VulnerabilityFact VulnerabilityOf(Vulnerability v, Dictionary<string, ComponentFact> components, string imageName)
    {
        var component = components.GetValueOrDefault(v.ComponentRef);
        return new VulnerabilityFact
        {
            Id = v.Id,
            Aliases = v.Record.Aliases,
            ComponentRef = v.ComponentRef,
            ComponentName = component?.Name ?? v.ComponentRef,
            ComponentVersion = component?.Version,
            ComponentPurl = component?.Purl,
            Verdict = MatchVerdictNames.Of(v.Match.Verdict),
            Severity = v.Severity,
            Score = v.Rating?.Score,
            KnownExploited = v.KnownExploited,
            Epss = v.Epss?.Score,
            Location = component?.Location ?? imageName,
            Path = component?.Path,
        };
    }

    /// <summary>The report writes times to the second, in UTC.</summary>
    private static DateTimeOffset ToSecond(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
