using Microsoft.Win32.SafeHandles;

namespace FirmwareGate.Core.Sources;

/// <summary>A file read with positional reads; safe to share between threads.</summary>
public sealed class FileByteSource : IByteSource, IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly bool _deleteOnDispose;
    private readonly string _path;

    private FileByteSource(string path, SafeFileHandle handle, long length, bool deleteOnDispose)
    {
        _path = path;
        _handle = handle;
        Length = length;
        _deleteOnDispose = deleteOnDispose;
    }

    /// <inheritdoc/>
    public long Length { get; }

    /// <summary>Opens a file for reading.</summary>
    public static FileByteSource Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        return new FileByteSource(path, handle, RandomAccess.GetLength(handle), deleteOnDispose: false);
    }

    /// <summary>Wraps a scratch file that is deleted when this source is disposed.</summary>
    internal static FileByteSource OpenScratch(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.RandomAccess);
        return new FileByteSource(path, handle, RandomAccess.GetLength(handle), deleteOnDispose: true);
    }

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        int want = (int)Math.Min(buffer.Length, Length - offset);
        return RandomAccess.Read(_handle, buffer[..want], offset);
    }

    /// <inheritdoc/>
    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);

    /// <inheritdoc/>
    public void Dispose()
    {
        _handle.Dispose();
        if (_deleteOnDispose)
        {
            try
            {
                File.Delete(_path);
            }
            catch (IOException)
            {
                // Scratch space is best effort; the temp folder is removed as a whole later.
            }
        }
    }
}
