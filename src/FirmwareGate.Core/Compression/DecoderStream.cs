namespace FirmwareGate.Core.Compression;

/// <summary>Base for forward-only decoding streams: read-only, not seekable, native state released once.</summary>
internal abstract class DecoderStream : Stream
{
    private bool _released;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public abstract override int Read(Span<byte> buffer);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Frees decoder state; called exactly once.</summary>
    protected virtual void ReleaseState()
    {
    }

    /// <summary>Releases the decoder state if that has not happened yet.</summary>
    protected void Release()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        ReleaseState();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        Release();
        base.Dispose(disposing);
    }
}
