using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Extraction;

/// <summary>
/// The only way FirmwareGate writes extracted content. Every path is resolved below the root and
/// checked component by component: nothing is written through a symlink or outside the root.
/// Escapes raise <see cref="PathEscapeException"/>, which callers report as findings.
/// </summary>
public sealed partial class ExtractionRoot
{
    private readonly string _root;
    private readonly ConcurrentDictionary<string, bool> _verified = new(StringComparer.Ordinal);

    /// <summary>Creates the root folder; it must be empty or absent.</summary>
    public ExtractionRoot(string root)
    {
        _root = Path.GetFullPath(root).TrimEnd('/');
        if (Directory.Exists(_root) && Directory.EnumerateFileSystemEntries(_root).Any())
        {
            throw new IOException($"output folder '{root}' is not empty");
        }

        if (File.Exists(_root))
        {
            throw new IOException($"output path '{root}' is a file");
        }

        Directory.CreateDirectory(_root);
        _verified[_root] = true;
    }

    /// <summary>Absolute path of the root.</summary>
    public string Root => _root;

    /// <summary>Resolves a '/'-separated relative path below the root, creating and checking parent folders.</summary>
    public string Resolve(string relative)
    {
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Any(p => p is "." or ".." || p.Contains('\0', StringComparison.Ordinal)))
        {
            throw new PathEscapeException(relative);
        }

        string current = _root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            current = current + "/" + parts[i];
            EnsureDirectory(current, relative);
        }

        string full = current + "/" + parts[^1];
        if (!full.StartsWith(_root + "/", StringComparison.Ordinal))
        {
            throw new PathEscapeException(relative);
        }

        // Files are created with CreateNew (O_EXCL), which never follows a symlink at the leaf.
        return full;
    }

    private void EnsureDirectory(string path, string relative)
    {
        if (_verified.ContainsKey(path))
        {
            return;
        }

        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null || File.Exists(path))
        {
            throw new PathEscapeException(relative);
        }

        Directory.CreateDirectory(path);
        _verified[path] = true;
    }

    /// <summary>Creates a folder (and its parents).</summary>
    public string CreateDirectory(string relative)
    {
        string full = Resolve(relative);
        EnsureDirectory(full, relative);
        return full;
    }

    /// <summary>Writes a file from a source with the given permission bits (setuid/setgid dropped); returns its full path.</summary>
    public string WriteFile(string relative, IByteSource content, int mode, CancellationToken ct)
    {
        string full = Resolve(relative);
        using (var handle = File.OpenHandle(full, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, content.Length))
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                for (long offset = 0; offset < content.Length;)
                {
                    ct.ThrowIfCancellationRequested();
                    int n = content.Read(offset, buffer.AsSpan(0, (int)Math.Min(buffer.Length, content.Length - offset)));
                    if (n <= 0)
                    {
                        throw new IOException($"content of {relative} ended at {offset} of {content.Length} bytes");
                    }

                    RandomAccess.Write(handle, buffer.AsSpan(0, n), offset);
                    offset += n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        SetMode(full, mode, directory: false);
        return full;
    }

    /// <summary>Creates a hard link to an earlier extracted file, or a copy where links are not possible.</summary>
    public void LinkOrCopy(string relative, string existingRelative)
    {
        string full = Resolve(relative);
        string existing = Resolve(existingRelative);
        if (Link(existing, full) != 0)
        {
            File.Copy(existing, full);
        }
    }

    /// <summary>
    /// Creates a symlink inside a filesystem tree rooted at <paramref name="treeRoot"/>. Absolute targets
    /// are rewritten relative to the tree root; relative targets that climb out of it are refused.
    /// </summary>
    public void CreateSymlink(string treeRoot, string pathInTree, string target)
    {
        var linkParts = pathInTree.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int depth = linkParts.Length - 1;
        string onDisk;
        if (target.StartsWith('/'))
        {
            var resolved = new List<string>();
            foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "..")
                {
                    if (resolved.Count > 0)
                    {
                        resolved.RemoveAt(resolved.Count - 1);
                    }
                }
                else if (part != ".")
                {
                    resolved.Add(part);
                }
            }

            onDisk = string.Join('/', Enumerable.Repeat("..", depth).Concat(resolved));
            if (onDisk.Length == 0)
            {
                onDisk = "."; // a link at the top of the tree pointing at "/"
            }
        }
        else
        {
            if (!Unpacking.EntryPath.LinkStaysInside(pathInTree, target))
            {
                throw new PathEscapeException(treeRoot + pathInTree + " -> " + target);
            }

            onDisk = target;
        }

        string full = Resolve(treeRoot + pathInTree);
        File.CreateSymbolicLink(full, onDisk);
    }

    /// <summary>Sets permission bits; setuid and setgid are recorded in the manifest, never applied.</summary>
    public static void SetMode(string fullPath, int mode, bool directory)
    {
        int safe = mode & 0x3FF; // drop setuid (04000) and setgid (02000), keep sticky and rwx
        if (directory)
        {
            safe |= 0x1C0; // the owner keeps rwx so the tree stays readable and removable
        }
        else
        {
            safe |= 0x100; // owner read
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fullPath, (UnixFileMode)safe);
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);
}
