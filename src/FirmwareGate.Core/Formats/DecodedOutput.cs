using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// A write-only sink for decoded bytes that enforces the total-bytes and ratio limits as it grows,
/// keeps small outputs in memory and spills large ones to a scratch file.
/// </summary>
public sealed class DecodedOutput : Stream
{
    private readonly ReadContext _context;
    private readonly string _format;
    private readonly long _offset;
    private readonly Func<long> _encodedLength;
    private MemoryStream? _memory = new();
    private FileStream? _file;
    private string? _filePath;
    private long _length;

    internal DecodedOutput(ReadContext context, string format, long offset, Func<long> encodedLength)
    {
        _context = context;
        _format = format;
        _offset = offset;
        _encodedLength = encodedLength;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _context.CancellationToken.ThrowIfCancellationRequested();
        _context.Budget.AddBytes(buffer.Length, _format, _offset);
        long newLength = _length + buffer.Length;
        long encoded = Math.Max(1, _encodedLength());
        if (newLength > _context.Limits.RatioFloorBytes && newLength > encoded * _context.Limits.MaxRatio)
        {
            throw _context.Budget.Hit(new LimitExceededException(_format, _offset, "ratio",
                $"decoded {newLength} bytes from {encoded}: ratio above {_context.Limits.MaxRatio} (--max-ratio); looks like a decompression bomb"));
        }

        if (_memory is not null && newLength > _context.Limits.InMemoryBytes)
        {
            _filePath = _context.NewScratchPath();
            _file = new FileStream(_filePath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            _memory.Position = 0;
            _memory.CopyTo(_file);
            _memory = null;
        }

        if (_memory is not null)
        {
            _memory.Write(buffer);
        }
        else
        {
            _file!.Write(buffer); // _file is set whenever _memory is null.
        }

        _length = newLength;
    }

    /// <summary>Finishes writing and returns the decoded bytes as a source owned by the context.</summary>
    public IByteSource ToSource()
    {
        if (_memory is not null)
        {
            return new MemoryByteSource(_memory.GetBuffer().AsMemory(0, (int)_memory.Length));
        }

        _file!.Dispose(); // _file is set whenever _memory is null.
        _file = null;
        return _context.Own(FileByteSource.OpenScratch(_filePath!));
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
        }

        base.Dispose(disposing);
    }
}
