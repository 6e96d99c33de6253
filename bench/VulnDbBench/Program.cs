using System.Diagnostics;
using System.Globalization;
using System.Text;
using FirmwareGate.Core.Inventory;
using FirmwareGate.Core.Vulnerabilities;
using FirmwareGate.Core.Vulnerabilities.Database;
using FirmwareGate.Core.Vulnerabilities.Matching;
using FirmwareGate.Core.Vulnerabilities.Records;
using FirmwareGate.Core.Vulnerabilities.Sources;
using VulnDbBench;

// Scale benchmark of the vulnerability database on a SYNTHETIC NVD-scale data set (not real CVEs):
// generate NVD API 2.0 pages, import them, match components, apply an incremental update.
var options = BenchOptions.Parse(args);
Directory.CreateDirectory(options.Work);
var data = new SyntheticNvd(options.Records, tailProducts: 40_000, options.Seed);
var pagesFolder = Path.Combine(options.Work, "synthetic-nvd-pages");
var changesFolder = Path.Combine(options.Work, "synthetic-nvd-changes");
var databasePath = Path.Combine(options.Work, "synthetic-vulndb.sqlite");
var report = new BenchReport(options);

if (args.Contains("--match-only"))
{
    // Re-measure matching on the database a previous run built (same seed and size).
    var onlySubjects = Components(data, options.Components, options.Seed);
    var onlyPlatform = new MatchPlatform(onlySubjects, onlySubjects.First(s => s.Type == ComponentType.OperatingSystem));
    using var onlyReader = VulnerabilityDatabase.OpenRead(databasePath);
    var cold = Match(onlyReader, onlySubjects, onlyPlatform);
    var warm = Match(onlyReader, onlySubjects, onlyPlatform);
    Console.WriteLine($"match {onlySubjects.Count} components: first pass {cold.Milliseconds:F0} ms, second pass {warm.Milliseconds:F0} ms, {cold.Candidates} candidates");
    return 0;
}

Console.WriteLine($"SYNTHETIC NVD-scale data set: {options.Records} records in {data.Pages} pages of {SyntheticNvd.PageSize} -> {pagesFolder}");
var watch = Stopwatch.StartNew();
report.JsonBytes = WritePages(data, pagesFolder);
report.GenerateSeconds = watch.Elapsed.TotalSeconds;

foreach (var suffix in (string[])["", "-wal", "-shm", "-journal"])
{
    File.Delete(databasePath + suffix);
}

Console.WriteLine("importing...");
watch.Restart();
using (var database = VulnerabilityDatabase.OpenWrite(databasePath, rebuild: true))
{
    report.ImportPath = Import(database, "offline:synthetic-nvd", pagesFolder, () => data.Pages == 0 ? [] : Enumerable.Range(0, data.Pages).SelectMany(data.Page));
}

report.ImportSeconds = watch.Elapsed.TotalSeconds;
report.DatabaseBytes = new FileInfo(databasePath).Length;
using (var reader = VulnerabilityDatabase.OpenRead(databasePath))
{
    report.Status = reader.Status(DateTimeOffset.UtcNow);
}

Console.WriteLine($"imported in {report.ImportSeconds:F1} s ({report.ImportPath}); {report.Status.Records} records, {report.Status.CpeEntries} CPE entries, {report.DatabaseBytes / 1048576.0:F0} MiB");

var subjects = Components(data, options.Components, options.Seed);
var platform = new MatchPlatform(subjects, subjects.First(s => s.Type == ComponentType.OperatingSystem));
using (var reader = VulnerabilityDatabase.OpenRead(databasePath))
{
    report.Cold = Match(reader, subjects, platform);
    report.Warm = Match(reader, subjects, platform);
}

Console.WriteLine($"match {subjects.Count} components: first pass {report.Cold.Milliseconds:F0} ms, second pass {report.Warm.Milliseconds:F0} ms, {report.Cold.Candidates} candidates");

var changed = ChangedIndices(options.Records, options.Changes, options.Seed);
Directory.CreateDirectory(changesFolder);
var changedRecords = changed.Select(i => data.Record(i, modifiedDays: 400)).ToList();
NvdPageWriter.Write(Path.Combine(changesFolder, "synthetic-nvd-changes.json"), changedRecords, 0, changedRecords.Count);
watch.Restart();
using (var database = VulnerabilityDatabase.OpenWrite(databasePath))
{
    Import(database, "offline:synthetic-nvd-changes", changesFolder, () => changedRecords);
}

report.IncrementalSeconds = watch.Elapsed.TotalSeconds;
using (var reader = VulnerabilityDatabase.OpenRead(databasePath))
{
    report.AfterIncremental = reader.Status(DateTimeOffset.UtcNow);
}

Console.WriteLine($"incremental update of {changed.Count} records: {report.IncrementalSeconds:F2} s; records now {report.AfterIncremental.Records}");
report.PeakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;
var markdown = report.Markdown();
if (options.Out is { } outPath)
{
    File.WriteAllText(outPath, markdown);
}

Console.WriteLine(markdown);
return report.AfterIncremental.Records == options.Records ? 0 : 1;

static long WritePages(SyntheticNvd data, string folder)
{
    if (Directory.Exists(folder))
    {
        Directory.Delete(folder, recursive: true);
    }

    Directory.CreateDirectory(folder);
    long bytes = 0;
    for (var page = 0; page < data.Pages; page++)
    {
        var records = data.Page(page).ToList();
        var name = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"synthetic-nvd-page-{page + 1:D4}.json"));
        bytes += NvdPageWriter.Write(name, records, page * SyntheticNvd.PageSize, data.Records);
    }

    return bytes;
}

// The real file import through OfflineSources; while that reader is not in this build it reads nothing, and the
// same records go from the generator straight into the update (said in the results).
static string Import(VulnerabilityDatabase database, string source, string folder, Func<IEnumerable<VulnerabilityRecord>> generated)
{
    using var update = database.BeginUpdate(source);
    var counts = OfflineSources.Read(folder, update);
    var path = "files through OfflineSources.Read";
    if (counts.Records == 0)
    {
        path = "generator straight into DatabaseUpdate (OfflineSources.Read not in this build)";
        foreach (var record in generated())
        {
            update.Add(record);
            counts.Records++;
        }
    }

    update.Commit(DateTimeOffset.UtcNow, counts);
    return path;
}

static List<MatchSubject> Components(SyntheticNvd data, int count, int seed)
{
    var random = new Random(seed + 1);
    var subjects = new List<MatchSubject>
    {
        new("pkg:generic/linux@5.10.150", "linux", "5.10.150", "cpe:2.3:o:linux:linux_kernel:5.10.150:*:*:*:*:*:*:*", null, ComponentType.OperatingSystem),
        Cpe("busybox", "busybox", "a", "1.35.0"),
        Cpe("openssl", "openssl", "a", "3.0.11"),
        Cpe("php", "php", "a", "8.1.2"),
    };
    var seen = new HashSet<string>(StringComparer.Ordinal) { "linux_kernel", "busybox", "openssl", "php" };
    while (subjects.Count < count)
    {
        var kind = random.Next(100);
        if (kind < 8)
        {
            var name = "unknownpkg" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture);
            subjects.Add(new MatchSubject(name, name, SyntheticNvd.Version(random), null, $"pkg:generic/{name}", ComponentType.Application));
            continue;
        }

        var (vendor, product, part) = data.Products[kind % 2 == 0 ? data.DrawTailProduct(random) : data.DrawAnyTailProduct(random)];
        if (!seen.Add(product))
        {
            continue;
        }

        subjects.Add(kind < 20
            ? new MatchSubject(product, product.Replace('_', '-'), SyntheticNvd.Version(random), null, null, ComponentType.Library)
            : Cpe(vendor, product, part, SyntheticNvd.Version(random)));
    }

    return subjects;

    static MatchSubject Cpe(string vendor, string product, string part, string version) =>
        new(product, product, version, $"cpe:2.3:{part}:{vendor}:{product}:{version}:*:*:*:*:*:*:*", null, ComponentType.Application);
}

static MatchRun Match(VulnerabilityDatabase database, IReadOnlyList<MatchSubject> subjects, MatchPlatform platform)
{
    var verdicts = new SortedDictionary<MatchVerdict, int>();
    long candidates = 0;
    var watch = Stopwatch.StartNew();
    // What a scan does per component (FirmwareGate.Core.Vulnerabilities.VulnerabilityScanner): candidates, the
    // matcher on each, and the KEV entry and EPSS score of each record that applies or may apply.
    foreach (var subject in subjects)
    {
        foreach (var match in VulnerabilityScanner.MatchOne(subject, platform, database))
        {
            candidates++;
            verdicts[match.Match.Verdict] = verdicts.GetValueOrDefault(match.Match.Verdict) + 1;
        }
    }

    return new MatchRun(watch.Elapsed.TotalMilliseconds, candidates, verdicts);
}

static List<int> ChangedIndices(int records, int changes, int seed)
{
    var random = new Random(seed + 2);
    var picked = new SortedSet<int>();
    while (picked.Count < Math.Min(changes, records))
    {
        picked.Add(random.Next(records));
    }

    return [.. picked];
}

/// <summary>Matching all components once.</summary>
internal sealed record MatchRun(double Milliseconds, long Candidates, SortedDictionary<MatchVerdict, int> Verdicts);

/// <summary>Command line: --work DIR --records N --components N --changes N --seed N --out FILE --commit SHA.</summary>
internal sealed record BenchOptions(string Work, int Records, int Components, int Changes, int Seed, string? Out, string Commit)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        int Number(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        return new BenchOptions(
            Path.GetFullPath(Value("--work", Path.Combine(Path.GetTempPath(), "fg-vulndb-bench"))),
            Number("--records", 300_000),
            Number("--components", 500),
            Number("--changes", 1_000),
            Number("--seed", 20261126),
            Array.IndexOf(args, "--out") >= 0 ? Value("--out", string.Empty) : null,
            Value("--commit", "unknown"));
    }
}

/// <summary>The figures and their markdown.</summary>
internal sealed class BenchReport(BenchOptions options)
{
    public long JsonBytes { get; set; }

    public double GenerateSeconds { get; set; }

    public string ImportPath { get; set; } = string.Empty;

    public double ImportSeconds { get; set; }

    public long DatabaseBytes { get; set; }

    public DatabaseStatus Status { get; set; } = null!;

    public MatchRun Cold { get; set; } = null!;

    public MatchRun Warm { get; set; } = null!;

    public double IncrementalSeconds { get; set; }

    public DatabaseStatus AfterIncremental { get; set; } = null!;

    public long PeakWorkingSet { get; set; }

    public string Markdown()
    {
        var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
        var verdicts = string.Join(", ", Cold.Verdicts.Select(v => $"{v.Key} {v.Value}"));
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"""
            # Vulnerability database scale benchmark (SYNTHETIC NVD-scale data set)

            `bench/vulndb-bench.sh`: Release build, native AOT, commit {options.Commit}, {Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), .NET {Environment.Version}.
            The data set is SYNTHETIC (generated by `bench/VulnDbBench`, seed {options.Seed}; not real CVEs): {options.Records:N0} records
            in the NVD CVE API 2.0 page shape ({Math.Ceiling(options.Records / (double)SyntheticNvd.PageSize):N0} files of {SyntheticNvd.PageSize}, {JsonBytes / 1048576.0:N0} MiB of JSON),
            a few products with thousands of records (linux_kernel 9,000, android 5,000, chrome 3,500...) and a long Zipf tail
            of 40,000 products (weight 1 / (rank + 100)^1.1); ranges with inclusive and exclusive bounds, exact versions, AND nodes with platform entries;
            8% of records without configurations ("Awaiting Analysis").

            | step | figure | target |
            |---|---|---|
            | generate the JSON pages | {GenerateSeconds:F1} s | |
            | full import ({ImportPath}) | {ImportSeconds:F1} s | < 180 s on 2 cores |
            | records / CPE match entries | {Status.Records:N0} / {Status.CpeEntries:N0} ({Status.CpeEntries / (double)Math.Max(1, Status.Records):F2} per record) | 300,000 / ~1.5 million |
            | database size | {DatabaseBytes / 1048576.0:N0} MiB | |
            | match {options.Components} components as a scan does (VulnerabilityScanner.MatchOne: candidates, the matcher, KEV and EPSS), fresh read-only instance | {Cold.Milliseconds:F0} ms | < 200 ms |
            | the same again on that instance (decoded records cached) | {Warm.Milliseconds:F0} ms | |
            | records reported (affected, undecidable, unconfirmed) | {Cold.Candidates:N0} ({verdicts}) | |
            | incremental update of {options.Changes:N0} changed records (open, import, commit, close) | {IncrementalSeconds:F2} s | < 5 s |
            | records after the incremental update | {AfterIncremental.Records:N0} (no duplicates: {(AfterIncremental.Records == options.Records ? "yes" : "NO")}) | |
            | peak working set | {PeakWorkingSet / 1048576.0:N0} MiB | |

            The components: linux_kernel 5.10.150 (the platform), busybox, openssl and php, then tail products, half drawn
            with the data set's weights and half uniformly (12% named without a CPE, found by product name and description words) and 8% packages
            the database does not know. The OS page cache is warm (the import just wrote the file).

            """);
        return b.ToString();
    }
}
