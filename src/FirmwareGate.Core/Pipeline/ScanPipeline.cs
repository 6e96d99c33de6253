using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using FirmwareGate.Core.Analysis;
using FirmwareGate.Core.Checks;
using FirmwareGate.Core.Extraction;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;
using FirmwareGate.Core.Vulnerabilities;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FirmwareGate.Core.Pipeline;

/// <summary>The one entry point every front end calls: image in, <see cref="ScanResult"/> out.</summary>
public sealed class ScanPipeline(ILoggerFactory? loggerFactory = null, FormatRegistry? registry = null)
{
    private readonly ILoggerFactory _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    private readonly FormatRegistry _registry = registry ?? FormatRegistry.CreateDefault();

    /// <summary>Reports what is being read, for progress displays.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Runs the stages: unpack, the analysers, the inventory, the checks and the vulnerability match (and extract when an output folder is set).</summary>
    /// <exception cref="ScanInputException">The image cannot be read or the output folder cannot be used.</exception>
    public Task<ScanResult> RunAsync(ScanOptions options, CancellationToken ct) =>
        Task.Run(() => Run(options, ct), ct);

    private ScanResult Run(ScanOptions options, CancellationToken ct)
    {
        var (now, reproducible) = ResolveTime(options.Now);
        ImportCounts? imported = null;
        var database = options.Analyze && options.Vulnerabilities ? OpenDatabase(options.Database, now, out imported, ct) : null;
        try
        {
            var result = Run(options, now, reproducible, ct);
            if (options.Analyze && options.Vulnerabilities)
            {
                result.Vulnerabilities = MatchVulnerabilities(result, database, imported, now, ct);
            }

            return result;
        }
        finally
        {
            database?.Dispose();
        }
    }

    private static VulnerabilityDatabase? OpenDatabase(string? path, DateTimeOffset now, out ImportCounts? imported, CancellationToken ct)
    {
        try
        {
            return DatabaseOpener.Open(path, now, out imported, ct);
        }
        catch (VulnerabilityDatabaseException e)
        {
            throw new ScanInputException(e.MessageWithHint, e);
        }
        catch (VulnerabilitySourceException e)
        {
            throw new ScanInputException(e.Message, e);
        }
    }

    private VulnerabilityResults MatchVulnerabilities(ScanResult result, VulnerabilityDatabase? database, ImportCounts? imported, DateTimeOffset now, CancellationToken ct)
    {
        if (database is null)
        {
            return VulnerabilityResults.None with { Skipped = DatabaseOpener.HowToGetOne };
        }

        var clock = Stopwatch.StartNew();
        Progress?.Report("matching vulnerabilities");
        try
        {
            return VulnerabilityScanner.Match(result.Inventory, database, now, ct) with { Imported = imported };
        }
        catch (VulnerabilityDatabaseException e)
        {
            // A database that breaks in the middle of matching: the rest of the scan stands, the gap is stated.
            result.AnalysisWarnings = [.. result.AnalysisWarnings, "vulnerability database: " + e.MessageWithHint];
            return VulnerabilityResults.None with { Skipped = e.Message };
        }
        finally
        {
            result.DurationsMs["vulnerabilities"] = clock.ElapsedMilliseconds;
        }
    }

    private ScanResult Run(ScanOptions options, DateTimeOffset now, bool reproducible, CancellationToken ct)
    {
        FileByteSource image;
        try
        {
            image = FileByteSource.Open(options.ImagePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScanInputException($"cannot read '{options.ImagePath}': {e.Message}", e);
        }

        ExtractionRoot? root = null;
        if (options.OutputDirectory is not null)
        {
            try
            {
                root = new ExtractionRoot(options.OutputDirectory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
            {
                image.Dispose();
                throw new ScanInputException(e.Message, e);
            }
        }

        var context = new ReadContext(options.Limits, ct, options.TempDirectory) { UseNativeCodecs = options.UseNativeCodecs };
        context.Own(image);
        var clock = Stopwatch.StartNew();
        // Hash on the side: it reads the same file the unpacker reads, so the two overlap.
        var sha256 = Task.Run(() => Sha256Of(image, ct), ct);
        string name = Path.GetFileName(options.ImagePath);
        var unpacker = new Unpacker(_registry, _loggerFactory.CreateLogger<Unpacker>()) { Progress = Progress };
        var layers = unpacker.Unpack(image, name, context);
        var info = new ImageInfo(name, options.ImagePath, image.Length, sha256.GetAwaiter().GetResult(), FormatChain(layers));
        var result = new ScanResult(context, info, layers, Coverage.Of(image.Length, layers), now, reproducible);
        result.DurationsMs["unpack"] = clock.ElapsedMilliseconds;
        if (options.Analyze)
        {
            clock.Restart();
            Progress?.Report("analysing files");
            var analyzers = options.Checks ? AnalyzerSet.CreateDefault(ProductCatalog.Default) : AnalyzerSet.CreateInventory(ProductCatalog.Default);
            var steps = options.Checks ? AnalyzerSet.CreateSteps(now) : [];
            var analysis = new AnalysisWalk(analyzers, steps) { Progress = Progress }.Run(layers, ct);
            result.Inventory = InventoryBuilder.Build(analysis);
            result.Checks = CheckResults.From(analysis);
            result.AnalysisWarnings = analysis.Warnings;
            result.AnalysisNotes = analysis.Notes;
            result.DurationsMs["analysis"] = clock.ElapsedMilliseconds;
            result.DurationsMs["analysisReadCpu"] = analysis.ReadCpuMs;
            result.DurationsMs["analysisAnalyseCpu"] = analysis.AnalyseCpuMs;
            foreach (var (analyser, ms) in analysis.CpuMsByAnalyser)
            {
                result.DurationsMs["cpu:" + analyser] = ms;
            }

            foreach (var (step, ms) in analysis.StepMs)
            {
                result.DurationsMs["step:" + step] = ms;
            }
        }

        if (root is not null)
        {
            clock.Restart();
            using (root)
            {
                result.Extraction = new Extractor(root, context.Budget, ct, Progress).Extract(layers);
            }

            result.DurationsMs["extract"] = clock.ElapsedMilliseconds;
        }

        return result;
    }

    private static (DateTimeOffset Now, bool Reproducible) ResolveTime(DateTimeOffset? now)
    {
        if (now is { } given)
        {
            return (given, true);
        }

        if (long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), NumberStyles.None, CultureInfo.InvariantCulture, out long epoch))
        {
            return (DateTimeOffset.FromUnixTimeSeconds(epoch), true);
        }

        return (DateTimeOffset.UtcNow, false);
    }

    private static string Sha256Of(IByteSource source, CancellationToken ct)
    {
        using var stream = source.OpenStream();
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Recognised formats in tree order, each once; filesystems carry their compressor (squashfs-xz).</summary>
    public static IReadOnlyList<string> FormatChain(IReadOnlyList<Layer> layers)
    {
        var chain = new List<string>();
        foreach (var layer in layers.SelectMany(l => l.Descendants()))
        {
            if (!layer.IsRecognised || layer.Details.ContainsKey("content"))
            {
                continue;
            }

            string step = layer.FileSystem is not null && layer.Compression is { } c ? $"{layer.Format}-{c}" : layer.Format;
            if (!chain.Contains(step))
            {
                chain.Add(step);
            }
        }

        return chain;
    }
}
