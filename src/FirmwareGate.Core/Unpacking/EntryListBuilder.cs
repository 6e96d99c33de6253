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

    /// <summary>Problems found while collecting.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Names stored as absolute paths; they are extracted below the root and reported.</summary>
    public List<string> AbsoluteNames { get; } = [];

    /// <summary>Normalises a raw name; records and returns null when it escapes the root.</summary>
    public string? NormalizeOrReject(string raw, long offset)
    {
        var path = EntryPath.Normalize(raw, out bool absolute);
        if (path is null)
        {
            _rejected.Add(raw);
        }
        else if (absolute)
        {
            AbsoluteNames.Add(raw);
        }

        context.Budget.AddFile(format, offset);
        return path;
    }

    /// <summary>Adds an entry; a later entry with the same path replaces the earlier one, as extraction would.</summary>
    public void Add(FsEntry entry)
    {
        if (entry.Path == "/")
        {
            return;
        }

        _byPath[entry.Path] = entry;
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

    /// <summary>Adds a hard link entry (tar '1', zip none) that refers to an earlier path.</summary>
    public void AddHardLink(string path, string rawTarget, FsEntry template, long offset)
    {
        var target = EntryPath.Normalize(rawTarget, out _);
        if (target is null)
        {
            _rejected.Add(path + " -> " + rawTarget);
            return;
        }

        if (!_byPath.TryGetValue(target, out var existing) || existing.Type != EntryType.File)
        {
            Warnings.Add($"{format} at 0x{offset:x}: hard link '{path}' points at '{rawTarget}', which is not an earlier file; skipped");
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
        AddToLinkGroup("tarlink:" + target, target);
        AddToLinkGroup("tarlink:" + target, path);
    }

    /// <summary>Builds the sorted tree.</summary>
    public FileSystemTree Build()
    {
        foreach (var group in _linkGroups.Values)
        {
            var paths = group.Distinct(StringComparer.Ordinal).Where(_byPath.ContainsKey).OrderBy(p => p, StringComparer.Ordinal).ToList();
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
