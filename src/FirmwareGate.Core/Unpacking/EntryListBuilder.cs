using FirmwareGate.Core.Formats;

namespace FirmwareGate.Core.Unpacking;

/// <summary>
/// Collects archive entries: normalises names, refuses escaping paths and hard links,
/// counts entries against the budget and resolves hard-link groups to their smallest path.
/// </summary>
internal sealed class EntryListBuilder(string format, ReadContext context)
{
    private readonly Dictionary<string, FsEntry> _byPath = new(StringComparer.Ordinal);
    private readonly List<string> _rejected = [];
    private readonly Dictionary<string, List<string>> _linkGroups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hardLinkGroupOf = new(StringComparer.Ordinal);

    /// <summary>Problems found while collecting.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Names stored as absolute paths; they are extracted below the root and reported.</summary>
    public List<string> AbsoluteNames { get; } = [];

    /// <summary>True for archive formats written on Windows too (zip, 7z), where '\' separates folders.</summary>
    public bool BackslashIsSeparator { get; init; }

    /// <summary>
    /// Normalises a raw name; records and returns null when it escapes the root or its normalised
    /// path is longer than <see cref="ReadLimits.MaxPathBytes"/>.
    /// </summary>
    public string? NormalizeOrReject(string raw, long offset)
    {
        context.Budget.AddFile(format, offset);
        var path = EntryPath.Normalize(raw, out bool absolute, BackslashIsSeparator);
        if (path is null)
        {
            _rejected.Add(raw);
            return null;
        }

        int max = context.Limits.MaxPathBytes;
        if (path.Length > max / 3 && PathBytes(path) > max)
        {
            string shown = Shorten(raw);
            _rejected.Add(shown);
            Warnings.Add($"{format} at 0x{offset:x}: entry '{EntryName.Display(shown)}' has a path of {PathBytes(path)} bytes, more than {max} (MaxPathBytes); not extracted");
            return null;
        }

        if (absolute)
        {
            AbsoluteNames.Add(raw);
        }

        return path;
    }

    // Bytes of the name on disk: escaped bytes are one byte each, not the three of a lone surrogate.
    private static int PathBytes(string path) => EntryName.HasEscapedBytes(path) ? EntryName.ToBytes(path).Length : System.Text.Encoding.UTF8.GetByteCount(path);

    // Over-long names are reported by their start: a 1 MiB name makes a 1 MiB warning otherwise.
    private static string Shorten(string raw) => raw.Length <= 256 ? raw : raw[..256] + "...";

    /// <summary>Adds an entry; a later entry with the same path replaces the earlier one, as extraction would.</summary>
    public void Add(FsEntry entry)
    {
        if (entry.Path == "/")
        {
            return;
        }

        _byPath[entry.Path] = entry;

        // A name stored again is a new inode: it leaves the tar link group it was in.
        _hardLinkGroupOf.Remove(entry.Path);
    }

    /// <summary>Records that <paramref name="path"/> names the same inode as the others sharing <paramref name="groupKey"/>.</summary>
    public void AddToLinkGroup(string groupKey, string path)
    {
        if (!_linkGroups.TryGetValue(groupKey, out var list))
        {
            _linkGroups[groupKey] = list = [];
        }

        list.Add(path);
    }

    /// <summary>
    /// Adds a hard link entry (tar '1') that refers to an earlier path. A link to an earlier file joins
    /// that file's group (a link to a link joins the first one's group); a link to an earlier symlink
    /// becomes a second symlink with the same target, as GNU tar restores it. Links to directories,
    /// devices or names not seen earlier are reported and not materialised.
    /// </summary>
    public void AddHardLink(string path, string rawTarget, FsEntry template, long offset)
    {
        var target = EntryPath.Normalize(rawTarget, out _, BackslashIsSeparator);
        if (target is null)
        {
            _rejected.Add(path + " -> " + rawTarget);
            return;
        }

        if (!_byPath.TryGetValue(target, out var existing) || existing.Type is not (EntryType.File or EntryType.Symlink))
        {
            string what = existing is null ? "not an earlier entry" : $"a {EntryTypeNames.Of(existing.Type)}, not a file or symlink";
            Warnings.Add($"{format} at 0x{offset:x}: hard link '{EntryName.Display(path)}' points at '{EntryName.Display(rawTarget)}', which is {what}; not extracted");
            return;
        }

        if (existing.Type == EntryType.Symlink)
        {
            Add(new FsEntry
            {
                Path = path,
                Type = EntryType.Symlink,
                Mode = existing.Mode,
                Uid = existing.Uid,
                Gid = existing.Gid,
                MTime = existing.MTime,
                LinkTarget = existing.LinkTarget,
            });
            return;
        }

        Add(new FsEntry
        {
            Path = path,
            Type = EntryType.File,
            Mode = existing.Mode,
            Uid = template.Uid,
            Gid = template.Gid,
            Size = existing.Size,
            MTime = template.MTime,
            Content = existing.Content,
        });

        // One group per inode: a link to a path that is itself a link joins that path's group.
        if (!_hardLinkGroupOf.TryGetValue(target, out var key))
        {
            key = $"tarlink:{_linkGroups.Count}:{target}"; // A new key each time: the name may have been an older inode's.
            _hardLinkGroupOf[target] = key;
            AddToLinkGroup(key, target);
        }

        _hardLinkGroupOf[path] = key;
        AddToLinkGroup(key, path);
    }

    /// <summary>Builds the sorted tree.</summary>
    public FileSystemTree Build()
    {
        foreach (var (key, group) in _linkGroups)
        {
            bool tar = key.StartsWith("tarlink:", StringComparison.Ordinal);
            var paths = group.Distinct(StringComparer.Ordinal)
                .Where(p => _byPath.TryGetValue(p, out var e) && e.Type == EntryType.File && (!tar || _hardLinkGroupOf.GetValueOrDefault(p) == key)).OrderBy(p => p, StringComparer.Ordinal).ToList();
            var withData = paths.Select(p => _byPath[p]).FirstOrDefault(e => e.Size > 0);
            if (withData is not null)
            {
                foreach (var p in paths.Where(p => _byPath[p].Size == 0))
                {
                    var e = _byPath[p];
                    _byPath[p] = new FsEntry { Path = e.Path, Type = e.Type, Mode = e.Mode, Uid = e.Uid, Gid = e.Gid, MTime = e.MTime, Size = withData.Size, Content = withData.Content };
                }
            }

            for (int i = 1; i < paths.Count; i++)
            {
                _byPath[paths[i]].HardLinkTo = paths[0];
            }
        }

        return new FileSystemTree(_byPath.Values, _rejected, AbsoluteNames);
    }
}
