using System.Globalization;
using System.Text;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;
using FirmwareGate.Core.Vulnerabilities;
using FirmwareGate.Core.Vulnerabilities.Matching;

namespace FirmwareGate.Cli;

/// <summary>The human-readable summary printed by scan and unpack.</summary>
internal sealed class SummaryWriter(TextWriter output)
{
    private const int EntropyRegions = 16;

    public void Write(ScanResult result, bool unpack)
    {
        var c = result.Coverage;
        output.WriteLine($"{result.Image.Name}  {result.Image.Size} bytes  sha256 {result.Image.Sha256}");
        output.WriteLine($"formats   {string.Join(" > ", result.Image.FormatChain)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"coverage  {Percent(c.Recognised, c.Bytes)} recognised, {Percent(c.Padding, c.Bytes)} padding, {Percent(c.Unknown, c.Bytes)} unknown ({c.Unknown} bytes, {c.UnknownHighEntropy} high-entropy)"));
        output.WriteLine("layers");
        foreach (var layer in result.Layers)
        {
            WriteLayer(layer, 1);
        }

        var counts = result.FileCounts();
        output.WriteLine($"files     {counts.Values.Sum()} ({string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"))})");
        if (!unpack)
        {
            WriteComponents(result.Inventory);
            WriteChecks(result.Checks);
            WriteVulnerabilities(result.Vulnerabilities);
        }

        if (result.Extraction is { } x)
        {
            output.WriteLine($"extracted {x.Files} files, {x.Bytes} bytes into {x.Root}");
        }

        foreach (var warning in result.Warnings)
        {
            output.WriteLine("warning   " + warning);
        }

        const int notesShown = 10;
        foreach (var note in result.AnalysisNotes.Take(notesShown))
        {
            output.WriteLine("note      " + EntryName.Display(note));
        }

        if (result.AnalysisNotes.Count > notesShown)
        {
            output.WriteLine($"note      ... and {result.AnalysisNotes.Count - notesShown} more (--json for all)");
        }
    }

    private const int ComponentsShown = 12;

    private void WriteComponents(InventoryResult inventory)
    {
        var components = inventory.Components;
        var versioned = components.Count(c => c.Version is not null);
        var byMethod = components
            .SelectMany(c => c.Evidence.Select(e => e.Method).Distinct().Select(m => (Method: m, c)))
            .GroupBy(x => x.Method)
            .OrderBy(g => g.Key)
            .Select(g => $"{InventoryNames.Of(g.Key)} {g.Count()}");
        if (components.Count == 0)
        {
            output.WriteLine("components 0 (no package database, version string or banner identified any software)");
            return;
        }

        output.WriteLine($"components {components.Count} ({versioned} with a version; found by {string.Join(", ", byMethod)})");
        if (inventory.OperatingSystem is { } os)
        {
            output.WriteLine($"  os       {os.Name} {os.Version ?? "(version unknown)"}");
        }

        // The best-evidenced first: most sightings, then by name.
        foreach (var c in components.Where(c => c != inventory.OperatingSystem)
                     .OrderByDescending(c => c.Version is not null)
                     .ThenByDescending(c => c.Evidence.Count)
                     .ThenBy(c => c.Name, StringComparer.Ordinal)
                     .Take(ComponentsShown)
                     .OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            string methods = string.Join(",", c.Evidence.Select(e => InventoryNames.Of(e.Method)).Distinct());
            output.WriteLine($"  {c.Name,-24} {c.Version ?? "(version unknown)",-16} {methods}");
        }

        if (components.Count > ComponentsShown + (inventory.OperatingSystem is null ? 0 : 1))
        {
            output.WriteLine($"  ... and {components.Count - ComponentsShown - (inventory.OperatingSystem is null ? 0 : 1)} more (--json or sbom for all)");
        }
    }

    private const int FindingsShown = 10;

    private void WriteChecks(CheckResults checks)
    {
        WriteHardening(checks);
        output.WriteLine($"crypto    {checks.Certificates.Count} certificate(s), {checks.PrivateKeys.Count} private key(s), {checks.TrustStores.Count} trust store(s); accounts {checks.Accounts.Count}");
        var findings = checks.Findings;
        if (findings.Count == 0)
        {
            output.WriteLine("findings  0");
            return;
        }

        var bySeverity = findings.GroupBy(f => f.Severity).OrderByDescending(g => g.Key).Select(g => $"{SeverityNames.Of(g.Key)} {g.Count()}");
        output.WriteLine($"findings  {findings.Count} ({string.Join(", ", bySeverity)})");
        // The most severe first, then by rule and location.
        foreach (var f in findings.OrderByDescending(f => f.Severity).ThenBy(f => f.RuleId, StringComparer.Ordinal).Take(FindingsShown))
        {
            output.WriteLine($"  {SeverityNames.Of(f.Severity),-8} {f.RuleId,-32} {EntryName.Display(f.Path ?? f.Location)}{(f.Line is { } l ? ":" + l.ToString(CultureInfo.InvariantCulture) : "")}  {f.Message}");
        }

        if (findings.Count > FindingsShown)
        {
            output.WriteLine($"  ... and {findings.Count - FindingsShown} more (--json for all)");
        }
    }

    private const int VulnerabilitiesShown = 10;

    private void WriteVulnerabilities(VulnerabilityResults results)
    {
        if (results.Database is not { } db)
        {
            output.WriteLine("cves      not matched: " + (results.Skipped ?? "no database"));
            return;
        }

        var affected = results.Items.Where(v => v.Match.Verdict == MatchVerdict.Affected).ToList();
        var bySeverity = affected.GroupBy(v => v.Severity).OrderBy(g => SeverityOrder(g.Key)).Select(g => $"{g.Key} {g.Count()}");
        int undecidable = results.Items.Count(v => v.Match.Verdict == MatchVerdict.Undecidable);
        int unconfirmed = results.Items.Count(v => v.Match.Verdict == MatchVerdict.NoCpeData);
        int exploited = results.Items.Count(v => v.KnownExploited && v.Match.Verdict == MatchVerdict.Affected);
        string age = db.Age is { } a ? $", updated {(int)a.TotalDays} day(s) before the scan" : "";
        output.WriteLine($"cves      {affected.Count} affecting {affected.Select(v => v.ComponentRef).Distinct().Count()} of {results.ComponentsChecked} components{(affected.Count > 0 ? $" ({string.Join(", ", bySeverity)})" : "")}; known exploited {exploited}; undecidable {undecidable}; unconfirmed (no CPE data yet) {unconfirmed}  [database: {db.Records} records{age}]");
        foreach (var v in results.Items
                     .OrderBy(v => v.Match.Verdict == MatchVerdict.Affected ? 0 : v.Match.Verdict == MatchVerdict.Undecidable ? 1 : 2)
                     .ThenByDescending(v => v.KnownExploited)
                     .ThenByDescending(v => v.Rating?.Score ?? -1)
                     .ThenBy(v => v.Id, StringComparer.Ordinal)
                     .Take(VulnerabilitiesShown))
        {
            string verdict = v.Match.Verdict switch { MatchVerdict.Affected => "", MatchVerdict.Undecidable => "  (undecidable: " + v.Match.Reason + ")", _ => "  (unconfirmed: no CPE data)" };
            string score = v.Rating is { } r ? r.Score.ToString("0.0", CultureInfo.InvariantCulture) : "-";
            output.WriteLine($"  {v.Severity,-8} {score,4} {v.Id,-16} {v.ComponentRef}{(v.KnownExploited ? "  KEV" : "")}{verdict}");
        }

        if (results.Items.Count > VulnerabilitiesShown)
        {
            output.WriteLine($"  ... and {results.Items.Count - VulnerabilitiesShown} more (--json for all)");
        }
    }

    private static int SeverityOrder(string severity) => severity switch
    {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        "low" => 3,
        _ => 4,
    };

    private void WriteHardening(CheckResults checks)
    {
        var binaries = checks.Binaries;
        if (binaries.Count == 0)
        {
            output.WriteLine("hardening 0 ELF executables or shared objects");
            return;
        }

        // PIE counts executables only: a shared object is position-independent by nature ("dso").
        var executables = binaries.Where(b => b.Pie.Value != "dso").ToList();
        int known = binaries.Count(b => b.Canary.Value is not null);
        output.WriteLine(string.Join("  ", [
            $"hardening {binaries.Count} ELF files ({executables.Count} executables):",
            $"NX {binaries.Count(b => b.Nx.Value == true)}/{binaries.Count}",
            $"PIE {executables.Count(b => b.Pie.Value == "yes")}/{executables.Count}",
            $"full RELRO {binaries.Count(b => b.Relro.Value == "full")}/{binaries.Count}",
            $"canary {binaries.Count(b => b.Canary.Value == true)}/{known}{(known < binaries.Count ? $" ({binaries.Count - known} without symbols)" : "")}",
            $"FORTIFY {binaries.Count(b => b.Fortify.Value)}/{binaries.Count}",
            $"stripped {binaries.Count(b => b.Stripped.Value)}/{binaries.Count}",
        ]));
    }

    private void WriteLayer(Layer layer, int depth)
    {
        string where = layer.Offset is { } o ? "0x" + o.ToString("x", CultureInfo.InvariantCulture) : EntryName.Display(layer.Name ?? "");
        var line = new StringBuilder(new string(' ', depth * 2));
        line.Append(CultureInfo.InvariantCulture, $"{where,-12} {layer.Format,-10} {layer.Size,12}");
        if (layer.Compression is { } comp && comp != "none")
        {
            line.Append(" (").Append(comp).Append(')');
        }

        if (layer.Name is { } name && layer.Offset is not null)
        {
            line.Append(' ').Append(EntryName.Display(name));
        }

        if (layer.Entropy is { } e)
        {
            line.Append(CultureInfo.InvariantCulture, $" entropy {e:0.000}");
        }

        if (layer.FileSystem is { } fs)
        {
            line.Append(CultureInfo.InvariantCulture, $" {fs.Entries.Count} entries");
        }

        output.WriteLine(line.ToString());
        foreach (var child in layer.Children)
        {
            WriteLayer(child, depth + 1);
        }
    }

    private static string Percent(long part, long whole) =>
        (whole == 0 ? 0 : 100.0 * part / whole).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    /// <summary>Exit-2 message: no signature, entropy by region, and a verdict when it looks encrypted.</summary>
    public static string UnknownFormatMessage(ScanResult result, string displayName)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"firmwaregate: {displayName}: no known signature found ({result.Image.Size} bytes); format not recognised.");
        if (result.Image.Size > 0)
        {
            sb.AppendLine("entropy by region (bits/byte):");
            using var file = FileByteSource.Open(result.Image.Path);
            long step = Math.Max(4096, (file.Length + EntropyRegions - 1) / EntropyRegions);
            for (long off = 0; off < file.Length; off += step)
            {
                var (entropy, _) = Entropy.Measure(file.Slice(off, Math.Min(step, file.Length - off)));
                sb.AppendLine(CultureInfo.InvariantCulture, $"  0x{off:x8}-0x{Math.Min(off + step, file.Length):x8}  {entropy:0.000}");
            }
        }

        long high = result.Coverage.UnknownHighEntropy;
        if (result.Image.Size > 0 && high * 2 > result.Image.Size)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{100.0 * high / result.Image.Size:0.0}% of the image is above {Entropy.HighThreshold} bits/byte: it looks encrypted or compressed with an unknown codec.");
        }
        else
        {
            sb.AppendLine("The image is not uniformly high-entropy: it may be a format FirmwareGate does not read yet, or raw code and data.");
        }

        return sb.ToString().TrimEnd('\n');
    }
}
