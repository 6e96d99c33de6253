namespace FirmwareGate.Core.Sources;

/// <summary>A source whose bytes are produced on first read (an archive member that must be decoded).</summary>
public sealed class LazyByteSource(long length, Func<IByteSource> materialize) : IByteSource
{
    private readonly Lazy<IByteSource> _inner = new(materialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <inheritdoc/>
    public long Length { get; } = length;

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= Length)
        {
            return 0;
        }

        int want = (int)Math.Min(buffer.Length, Length - offset);
        return _inner.Value.Read(offset, buffer[..want]);
    }

    /// <inheritdoc/>
    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);
}
