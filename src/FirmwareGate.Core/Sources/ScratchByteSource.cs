namespace FirmwareGate.Core.Sources;

/// <summary>The decoded bytes of one spilled output: a list of chunks of the scan's <see cref="ScratchFile"/>.</summary>
internal sealed class ScratchByteSource(ScratchFile file, long[] chunks, long length) : IByteSource
{
    /// <inheritdoc/>
    public long Length { get; } = length;

    /// <inheritdoc/>
    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length && offset < Length)
        {
            var (index, within, size) = Locate(offset);
            int want = (int)Math.Min(Math.Min(buffer.Length - total, size - within), Length - offset);
            int n = file.Read(chunks[index] + within, buffer.Slice(total, want));
            if (n <= 0)
            {
                break;
            }

            total += n;
            offset += n;
        }

        return total;
    }

    /// <summary>Chunk index, offset inside it and its size for a position of the output.</summary>
    internal static (int Index, long Within, long Size) Locate(long offset) =>
        offset < ScratchFile.FirstChunk
            ? (0, offset, ScratchFile.FirstChunk)
            : ((int)(1 + ((offset - ScratchFile.FirstChunk) / ScratchFile.Chunk)), (offset - ScratchFile.FirstChunk) % ScratchFile.Chunk, ScratchFile.Chunk);
}
