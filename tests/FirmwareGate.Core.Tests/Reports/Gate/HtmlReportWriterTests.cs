using System.Diagnostics;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Reports;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Reports.Gate;

/// <summary>The HTML report, rendered by headless Chromium: the script ran, the verdict shows, hostile names stay text.</summary>
public sealed partial class HtmlReportWriterTests(SampleGate gate) : IClassFixture<SampleGate>
{
    [Fact]
    public void The_page_loads_nothing_from_anywhere()
    {
        string html = HtmlReportWriter.ToHtml(gate.Report());
        Assert.DoesNotContain("http:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(SourceAttribute().Matches(html));
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        Assert.Single(ScriptTag().Matches(html));
    }

    [Fact]
    public void Charts_and_tables_carry_the_counts()
    {
        string html = HtmlReportWriter.ToHtml(gate.Report());
        Assert.Contains("data-label=\"critical\" data-value=\"2\"", html, StringComparison.Ordinal);
        Assert.Contains("data-label=\"high\" data-value=\"1\"", html, StringComparison.Ordinal);
        Assert.Contains("data-label=\"nx\"", html, StringComparison.Ordinal);
        Assert.Contains("<li data-layer=\"1\"><b>trx</b>", html, StringComparison.Ordinal);
        Assert.Contains("<b>squashfs</b>", html, StringComparison.Ordinal);
        Assert.Equal(html, HtmlReportWriter.ToHtml(gate.Report() with { }));
    }

    [ChromiumFact]
    public async Task Chromium_renders_the_verdict_runs_the_script_and_shows_hostile_names_as_text()
    {
        using var temp = new TempDir();
        string file = temp.Combine("report.html");
        File.WriteAllText(file, HtmlReportWriter.ToHtml(gate.Report(gate.Outcome(extra: [Hostile.Violation]))));
        string dom = await Chromium.DumpDomAsync(file, temp.Combine("profile"));

        Assert.Contains("data-ready=\"true\"", dom, StringComparison.Ordinal);
        Assert.Matches("<h1>FAIL</h1>", dom);
        Assert.Contains("<title>FirmwareGate FAIL: router-sample.trx</title>", dom, StringComparison.Ordinal);

        // The script counted the rows of every table.
        Assert.Contains("id=\"violations-shown\">10 of 10 rows<", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"vulnerabilities-shown\">4 of 4 rows<", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"findings-shown\">8 of 8 rows<", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"components-shown\">5 of 5 rows<", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"binaries-shown\">4 of 4 rows<", dom, StringComparison.Ordinal);

        // The injected script is text: one script element (ours), no image, the title unchanged.
        Assert.Single(ScriptTag().Matches(dom));
        Assert.DoesNotContain("<img", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("pwned</title>", dom, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;", dom, StringComparison.Ordinal);
        Assert.Empty(SourceAttribute().Matches(dom));
    }

    [GeneratedRegex(@"<[^>]*\s(src|href|srcset|action|formaction|xlink:href)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex SourceAttribute();

    [GeneratedRegex("<script", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();
}

/// <summary>Headless Chromium (Debian package <c>chromium</c>).</summary>
internal static class Chromium
{
    public static string? Path { get; } = new[] { "chromium", "chromium-browser", "google-chrome" }
        .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => System.IO.Path.Combine(dir, name)))
        .FirstOrDefault(File.Exists);

    public static async Task<string> DumpDomAsync(string file, string profile)
    {
        var start = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile, "--dump-dom", new Uri(file).AbsoluteUri })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!; // Path is an existing executable: Start returns a process.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        string dom = await stdout;
        Assert.True(dom.Length > 0, "chromium printed no DOM: " + await stderr);
        return dom;
    }
}

/// <summary>A fact that needs headless Chromium, skipped with the reason when it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = "chromium not found (apt-get install chromium)";
        }
    }
}
