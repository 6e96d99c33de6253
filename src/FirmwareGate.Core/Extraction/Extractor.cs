using System.Globalization;
using System.Text;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Extraction;

/// <summary>
/// Writes the unpack tree to disk: one folder per layer named "0xOFFSET-format" (or "NAME-format"
/// for named members), filesystem trees in "root/", their manifest in "entries.tsv", layers found
/// inside archive members in "members/", and raw bytes of leaf regions in "data.bin".
/// Device nodes, fifos and sockets are listed in entries.tsv, never created.
/// </summary>
public sealed class Extractor(ExtractionRoot root, CancellationToken ct, IProgress<string>? progress = null)
{
    private const int ProgressEvery = 500;
    private readonly ExtractionSummary _summary = new() { Root = root.Root };

    /// <summary>Extracts all layers.</summary>
    public ExtractionSummary Extract(IReadOnlyList<Layer> layers)
    {
        foreach (var layer in layers)
        {
            ExtractLayer(layer, "", parentHasTree: false);
        }

        return _summary;
    }

    /// <summary>Folder name of a layer below its parent's folder.</summary>
    public static string FolderName(Layer layer, bool parentHasTree)
    {
        if (layer.Offset is { } offset && layer.Name is null)
        {
            return $"0x{offset.ToString("x", CultureInfo.InvariantCulture)}-{layer.Format}";
        }

        string name = string.Join('/', (layer.Name ?? "member").Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p is not ("." or "..")));
        return (parentHasTree ? "members/" : "") + name + "-" + layer.Format;
    }

    private void ExtractLayer(Layer layer, string parentFolder, bool parentHasTree)
    {
        if (layer.Format == LayerFormats.Padding)
        {
            return;
        }

        ct.ThrowIfCancellationRequested();
        string folder = (parentFolder.Length == 0 ? "" : parentFolder + "/") + FolderName(layer, parentHasTree);
        try
        {
            root.CreateDirectory(folder);
            if (layer.FileSystem is { } fs)
            {
                ExtractTree(fs, folder);
            }
            else if (layer.Children.Count == 0 && layer.Source is { } source)
            {
                root.WriteFile(folder + "/data.bin", source, 0x1A4, ct);
                _summary.Bytes += source.Length;
                _summary.Files++;
            }
        }
        catch (PathEscapeException e)
        {
            _summary.Warnings.Add($"{layer.Location}: {e.Message}");
            return;
        }
        catch (FirmwareFormatException e)
        {
            _summary.Warnings.Add($"{layer.Location}: {e.Message}");
        }

        foreach (var child in layer.Children)
        {
            ExtractLayer(child, folder, layer.FileSystem is not null);
        }
    }

    private void ExtractTree(FileSystemTree fs, string folder)
    {
        string treeRoot = folder + "/root";
        root.CreateDirectory(treeRoot);
        WriteManifest(fs, folder + "/entries.tsv");
        var dirs = fs.Entries.Where(e => e.Type == EntryType.Dir).ToList();
        foreach (var dir in dirs)
        {
            Guard(dir.Path, () => root.CreateDirectory(treeRoot + dir.Path));
        }

        var files = fs.Entries.Where(e => e.Type == EntryType.File && e.HardLinkTo is null).ToList();
        long bytes = 0;
        int count = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, file =>
        {
            Guard(file.Path, () =>
            {
                var content = file.Content ?? new Sources.MemoryByteSource(ReadOnlyMemory<byte>.Empty);
                root.WriteFile(treeRoot + file.Path, content, file.Mode, ct);
                Interlocked.Add(ref bytes, content.Length);
                if (Interlocked.Increment(ref count) % ProgressEvery == 0)
                {
                    progress?.Report($"extracting {folder}: {count}/{files.Count} files");
                }
            });
        });
        _summary.Bytes += bytes;
        _summary.Files += count;

        foreach (var link in fs.Entries.Where(e => e.HardLinkTo is not null && e.Type == EntryType.File))
        {
            Guard(link.Path, () => root.LinkOrCopy(treeRoot + link.Path, treeRoot + link.HardLinkTo));
        }

        // Symlinks last: no later write can pass through one.
        foreach (var link in fs.Entries.Where(e => e.Type == EntryType.Symlink))
        {
            Guard(link.Path, () => root.CreateSymlink(treeRoot, link.Path, link.LinkTarget ?? ""));
        }

        foreach (var dir in Enumerable.Reverse(dirs))
        {
            Guard(dir.Path, () => ExtractionRoot.SetMode(root.Resolve(treeRoot + dir.Path), dir.Mode, directory: true));
        }
    }

    private void Guard(string path, Action action)
    {
        try
        {
            action();
        }
        catch (PathEscapeException e)
        {
            lock (_summary)
            {
                _summary.Warnings.Add(e.Message);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lock (_summary)
            {
                _summary.Warnings.Add($"{path}: {e.Message}");
            }
        }
    }

    private void WriteManifest(FileSystemTree fs, string relative)
    {
        var sb = new StringBuilder("path\ttype\tmode\tuid\tgid\tsize\ttarget\tmajor\tminor\thardlink_of\txattrs\n");
        foreach (var e in fs.Entries)
        {
            bool dev = e.Type is EntryType.CharDev or EntryType.BlockDev;
            sb.Append(CultureInfo.InvariantCulture, $"{Escape(e.Path)}\t{EntryTypeNames.Of(e.Type)}\t{Convert.ToString(e.Mode, 8).PadLeft(4, '0')}\t{e.Uid}\t{e.Gid}\t{e.Size}\t{Escape(e.LinkTarget ?? "")}\t{(dev ? e.Major : "")}\t{(dev ? e.Minor : "")}\t{Escape(e.HardLinkTo ?? "")}\t{string.Join(',', e.XattrNames ?? [])}\n");
        }

        File.WriteAllText(root.Resolve(relative), sb.ToString());
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
