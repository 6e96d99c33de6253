using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Extraction;

/// <summary>
/// Writes the unpack tree to disk: one folder per layer named "0xOFFSET-format" (or "NAME-format"
/// for named members), filesystem trees in "root/", their manifest in "entries.tsv", layers found
/// inside archive members in "members/", and raw bytes of leaf regions in "data.bin".
/// Device nodes, fifos and sockets are listed in entries.tsv, never created. Every byte written is
/// charged to --max-total-bytes (holes too, as what they produce); a tree that writes more than
/// --max-ratio times its layer's size in data stops. Problems become warnings on their layer.
/// </summary>
public sealed class Extractor(ExtractionRoot root, ScanBudget budget, CancellationToken ct, IProgress<string>? progress = null)
{
    private const int ProgressEvery = 500;
    private const int MaxFolderNameBytes = 200;
    private const int MaxWarningsPerLayer = 200;

    // What a folder or a symlink costs on disk (one filesystem block), charged to --max-total-bytes
    // so that a tree of a million empty folders is bounded like a tree of files.
    private const int EntryOverheadBytes = 4096;
    private readonly ExtractionSummary _summary = new() { Root = root.Root };
    private readonly Dictionary<Layer, int> _warningCounts = new(ReferenceEqualityComparer.Instance);
    private long _extracted;
    private long _skipped;
    private Layer? _stoppedAt;

    /// <summary>Extracts all layers.</summary>
    public ExtractionSummary Extract(IReadOnlyList<Layer> layers)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            ExtractLayer(layer, "", names, parentHasTree: false);
        }

        if (_stoppedAt is { } stopped && _skipped > 0)
        {
            Warn(stopped, $"{_skipped} more files not written: extraction stopped at the --max-total-bytes limit");
        }

        return _summary;
    }

    /// <summary>
    /// Folder name of a layer among its siblings. A member name becomes one folder name, never a
    /// path: '%' and '/' are percent-escaped, so no layer folder can land inside another layer's
    /// tree; long names are cut and keep a hash of the whole name; a taken name gets "~2", "~3".
    /// </summary>
    public static string FolderName(Layer layer, ISet<string> siblings)
    {
        string stem = layer.Offset is { } offset && layer.Name is null
            ? "0x" + offset.ToString("x", CultureInfo.InvariantCulture)
            : EscapeName(layer.Name ?? "member");
        string suffix = "-" + EscapeName(layer.Format);
        string name = stem + suffix;
        for (int n = 2; !siblings.Add(name); n++)
        {
            name = stem + "~" + n.ToString(CultureInfo.InvariantCulture) + suffix;
        }

        return name;
    }

    private static string EscapeName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            _ = c switch
            {
                '%' => sb.Append("%25"),
                '/' => sb.Append("%2F"),
                '\0' => sb.Append("%00"),
                _ => sb.Append(c),
            };
        }

        string escaped = sb.ToString();
        if (escaped is "." or "..")
        {
            return escaped.Replace(".", "%2E", StringComparison.Ordinal);
        }

        if (EntryName.ToBytes(escaped).Length <= MaxFolderNameBytes)
        {
            return escaped;
        }

        // Cut at a character boundary, then add a hash of the whole name so cut names stay distinct.
        string hash = Convert.ToHexStringLower(SHA256.HashData(EntryName.ToBytes(name)))[..12];
        int keep = Math.Min(escaped.Length, MaxFolderNameBytes / 4);
        if (char.IsHighSurrogate(escaped[keep - 1]))
        {
            keep--;
        }

        return escaped[..keep] + "~" + hash;
    }

    private void ExtractLayer(Layer layer, string parentFolder, HashSet<string> siblings, bool parentHasTree)
    {
        if (layer.Format == LayerFormats.Padding)
        {
            return;
        }

        ct.ThrowIfCancellationRequested();
        string folder = (parentFolder.Length == 0 ? "" : parentFolder + "/") + (parentHasTree ? "members/" : "") + FolderName(layer, siblings);
        try
        {
            root.CreateFreshDirectory(folder);
        }
        catch (Exception e) when (e is IOException or PathEscapeException or UnauthorizedAccessException)
        {
            Warn(layer, $"not extracted: {e.Message}");
            return;
        }

        try
        {
            if (layer.FileSystem is { } fs)
            {
                ExtractTree(layer, fs, folder);
            }
            else if (layer.Children.Count == 0 && layer.Source is { } source && Reserve(layer, source.Length))
            {
                root.WriteFile(folder + "/data.bin", source, 0x1A4, ct);
                lock (_summary)
                {
                    _summary.Bytes += source.Length;
                    _summary.Files++;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Warn(layer, $"extraction: {e.Message}");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in layer.Children)
        {
            ExtractLayer(child, folder, names, layer.FileSystem is not null);
        }
    }

    private void ExtractTree(Layer layer, FileSystemTree fs, string folder)
    {
        string treeRoot = folder + "/root";
        root.CreateFreshDirectory(treeRoot);
        string manifest = Manifest(fs);
        if (!Reserve(layer, manifest.Length))
        {
            return;
        }

        root.WriteText(folder + "/entries.tsv", manifest);
        var byPath = new Dictionary<string, FsEntry>(StringComparer.Ordinal);
        foreach (var e in fs.Entries)
        {
            byPath[e.Path] = e;
        }

        var dirs = fs.Entries.Where(e => e.Type == EntryType.Dir).ToList();
        foreach (var dir in dirs)
        {
            if (Reserve(layer, EntryOverheadBytes))
            {
                Guard(layer, dir.Path, () => root.CreateDirectory(treeRoot + dir.Path));
            }
        }

        // A name that is both an entry and the folder of other entries is a folder on disk: the
        // entry is not written, and symlinks are checked against the folder.
        var folders = NamesWithEntriesBelow(fs.Entries);
        foreach (var path in folders)
        {
            Warn(layer, $"{EntryName.Display(path)}: a {EntryTypeNames.Of(byPath[path].Type)} that other entries are stored below; extracted as a folder");
        }

        var files = fs.Entries.Where(e => e.Type == EntryType.File && e.HardLinkTo is null && !folders.Contains(e.Path)).ToList();
        long bytes = 0, data = 0;
        int count = 0;
        int ratioHit = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, file =>
        {
            var content = file.Content ?? new MemoryByteSource(ReadOnlyMemory<byte>.Empty);
            if (Volatile.Read(ref ratioHit) != 0 || !Reserve(layer, content.Length))
            {
                return;
            }

            Guard(layer, file.Path, () =>
            {
                long written = root.WriteFile(treeRoot + file.Path, content, file.Mode, ct);
                Interlocked.Add(ref bytes, content.Length);
                if (Interlocked.Add(ref data, written) is long total && total > budget.Limits.RatioFloorBytes && total > budget.Limits.MaxRatio * Math.Max(layer.Size, 1)
                    && Interlocked.Exchange(ref ratioHit, 1) == 0)
                {
                    budget.Hit(new LimitExceededException(layer.Format, layer.Offset ?? 0, "ratio", "ratio"));
                    Warn(layer, $"wrote {total} bytes of file data from a {layer.Size}-byte layer: ratio above {budget.Limits.MaxRatio} (--max-ratio); looks like a bomb, extraction of this tree stopped");
                }

                if (Interlocked.Increment(ref count) % ProgressEvery == 0)
                {
                    progress?.Report($"extracting {folder}: {count}/{files.Count} files");
                }
            });
        });

        foreach (var link in fs.Entries.Where(e => e.HardLinkTo is not null && e.Type == EntryType.File && !folders.Contains(e.Path)))
        {
            if (!byPath.TryGetValue(link.HardLinkTo!, out var target) || target.Type != EntryType.File || target.HardLinkTo is not null)
            {
                // HardLinkTo is set: the loop filters on it.
                Warn(layer, $"hard link {EntryName.Display(link.Path)} -> {EntryName.Display(link.HardLinkTo!)}: not a regular file of this tree; recorded, not created");
                continue;
            }

            Guard(layer, link.Path, () =>
            {
                long copied = root.HardLink(treeRoot + link.Path, treeRoot + target.Path, ct);
                Interlocked.Add(ref _extracted, copied);
            });
        }

        // Symlinks last: no later write can pass through one (and none would: writes refuse symlinks).
        TreeLinkResolver? resolver = null;
        foreach (var link in fs.Entries.Where(e => e.Type == EntryType.Symlink && !folders.Contains(e.Path)))
        {
            string onDisk = OnDiskTarget(link.Path, link.LinkTarget ?? "");
            resolver ??= new TreeLinkResolver(fs.Entries);
            if (!resolver.StaysInside(link.Path, onDisk, out string reason))
            {
                Warn(layer, $"symlink {EntryName.Display(link.Path)} -> {EntryName.Display(link.LinkTarget ?? "")} escapes the root ({reason}); not created");
                continue;
            }

            if (Reserve(layer, EntryOverheadBytes))
            {
                Guard(layer, link.Path, () => root.Symlink(treeRoot + link.Path, onDisk));
            }
        }

        foreach (var dir in Enumerable.Reverse(dirs))
        {
            Guard(layer, dir.Path, () => root.SetDirectoryMode(treeRoot + dir.Path, dir.Mode));
        }

        lock (_summary)
        {
            _summary.Bytes += bytes;
            _summary.Files += count;
        }
    }

    /// <summary>Entries that are not folders but have entries below them; <paramref name="sorted"/> is in ordinal order.</summary>
    private static HashSet<string> NamesWithEntriesBelow(IReadOnlyList<FsEntry> sorted)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in sorted)
        {
            if (e.Type == EntryType.Dir)
            {
                continue;
            }

            // Names below e.Path start with e.Path + "/" and sort right after the first of them.
            string prefix = e.Path + "/";
            int lo = 0, hi = sorted.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (string.CompareOrdinal(sorted[mid].Path, prefix) < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            if (lo < sorted.Count && sorted[lo].Path.StartsWith(prefix, StringComparison.Ordinal))
            {
                result.Add(e.Path);
            }
        }

        return result;
    }

    /// <summary>
    /// The target written on disk: an absolute target is rebased onto the tree root ("/etc/passwd"
    /// from /data/link becomes "../etc/passwd"); ".." right after "/" stays at the root, as the
    /// kernel keeps it there. Relative targets are written verbatim.
    /// </summary>
    private static string OnDiskTarget(string linkPath, string target)
    {
        if (!target.StartsWith('/'))
        {
            return target;
        }

        var parts = target.Split('/', StringSplitOptions.RemoveEmptyEntries).SkipWhile(p => p is "." or "..");
        int depth = linkPath.Count(c => c == '/') - 1;
        string rebased = string.Join('/', Enumerable.Repeat("..", depth).Concat(parts));
        return rebased.Length == 0 ? "." : rebased;
    }

    /// <summary>Charges bytes to --max-total-bytes; false (and extraction stops) once it is exceeded.</summary>
    private bool Reserve(Layer layer, long bytes)
    {
        if (Volatile.Read(ref _stoppedAt) is not null)
        {
            Interlocked.Increment(ref _skipped);
            return false;
        }

        if (Interlocked.Add(ref _extracted, bytes) <= budget.Limits.MaxTotalBytes)
        {
            return true;
        }

        if (Interlocked.CompareExchange(ref _stoppedAt, layer, null) is null)
        {
            budget.Hit(new LimitExceededException(layer.Format, layer.Offset ?? 0, "totalBytes", "totalBytes"));
            Warn(layer, $"extracted output exceeds {budget.Limits.MaxTotalBytes} bytes (--max-total-bytes); extraction stopped");
        }
        else
        {
            Interlocked.Increment(ref _skipped);
        }

        return false;
    }

    private void Guard(Layer layer, string path, Action action)
    {
        try
        {
            action();
        }
        catch (PathEscapeException)
        {
            Warn(layer, $"'{EntryName.Display(path)}' would be written outside the output folder or through a symlink; refused");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FirmwareFormatException)
        {
            Warn(layer, $"{EntryName.Display(path)}: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A reader bug surfacing while content is read must not end the extraction.
            Warn(layer, $"{EntryName.Display(path)}: internal error while extracting ({e.GetType().Name}: {e.Message}); not written");
        }
    }

    private void Warn(Layer layer, string message)
    {
        lock (_warningCounts)
        {
            int n = _warningCounts.GetValueOrDefault(layer) + 1;
            _warningCounts[layer] = n;
            if (n < MaxWarningsPerLayer)
            {
                layer.Warnings.Add(message);
            }
            else if (n == MaxWarningsPerLayer)
            {
                layer.Warnings.Add("more extraction warnings on this layer not listed");
            }
        }
    }

    private static string Manifest(FileSystemTree fs)
    {
        var sb = new StringBuilder("path\ttype\tmode\tuid\tgid\tsize\ttarget\tmajor\tminor\thardlink_of\txattrs\n");
        foreach (var e in fs.Entries)
        {
            bool dev = e.Type is EntryType.CharDev or EntryType.BlockDev;
            sb.Append(CultureInfo.InvariantCulture, $"{Escape(e.Path)}\t{EntryTypeNames.Of(e.Type)}\t{Convert.ToString(e.Mode, 8).PadLeft(4, '0')}\t{e.Uid}\t{e.Gid}\t{e.Size}\t{Escape(e.LinkTarget ?? "")}\t{(dev ? e.Major : "")}\t{(dev ? e.Minor : "")}\t{Escape(e.HardLinkTo ?? "")}\t{Escape(string.Join(',', e.XattrNames ?? []))}\n");
        }

        return sb.ToString();
    }

    // Backslash first, then control characters, then bytes that are not UTF-8 as \xNN.
    private static string Escape(string s) => EntryName.Display(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal));
}
