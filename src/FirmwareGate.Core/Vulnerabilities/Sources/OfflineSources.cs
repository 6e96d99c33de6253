using System.Text.Json;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>
/// Reads offline vulnerability files into a sink: NVD 2.0 JSON (one CVE per file, API response pages, NVD feed
/// files, gzip too), CVE JSON 5 records, OSV records, the CISA KEV catalogue and EPSS CSV. A file or a folder
/// (recursively, in ordinal path order); the format of each file is detected from its content.
/// </summary>
public static class OfflineSources
{
    /// <summary>Names that are never data (documentation, checksums, scripts, NVD <c>.meta</c> files): skipped without a word.</summary>
    private static readonly string[] IgnoredExtensions =
        [".md", ".txt", ".tsv", ".html", ".htm", ".xml", ".meta", ".sha256", ".sha1", ".sha512", ".asc", ".sig", ".py", ".sh", ".yml", ".yaml", ".toml", ".lock", ".ini", ".cfg"];

    private static readonly string[] IgnoredNames = ["README", "LICENSE", "LICENCE", "COPYING", "NOTICE", "CHANGELOG", "AUTHORS", "Makefile", "Dockerfile"];

    /// <summary>Reads <paramref name="path"/> into <paramref name="sink"/>; malformed records are skipped and counted. Throws <see cref="VulnerabilitySourceException"/> when nothing readable is there.</summary>
    public static ImportCounts Read(string path, IRecordSink sink, CancellationToken cancellationToken = default) =>
        Read(path, sink, SourceLimits.Default, cancellationToken);

    /// <summary>
    /// Reads content already in memory (a download: the KEV catalogue, an EPSS file, an NVD page), gzip or not,
    /// format detected. Throws <see cref="VulnerabilitySourceException"/> naming <paramref name="name"/> when it is no
    /// known format or cannot be read at all.
    /// </summary>
    public static SourceFormat ReadContent(ReadOnlyMemory<byte> data, string name, IRecordSink sink, ImportCounts counts)
    {
        if (SourceBytes.IsGzip(data.Span))
        {
            using var plain = SourceBytes.Gunzip(data, name, SourceLimits.Default.MaxDecompressedBytes);
            return ReadPlain(plain.Memory, name, sink, counts);
        }

        return ReadPlain(data, name, sink, counts);
    }

    /// <summary>As <see cref="Read(string, IRecordSink, CancellationToken)"/>, with explicit limits.</summary>
    internal static ImportCounts Read(string path, IRecordSink sink, SourceLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(sink);
        if (File.Exists(path))
        {
            var counts = new ImportCounts();
            var format = ReadFile(path, path, sink, counts, limits);
            return format == SourceFormat.JsonSchema
                ? throw new VulnerabilitySourceException($"{path}: a JSON Schema, not vulnerability data")
                : counts;
        }

        if (Directory.Exists(path))
        {
            return ReadFolder(path, sink, limits, cancellationToken);
        }

        throw new VulnerabilitySourceException($"{path}: no such file or folder");
    }

    private static ImportCounts ReadFolder(string folder, IRecordSink sink, SourceLimits limits, CancellationToken cancellationToken)
    {
        var files = DataFiles(folder, limits);
        var counts = new ImportCounts();
        var readable = 0;
        var firstProblem = (string?)null;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetRelativePath(folder, file);
            try
            {
                if (ReadFile(file, name, sink, counts, limits) != SourceFormat.JsonSchema)
                {
                    readable++;
                }
            }
            catch (VulnerabilitySourceException ex)
            {
                // One unreadable file does not stop the others; it is counted like a malformed record.
                var why = ex.Message.StartsWith(name + ": ", StringComparison.Ordinal) ? ex.Message[(name.Length + 2)..] : ex.Message;
                counts.Skip(name, why);
                firstProblem ??= ex.Message;
            }
        }

        if (readable == 0)
        {
            throw new VulnerabilitySourceException(files.Count == 0
                ? $"{folder}: no vulnerability data files in this folder"
                : $"{folder}: none of its {files.Count} files is vulnerability data ({firstProblem ?? "JSON Schemas only"})");
        }

        return counts;
    }

    /// <summary>Files under <paramref name="folder"/> that may be data, in ordinal path order; hidden entries and links are not followed.</summary>
    private static List<string> DataFiles(string folder, SourceLimits limits)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            MaxRecursionDepth = 32,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
        };
        var files = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", options))
        {
            if (IsIgnored(Path.GetFileName(file)))
            {
                continue;
            }

            if (files.Count >= limits.MaxFiles)
            {
                throw new VulnerabilitySourceException($"{folder}: more than {limits.MaxFiles} files");
            }

            files.Add(file);
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static bool IsIgnored(string fileName)
    {
        var stem = fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? fileName[..^3] : fileName;
        var extension = Path.GetExtension(stem);
        if (extension.Length > 0 && IgnoredExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        var bare = Path.GetFileNameWithoutExtension(stem);
        return IgnoredNames.Contains(bare, StringComparer.OrdinalIgnoreCase);
    }

    private static SourceFormat ReadFile(string path, string name, IRecordSink sink, ImportCounts counts, SourceLimits limits)
    {
        using var bytes = SourceBytes.Load(path, limits);
        return ReadPlain(bytes.Memory, name, sink, counts);
    }

    private static SourceFormat ReadPlain(ReadOnlyMemory<byte> data, string name, IRecordSink sink, ImportCounts counts)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(counts);
        var format = SourceFormatDetector.Detect(data.Span);
        switch (format)
        {
            case SourceFormat.NvdPage:
                NvdJsonReader.ReadPage(data.Span, name, sink, counts);
                break;
            case SourceFormat.NvdCve:
                ReadNvdCve(data, name, sink, counts);
                break;
            case SourceFormat.Cve5:
                Cve5Reader.Read(data, name, sink, counts);
                break;
            case SourceFormat.Osv:
            case SourceFormat.OsvArray:
                OsvReader.Read(data, name, sink, counts);
                break;
            case SourceFormat.Kev:
                KevReader.Read(data, name, sink, counts);
                break;
            case SourceFormat.Epss:
                EpssReader.Read(data.Span, name, sink, counts);
                break;
            case SourceFormat.JsonSchema:
                break;
            default:
                throw new VulnerabilitySourceException($"{name}: {WhyUnknown(data.Span)}");
        }

        return format;
    }

    private static void ReadNvdCve(ReadOnlyMemory<byte> data, string name, IRecordSink sink, ImportCounts counts)
    {
        try
        {
            using var doc = JsonDocument.Parse(data, JsonValues.DocumentOptions);
            NvdJsonReader.ReadCve(doc.RootElement, name, sink, counts);
        }
        catch (JsonException ex)
        {
            throw new VulnerabilitySourceException($"{name}: {JsonValues.Describe(ex)}");
        }
    }

    /// <summary>Why content is no known format: broken JSON (where), foreign JSON, or not JSON or EPSS CSV at all.</summary>
    private static string WhyUnknown(ReadOnlySpan<byte> data)
    {
        var text = JsonValues.WithoutBom(data);
        var start = text.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0)
        {
            return "empty";
        }

        if (text[start] is not ((byte)'{' or (byte)'['))
        {
            return $"not a known vulnerability format ({SourceFormatDetector.DescribeStart(text)})";
        }

        try
        {
            var reader = new Utf8JsonReader(text, JsonValues.ReaderOptions);
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            return JsonValues.Describe(ex);
        }

        return "JSON, but not NVD, CVE JSON 5, OSV or KEV (no identifying keys)";
    }
}
