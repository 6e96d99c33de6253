namespace FirmwareGate.Core.Sources;

/// <summary>Bytes held in memory (small decoded payloads, tests).</summary>
public sealed class MemoryByteSource(ReadOnlyMemory<byte> memory) : IByteSource
{
    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Memory { get; } = memory;

    /// <inheritdoc/>
    public long Length => Memory.Length;

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= Memory.Length || offset < 0)
        {
            return 0;
        }

        var span = Memory.Span[(int)offset..];
        int n = Math.Min(span.Length, buffer.Length);
        span[..n].CopyTo(buffer);
        return n;
    }

    /// <inheritdoc/>
    public IByteSource Slice(long offset, long length)
    {
        SliceByteSource.CheckRange(Length, offset, length);
        return new MemoryByteSource(Memory.Slice((int)offset, (int)length));
    }
}
