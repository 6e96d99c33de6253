using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.CramFs;

/// <summary>The content of one cramfs file, decoded block by block on demand.</summary>
internal sealed class CramFsFileSource(CramFsFilesystem fs, CramFsInode inode) : IByteSource
{
    // The last block decoded on this thread, for reads that do not cover whole blocks.
    [ThreadStatic]
    private static (CramFsFileSource? Owner, long Index, byte[]? Buffer, int Length) ThreadBlock;

    public long Length { get; } = inode.Size;

    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        int bs = fs.BlockSize;
        int total = 0;
        while (total < buffer.Length && offset < Length)
        {
            long index = offset / bs;
            int within = (int)(offset % bs);
            int expected = (int)Math.Min(bs, Length - (index * bs));
            var destination = buffer[total..];
            if (within == 0 && destination.Length >= expected)
            {
                fs.ReadBlock(inode, index, destination[..expected]);
                total += expected;
                offset += expected;
                continue;
            }

            var block = CachedBlock(index, expected);
            int n = Math.Min(block.Length - within, destination.Length);
            block.Slice(within, n).CopyTo(destination);
            total += n;
            offset += n;
        }

        return total;
    }

    private ReadOnlySpan<byte> CachedBlock(long index, int expected)
    {
        var cache = ThreadBlock;
        if (ReferenceEquals(cache.Owner, this) && cache.Index == index && cache.Buffer is not null)
        {
            return cache.Buffer.AsSpan(0, cache.Length);
        }

        byte[] buffer = cache.Buffer is { } b && b.Length >= expected ? b : new byte[Math.Max(expected, fs.BlockSize)];
        ThreadBlock = default;
        fs.ReadBlock(inode, index, buffer.AsSpan(0, expected));
        ThreadBlock = (this, index, buffer, expected);
        return buffer.AsSpan(0, expected);
    }
}
