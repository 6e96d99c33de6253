using Microsoft.Win32.SafeHandles;

namespace FirmwareGate.Core.Sources;

/// <summary>A file read with positional reads; safe to share between threads.</summary>
public sealed class FileByteSource : IByteSource, IDisposable
{
    private readonly SafeFileHandle _handle;

    private FileByteSource(SafeFileHandle handle, long length)
    {
        _handle = handle;
        Length = length;
    }

    /// <inheritdoc/>
    public long Length { get; }

    /// <summary>Opens a file for reading.</summary>
    public static FileByteSource Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        return new FileByteSource(handle, RandomAccess.GetLength(handle));
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
    public void Dispose() => _handle.Dispose();
}
