using System.Globalization;
using System.Text;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Unpacking;
using static FirmwareGate.Core.Reports.HtmlText;

namespace FirmwareGate.Core.Reports;

/// <summary>One rendering of the HTML report.</summary>
internal sealed class HtmlPage(GateReport report)
{
    private readonly StringBuilder _sb = new();

    private PolicyOutcome Outcome => report.Outcome;

    private ScanFacts Facts => report.Facts;

    public string Render()
    {
        string verdict = GateSummary.VerdictWord(Outcome.Verdict);
        Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        Append($"<meta http-equiv=\"Content-Security-Policy\" content=\"{HtmlAssets.ContentSecurityPolicy}\">\n");
        Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        Append($"<title>FirmwareGate {verdict}: {Encode(Facts.ImageName)}</title>\n<style>\n{HtmlAssets.Style}</style>\n</head>\n<body>\n");
        WriteVerdict(verdict);
        Append("<main>\n");
        WriteCounts();
        WriteCharts();
        WriteLayers();
        WriteViolations();
        WriteVulnerabilities();
        WriteFindings();
        WriteComponents();
        WriteBinaries();
        Append("</main>\n<script>\n").Append(HtmlAssets.Script).Append("</script>\n</body>\n</html>\n");
        return _sb.ToString();
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private StringBuilder Append(string text) => _sb.Append(text);

    private void WriteVerdict(string verdict)
    {
        int failing = Outcome.Violations.Count(v => v.Fails);
        string why = Outcome.Verdict switch
        {
            PolicyVerdict.Incomplete => "The analysis is incomplete and the policy does not accept that.",
            PolicyVerdict.Fail => $"{N(failing)} violation{(failing == 1 ? "" : "s")} fail{(failing == 1 ? "s" : "")} the gate.",
            _ => "Nothing fails the gate.",
        };
        Append($"<header class=\"verdict {PolicyVerdictNames.Of(Outcome.Verdict)}\" id=\"verdict\" data-exit-code=\"{N(Outcome.ExitCode)}\">");
        Append($"<h1>{verdict}</h1><p>{why}</p>");
        Append($"<p>Image <b id=\"image-name\">{Encode(Facts.ImageName)}</b> · policy {Encode(GateSummary.PolicyName(report))} · FirmwareGate {Encode(report.ToolVersion)} · evaluated {Outcome.EvaluatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}</p></header>\n");
    }

    private void WriteCounts()
    {
        var (errors, warnings, notes, waived, failing) = GateSummary.Counts(Outcome);
        Append("<section id=\"counts\"><h2>Summary</h2><div class=\"cards\">");
        Card("failing", "Failing", failing);
        Card("errors", "Errors", errors);
        Card("warnings", "Warnings", warnings);
        Card("notes", "Notes", notes);
        Card("waived", "Waived", waived);
        Card("expired", "Expired waivers", Outcome.Expired.Count);
        Card("stale", "Stale waivers", Outcome.Stale.Count);
        Card("uncovered", "Uncovered findings", Outcome.Uncovered.Count);
        Card("components", "Components", Facts.Components.Count);
        Card("vulnerabilities", "Vulnerabilities", Facts.Vulnerabilities.Count);
        Card("binaries", "ELF binaries", Facts.Binaries.Count);
        Append("</div>");
        if (!Facts.Complete || Facts.LimitsHit.Count > 0)
        {
            Append($"<p class=\"warn\">The analysis is incomplete: {N(Facts.Warnings.Count)} warnings, limits reached: {Encode(string.Join(", ", Facts.LimitsHit))}.</p><ul>");
            foreach (var warning in Facts.Warnings.Take(HtmlReportWriter.MaxRows))
            {
                Append($"<li>{Encode(warning)}</li>");
            }

            Append("</ul>");
        }

        WriteWaivers();
        Append("</section>\n");
    }

    private void Card(string id, string label, int value) =>
        Append($"<div class=\"card\" id=\"count-{id}\"><b>{N(value)}</b>{Encode(label)}</div>");

    private void WriteWaivers()
    {
        var rows = Outcome.Applied.Select(u => (u.Waiver, State: "applied", Count: u.Fingerprints.Count.ToString(CultureInfo.InvariantCulture)))
            .Concat(Outcome.Expired.Select(w => (Waiver: w, State: "expired", Count: "")))
            .Concat(Outcome.Stale.Select(w => (Waiver: w, State: "stale", Count: "")))
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        Append("<h2>Waivers</h2>");
        Table("waivers", ["Waiver", "State", "Reason", "Owner", "Expires", "Waived"], rows, r =>
            Row(null, r.Waiver.Id, r.State, r.Waiver.Reason, r.Waiver.Owner, PolicyJsonWriter.Date(r.Waiver.Expires), r.Count));
    }

    private void WriteCharts()
    {
        Append("<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">");
        Append("<figure><figcaption>Vulnerabilities by severity</figcaption>");
        Append(HtmlCharts.VulnerabilitiesBySeverity(GateSummary.VulnerabilitiesBySeverity(Facts)));
        Append("</figure><figure><figcaption>Hardening coverage (binaries with the property, of those where it is known)</figcaption>");
        Append(HtmlCharts.HardeningCoverage(GateSummary.Hardening(Facts)));
        Append("</figure></div></section>\n");
    }

    private void WriteLayers()
    {
        Append("<section id=\"layers\"><h2>Layers</h2>");
        WriteLayerList(report.Scan.Layers, 0);
        Append("</section>\n");
    }

    private void WriteLayerList(IReadOnlyList<Layer> layers, int depth)
    {
        if (layers.Count == 0)
        {
            return;
        }

        Append("<ul class=\"tree\">");
        foreach (var layer in layers)
        {
            Append($"<li data-layer=\"{Encode(layer.Id)}\"><b>{Encode(layer.Format)}</b>");
            if (layer.Name is { } name)
            {
                Append($" {Encode(EntryName.Display(name))}");
            }

            Append($" <span class=\"muted\">{(layer.Offset is { } offset ? "at 0x" + offset.ToString("x", CultureInfo.InvariantCulture) + ", " : "")}{N(layer.Size)} bytes");
            if (layer.Compression is { } compression)
            {
                Append($", {Encode(compression)}");
            }

            if (layer.FileSystem is { } fs)
            {
                Append($", {N(fs.Entries.Count)} entries");
            }

            Append("</span>");
            foreach (var warning in layer.Warnings)
            {
                Append($" <span class=\"warn\">{Encode(EntryName.Display(warning))}</span>");
            }

            // Depth is bounded by the unpacker's limits; the guard keeps a hand-made tree from recursing without end.
            if (depth < 64)
            {
                WriteLayerList(layer.Children, depth + 1);
            }

            Append("</li>");
        }

        Append("</ul>");
    }

    private void WriteViolations()
    {
        Append("<section><h2>Violations</h2>");
        Table("violations", ["Level", "Rule", "What", "Where", "Policy rule", "Line", "State"], Outcome.Violations, v =>
            Row(
                v.Fails ? "failing" : null,
                PolicyLevelNames.Of(v.Level),
                v.RuleId,
                v.Message,
                v.Location,
                v.PolicyRule,
                v.PolicyPosition is { } p ? N(p.Line) : "",
                v.WaivedBy is { } w ? "waived by " + w.Id : v.Fails ? "failing" : v.InBaseline ? "in baseline" : "reported"));
        Append("</section>\n");
    }

    private void WriteVulnerabilities()
    {
        var waived = Outcome.Violations.Where(v => v.Kind == ViolationKind.Vulnerability && v.WaivedBy is not null)
            .ToDictionary(v => v.Ref, v => v.WaivedBy!.Id, StringComparer.Ordinal); // WaivedBy is checked in the filter.
        Append("<section><h2>Vulnerabilities</h2>");
        Table("vulnerabilities", ["Id", "Severity", "CVSS", "Component", "Verdict", "Known exploited", "EPSS", "Waived"], Facts.Vulnerabilities, v =>
            Row(
                null,
                v.Id,
                v.Severity,
                v.Score is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "",
                $"{v.ComponentName} {v.ComponentVersion}",
                v.Verdict,
                v.KnownExploited ? "yes" : "no",
                v.Epss is { } e ? e.ToString("0.#####", CultureInfo.InvariantCulture) : "",
                waived.GetValueOrDefault(v.Id + "@" + v.ComponentRef) ?? ""));
        Append("</section>\n");
    }

    private void WriteFindings()
    {
        var judged = Outcome.Violations.Where(v => v.Kind == ViolationKind.Finding)
            .GroupBy(v => v.Fingerprint, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => PolicyLevelNames.Of(g.Max(v => v.Level)), StringComparer.Ordinal);
        Append("<section><h2>Findings</h2>");
        Table("findings", ["Rule", "Severity", "What", "Where", "Policy"], Facts.Findings, f =>
            Row(null, f.RuleId, SeverityNames.Of(f.Severity), f.Message, f.Location, judged.GetValueOrDefault(f.Fingerprint) ?? "uncovered"));
        Append("</section>\n");
    }

    private void WriteComponents()
    {
        Append("<section><h2>Components</h2>");
        Table("components", ["Name", "Version", "Licences", "purl", "Where"], Facts.Components, c =>
            Row(null, c.Name, c.Version ?? "unknown", string.Join(", ", c.Licenses), c.Purl ?? "", c.Path ?? c.Location));
        Append("</section>\n");
    }

    private void WriteBinaries()
    {
        Append("<section><h2>Binaries</h2>");
        Table("binaries", ["Path", "Type", "Arch", "NX", "PIE", "RELRO", "Canary", "Fortify", "Stripped", "RPATH/RUNPATH", "CET"], Facts.Binaries, b =>
            Row(null, b.Path, b.Type, b.Arch, Yes(b.Nx), b.Pie ?? "?", b.Relro ?? "?", Yes(b.Canary), Yes(b.Fortify), Yes(b.Stripped), string.Join(" ", new[] { b.RPath, b.RunPath }.OfType<string>()), b.Cet is null ? "n/a" : Yes(b.Cet)));
        Append("</section>\n");

        static string Yes(bool? value) => value switch { true => "yes", false => "no", null => "?" };
    }

    private void Table<T>(string id, string[] headers, IReadOnlyList<T> items, Func<T, string> row)
    {
        Append($"<input class=\"filter\" id=\"{id}-filter\" type=\"search\" placeholder=\"Filter {id}\" aria-label=\"Filter {id}\"><span class=\"shown\" id=\"{id}-shown\">{N(Math.Min(items.Count, HtmlReportWriter.MaxRows))} rows</span>");
        Append($"<table class=\"data\" id=\"{id}\"><thead><tr>");
        foreach (var header in headers)
        {
            Append($"<th>{Encode(header)}</th>");
        }

        Append("</tr></thead><tbody>\n");
        foreach (var item in items.Take(HtmlReportWriter.MaxRows))
        {
            Append(row(item)).Append('\n');
        }

        Append("</tbody></table>");
        if (items.Count > HtmlReportWriter.MaxRows)
        {
            Append($"<p class=\"muted\">... and {N(items.Count - HtmlReportWriter.MaxRows)} more (see the JSON report).</p>");
        }
    }

    private static string Row(string? cssClass, params string[] cells)
    {
        var sb = new StringBuilder(cssClass is null ? "<tr>" : $"<tr class=\"{cssClass}\">");
        foreach (var cell in cells)
        {
            sb.Append("<td>").Append(Encode(cell)).Append("</td>");
        }

        return sb.Append("</tr>").ToString();
    }
}
