using System.Buffers;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;
using Microsoft.Win32.SafeHandles;

namespace FirmwareGate.Core.Extraction;

/// <summary>
/// The only way FirmwareGate writes extracted content. Everything is created through directory
/// handles: each folder is opened from its parent's handle with O_NOFOLLOW, files are created with
/// O_CREAT|O_EXCL|O_NOFOLLOW, modes are set on the open handle, hard links never follow the old
/// name, and a copy only ever reads a regular file. So no write, chmod, link or copy can pass
/// through a symlink, whatever an earlier layer planted. Names are written as their exact bytes
/// (<see cref="EntryName"/>). Escapes raise <see cref="PathEscapeException"/>.
/// </summary>
public sealed class ExtractionRoot : IDisposable
{
    private const int MaxCachedDirectories = 512;
    private const int CopyBuffer = 1 << 20;
    private const int HoleGranule = 64 << 10;
    private readonly string _root;
    private readonly Directory _rootDirectory;
    private readonly Dictionary<string, Directory> _directories = new(StringComparer.Ordinal);

    /// <summary>Creates the root folder; it must be empty or absent.</summary>
    public ExtractionRoot(string root)
    {
        if (!Posix.Supported)
        {
            throw new PlatformNotSupportedException("extraction needs Linux on x64, x86, arm, arm64 or riscv64 (it creates files through directory handles)");
        }

        _root = Path.GetFullPath(root).TrimEnd('/');
        if (System.IO.Directory.Exists(_root) && System.IO.Directory.EnumerateFileSystemEntries(_root).Any())
        {
            throw new IOException($"output folder '{root}' is not empty");
        }

        if (File.Exists(_root))
        {
            throw new IOException($"output path '{root}' is a file");
        }

        System.IO.Directory.CreateDirectory(_root);
        _rootDirectory = new Directory(Posix.OpenRoot(_root));
        _rootDirectory.Acquire(); // the root is never evicted
    }

    /// <summary>Absolute path of the root.</summary>
    public string Root => _root;

    /// <summary>The absolute path of a relative one, for messages.</summary>
    public string FullPath(string relative) => _root + "/" + EntryName.Display(relative);

    /// <summary>Creates a folder that must not exist yet (a layer folder or a tree root), and its missing parents.</summary>
    public void CreateFreshDirectory(string relative)
    {
        var (parentPath, name) = Split(relative);
        using var parent = Open(parentPath, create: true);
        int errno = Posix.MakeDirectory(parent.Fd, name, 0x1ED);
        if (errno != 0)
        {
            throw Posix.Error("mkdir", FullPath(relative), errno);
        }
    }

    /// <summary>Creates a folder and its missing parents; fails when any part is a symlink or a file.</summary>
    public void CreateDirectory(string relative)
    {
        using var _ = Open(Check(relative), create: true);
    }

    /// <summary>
    /// Writes a new file from a source; runs of zeros become holes. Permission bits are applied with
    /// setuid/setgid dropped. Returns the bytes actually written (holes excluded).
    /// </summary>
    public long WriteFile(string relative, IByteSource content, int mode, CancellationToken ct)
    {
        var (parentPath, name) = Split(relative);
        using var parent = Open(parentPath, create: true);
        using var handle = Create(parent.Fd, name, relative);
        long written = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBuffer);
        try
        {
            for (long offset = 0; offset < content.Length;)
            {
                ct.ThrowIfCancellationRequested();
                int n = content.Read(offset, buffer.AsSpan(0, (int)Math.Min(CopyBuffer, content.Length - offset)));
                if (n <= 0)
                {
                    throw new IOException($"content of {EntryName.Display(relative)} ended at {offset} of {content.Length} bytes");
                }

                written += WriteSparse(handle, buffer.AsSpan(0, n), offset);
                offset += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Finish(handle, content.Length, Safe(mode, directory: false), relative);
        return written;
    }

    /// <summary>Writes a new text file (a manifest), UTF-8.</summary>
    public void WriteText(string relative, string text)
    {
        var (parentPath, name) = Split(relative);
        using var parent = Open(parentPath, create: false);
        using var handle = Create(parent.Fd, name, relative);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        RandomAccess.Write(handle, bytes, 0);
        Finish(handle, bytes.Length, 0x1A4, relative);
    }

    /// <summary>
    /// Creates a hard link to an earlier extracted regular file. When the link cannot be made (EMLINK,
    /// a filesystem without links) the file is copied, opened with O_NOFOLLOW and checked to be a
    /// regular file. Returns the bytes copied (0 for a link).
    /// </summary>
    public long HardLink(string relative, string existingRelative, CancellationToken ct)
    {
        var (oldParentPath, oldName) = Split(existingRelative);
        var (newParentPath, newName) = Split(relative);
        using var oldParent = Open(oldParentPath, create: false);
        using var newParent = Open(newParentPath, create: true);
        if (!Posix.IsRegularFile(oldParent.Fd, oldName))
        {
            throw new IOException($"hard link {EntryName.Display(relative)}: {EntryName.Display(existingRelative)} is not a regular file in the tree; recorded, not created");
        }

        if (Posix.HardLink(oldParent.Fd, oldName, newParent.Fd, newName) == 0)
        {
            return 0;
        }

        using var source = Posix.OpenFileForRead(oldParent.Fd, oldName, out int errno);
        if (source.IsInvalid || !Posix.IsRegularFile(source))
        {
            throw Posix.Error("open", FullPath(existingRelative), errno == 0 ? Posix.ELOOP : errno);
        }

        using var target = Create(newParent.Fd, newName, relative);
        long length = RandomAccess.GetLength(source);
        long written = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBuffer);
        try
        {
            for (long offset = 0; offset < length;)
            {
                ct.ThrowIfCancellationRequested();
                int n = RandomAccess.Read(source, buffer.AsSpan(0, (int)Math.Min(CopyBuffer, length - offset)), offset);
                if (n <= 0)
                {
                    break;
                }

                written += WriteSparse(target, buffer.AsSpan(0, n), offset);
                offset += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Finish(target, length, OperatingSystem.IsWindows() ? 0x1A4 : (int)File.GetUnixFileMode(source), relative);
        return written;
    }

    /// <summary>Creates a symlink holding <paramref name="target"/> verbatim (the caller decided it stays inside).</summary>
    public void Symlink(string relative, string target)
    {
        if (target.Contains('\0', StringComparison.Ordinal))
        {
            throw new PathEscapeException(relative); // symlink(2) would store only the part before the NUL
        }

        var (parentPath, name) = Split(relative);
        using var parent = Open(parentPath, create: true);
        int errno = Posix.Symlink(EntryName.ToBytes(target), parent.Fd, name);
        if (errno != 0)
        {
            throw Posix.Error("symlink", FullPath(relative), errno);
        }
    }

    /// <summary>Sets a folder's permission bits (the owner keeps rwx so the tree stays readable and removable).</summary>
    public void SetDirectoryMode(string relative, int mode)
    {
        using var dir = Open(Check(relative), create: false);
        int errno = Posix.ChangeMode(dir.Fd, Safe(mode, directory: true));
        if (errno != 0)
        {
            throw Posix.Error("chmod", FullPath(relative), errno);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_directories)
        {
            foreach (var d in _directories.Values)
            {
                d.Evict();
            }

            _directories.Clear();
        }

        _rootDirectory.Release();
        _rootDirectory.Evict();
    }

    /// <summary>Permission bits to apply: setuid and setgid are recorded in the manifest, never applied.</summary>
    private static int Safe(int mode, bool directory) => (mode & 0x3FF) | (directory ? 0x1C0 : 0x100);

    private static long WriteSparse(SafeFileHandle handle, ReadOnlySpan<byte> data, long offset)
    {
        long written = 0;
        for (int i = 0; i < data.Length; i += HoleGranule)
        {
            var piece = data.Slice(i, Math.Min(HoleGranule, data.Length - i));
            if (piece.IndexOfAnyExcept((byte)0) >= 0)
            {
                RandomAccess.Write(handle, piece, offset + i);
                written += piece.Length;
            }
        }

        return written;
    }

    private void Finish(SafeFileHandle handle, long length, int mode, string relative)
    {
        int errno = Posix.Truncate(handle, length);
        if (errno == 0)
        {
            errno = Posix.ChangeMode(handle, mode);
        }

        if (errno != 0)
        {
            throw Posix.Error("write", FullPath(relative), errno);
        }
    }

    private SafeFileHandle Create(int parent, byte[] name, string relative)
    {
        var handle = Posix.CreateFile(parent, name, out int errno);
        if (!handle.IsInvalid)
        {
            return handle;
        }

        handle.Dispose();
        if (errno == Posix.ELOOP)
        {
            throw new PathEscapeException(relative);
        }

        throw Posix.Error("create", FullPath(relative), errno);
    }

    private static string Check(string relative)
    {
        foreach (var part in relative.Split('/'))
        {
            if (part is "" or "." or ".." || part.Contains('\0', StringComparison.Ordinal))
            {
                throw new PathEscapeException(relative);
            }
        }

        return relative;
    }

    private static (string Parent, byte[] Name) Split(string relative)
    {
        Check(relative);
        int slash = relative.LastIndexOf('/');
        return (slash < 0 ? "" : relative[..slash], EntryName.ToBytes(relative[(slash + 1)..]));
    }

    /// <summary>A held handle on a folder below the root, opened component by component without following symlinks.</summary>
    private Lease Open(string relative, bool create)
    {
        if (relative.Length == 0)
        {
            return new Lease(_rootDirectory.Acquire());
        }

        lock (_directories)
        {
            if (_directories.TryGetValue(relative, out var cached))
            {
                return new Lease(cached.Acquire());
            }
        }

        int slash = relative.LastIndexOf('/');
        using var parent = Open(slash < 0 ? "" : relative[..slash], create);
        byte[] name = EntryName.ToBytes(relative[(slash + 1)..]);
        if (create)
        {
            int made = Posix.MakeDirectory(parent.Fd, name, 0x1ED);
            if (made is not (0 or Posix.EEXIST))
            {
                throw Posix.Error("mkdir", FullPath(relative), made);
            }
        }

        int fd = Posix.OpenDirectory(parent.Fd, name, out int errno);
        if (fd < 0)
        {
            // ELOOP: the name is a symlink; ENOTDIR: a file. Either way, nothing goes through it.
            throw errno is Posix.ELOOP or Posix.ENOTDIR ? new PathEscapeException(relative) : Posix.Error("open", FullPath(relative), errno);
        }

        lock (_directories)
        {
            if (_directories.TryGetValue(relative, out var raced))
            {
                Posix.CloseFd(fd);
                return new Lease(raced.Acquire());
            }

            if (_directories.Count >= MaxCachedDirectories)
            {
                foreach (var d in _directories.Values)
                {
                    d.Evict();
                }

                _directories.Clear();
            }

            var opened = new Directory(fd);
            _directories[relative] = opened;
            return new Lease(opened.Acquire());
        }
    }

    /// <summary>A cached directory fd, closed once evicted and no longer in use.</summary>
    private sealed class Directory(int fd)
    {
        private int _users;
        private bool _evicted;

        public int Fd { get; } = fd;

        public Directory Acquire()
        {
            lock (this)
            {
                _users++;
                return this;
            }
        }

        public void Release()
        {
            lock (this)
            {
                if (--_users == 0 && _evicted)
                {
                    Posix.CloseFd(Fd);
                }
            }
        }

        public void Evict()
        {
            lock (this)
            {
                if (_evicted)
                {
                    return;
                }

                _evicted = true;
                if (_users == 0)
                {
                    Posix.CloseFd(Fd);
                }
            }
        }
    }

    private readonly struct Lease(Directory directory) : IDisposable
    {
        public int Fd => directory.Fd;

        public void Dispose() => directory.Release();
    }
}
