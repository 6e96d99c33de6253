using System.CommandLine;
using FirmwareGate.Core.Diff;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Policy;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Cli;

/// <summary>
/// <c>firmwaregate diff A B</c>: what changed from A to B (components, vulnerabilities, findings). Each side is a
/// JSON report, a CycloneDX SBOM (both read by <see cref="ReportReader"/>) or an image, scanned with the scan options.
/// </summary>
internal static class DiffCommand
{
    /// <summary>How much of a file is looked at to tell JSON from an image.</summary>
    private const int SniffBytes = 4096;

    public static Command Create(ScanArguments shared, CliOutput output)
    {
        var before = new Argument<FileInfo>("A") { Description = "The older side: an image, a JSON report or a CycloneDX SBOM." };
        var after = new Argument<FileInfo>("B") { Description = "The newer side: an image, a JSON report or a CycloneDX SBOM." };
        var json = new Option<string?>("--json") { Description = "Also write the differences as JSON to FILE ('-' for standard output).", HelpName = "FILE" };
        var markdown = new Option<string?>("--markdown") { Description = "Also write them as Markdown to FILE ('-' for standard output).", HelpName = "FILE" };
        var diff = new Command("diff", "Compare two images, JSON reports or CycloneDX SBOMs: components added, removed, upgraded and downgraded, vulnerabilities introduced and fixed, findings new and gone. Exit 0 (2 on bad input).")
        {
            before, after, json, markdown, shared.Now, shared.Database, shared.NoVulnerabilities, shared.NoNative, shared.Quiet,
        };
        shared.Limits.AddTo(diff);
        diff.SetAction((parse, ct) => RunAsync(output, shared, parse, parse.GetRequiredValue(before), parse.GetRequiredValue(after), parse.GetValue(json), parse.GetValue(markdown), ct));
        return diff;
    }

    private static async Task<int> RunAsync(CliOutput output, ScanArguments shared, ParseResult parse, FileInfo a, FileInfo b, string? json, string? markdown, CancellationToken ct)
    {
        if (!output.TryParseNow(parse.GetValue(shared.Now), out var now) || !output.OneStdout(("--json", json), ("--markdown", markdown)))
        {
            return FirmwareGateCommand.UsageError;
        }

        ScanDiff diff;
        try
        {
            var before = await ReadAsync(output, shared, parse, a, now, ct).ConfigureAwait(false);
            var after = await ReadAsync(output, shared, parse, b, now, ct).ConfigureAwait(false);
            diff = ScanDiffer.Compare(before, after);
        }
        catch (ScanInputException e)
        {
            return await output.UsageErrorAsync(e.Message).ConfigureAwait(false);
        }

        if (json is not null && !await output.WriteFileAsync(json, () => DiffJsonWriter.ToJson(diff), ct).ConfigureAwait(false))
        {
            return FirmwareGateCommand.UsageError;
        }

        if (markdown is not null && !await output.WriteFileAsync(markdown, () => DiffMarkdownWriter.ToMarkdown(diff), ct).ConfigureAwait(false))
        {
            return FirmwareGateCommand.UsageError;
        }

        if (json != "-" && markdown != "-")
        {
            await output.Stdout.WriteAsync(DiffTextWriter.ToText(diff)).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>A side's facts: read from a report or SBOM, or from a scan of the image.</summary>
    private static async Task<ScanFacts> ReadAsync(CliOutput output, ScanArguments shared, ParseResult parse, FileInfo file, DateTimeOffset? now, CancellationToken ct)
    {
        if (IsJson(file))
        {
            return ReportReader.Read(file.FullName);
        }

        using var progress = ProgressLine.Create(output.Stderr, enabled: !parse.GetValue(shared.Quiet));
        using var result = await new ScanPipeline { Progress = progress }.RunAsync(shared.ToScanOptions(parse, file.FullName, now), ct).ConfigureAwait(false);
        progress.Clear();
        if (!result.Recognised)
        {
            throw new ScanInputException(SummaryWriter.UnknownFormatMessage(result, file.Name).Replace("firmwaregate: ", "", StringComparison.Ordinal));
        }

        if (!result.Complete)
        {
            await output.Stderr.WriteLineAsync($"firmwaregate: {file.Name}: analysis incomplete ({result.Warnings.Count} warning(s)); the comparison covers what was read").ConfigureAwait(false);
        }

        return ScanFacts.FromScan(result);
    }

    /// <summary>True when the file starts (after white space and a UTF-8 byte order mark) with '{': a report or an SBOM, not an image.</summary>
    internal static bool IsJson(FileInfo file)
    {
        Span<byte> head = stackalloc byte[SniffBytes];
        int read;
        try
        {
            using var stream = file.OpenRead();
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScanInputException($"cannot read '{file.FullName}': {e.Message}", e);
        }

        var bytes = head[..read];
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        int i = bytes.IndexOfAnyExcept((ReadOnlySpan<byte>)" \t\r\n"u8);
        return i >= 0 && bytes[i] == (byte)'{';
    }
}
