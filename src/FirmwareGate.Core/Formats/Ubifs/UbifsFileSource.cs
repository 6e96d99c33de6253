using System.Buffers;
using System.Buffers.Binary;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Ubifs;

/// <summary>
/// The content of one UBIFS regular file: 4096-byte blocks, each a data node found through the index, decoded
/// on demand. A block with no data node is a hole (zeros); a node shorter than a block is zero-padded; bytes
/// past the inode size (a truncation) are never read.
/// </summary>
internal sealed class UbifsFileSource : IByteSource
{
    private const string Fmt = "ubifs";

    // A data node's payload: a block compressed, or stored when compression would not help.
    private const int MaxNodeLength = UbifsNodes.Data.Payload + (2 * UbifsNodes.BlockSize);

    private readonly UbifsFilesystem _fs;
    private readonly uint _inum;
    private readonly Block[] _blocks;

    // The last block decoded on this thread, for reads that do not cover whole blocks.
    [ThreadStatic]
    private static (UbifsFileSource? Owner, long Index, byte[]? Buffer) ThreadBlock;

    /// <summary>Where one block's data node is.</summary>
    public readonly record struct Block(uint Number, int Lnum, int Offs, int Len);

    /// <summary>Creates the content of inode <paramref name="inum"/> from its data nodes, sorted by block number.</summary>
    public UbifsFileSource(UbifsFilesystem fs, uint inum, long length, Block[] blocks)
    {
        _fs = fs;
        _inum = inum;
        Length = length;
        _blocks = blocks;
    }

    /// <inheritdoc/>
    public long Length { get; }

    /// <inheritdoc/>
    public IByteSource Slice(long offset, long length) => SliceByteSource.Create(this, offset, length);

    /// <inheritdoc/>
    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        int want = (int)Math.Min(buffer.Length, Length - offset);
        int done = 0;
        while (done < want)
        {
            long index = (offset + done) / UbifsNodes.BlockSize;
            int within = (int)((offset + done) % UbifsNodes.BlockSize);
            int n = Math.Min(want - done, UbifsNodes.BlockSize - within);
            var destination = buffer.Slice(done, n);
            int found = Find(index);
            if (found < 0)
            {
                destination.Clear();
            }
            else if (within == 0 && n == UbifsNodes.BlockSize)
            {
                DecodeBlock(_blocks[found], destination);
            }
            else
            {
                var cache = ThreadBlock;
                if (!ReferenceEquals(cache.Owner, this) || cache.Index != index || cache.Buffer is null)
                {
                    cache = (this, index, cache.Buffer ?? new byte[UbifsNodes.BlockSize]);
                    DecodeBlock(_blocks[found], cache.Buffer);
                    ThreadBlock = cache;
                }

                cache.Buffer.AsSpan(within, n).CopyTo(destination);
            }

            done += n;
        }

        return done;
    }

    private int Find(long index)
    {
        int lo = 0, hi = _blocks.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            long number = _blocks[mid].Number;
            if (number == index)
            {
                return mid;
            }

            if (number < index)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    /// <summary>Reads, checks and decodes one data node into a whole block (zero-padded).</summary>
    private void DecodeBlock(Block block, Span<byte> output)
    {
        if (block.Len is < UbifsNodes.Data.Payload or > MaxNodeLength)
        {
            throw new CorruptDataException(Fmt, block.Offs, $"data node of {block.Len} bytes");
        }

        byte[] node = ArrayPool<byte>.Shared.Rent(block.Len);
        try
        {
            var span = node.AsSpan(0, block.Len);
            _fs.ReadNode(block.Lnum, block.Offs, span, UbifsNodes.DataNode);
            var key = UbifsNodes.Key.Parse(span[UbifsNodes.Data.Key..]);
            if (key.Inum != _inum || key.Type != UbifsNodes.DataKey || key.Value != block.Number)
            {
                throw new CorruptDataException(Fmt, block.Offs, "data node key differs from the index's");
            }

            uint size = BinaryPrimitives.ReadUInt32LittleEndian(span[UbifsNodes.Data.Size..]);
            int compression = BinaryPrimitives.ReadUInt16LittleEndian(span[UbifsNodes.Data.ComprType..]);
            if (size > UbifsNodes.BlockSize)
            {
                throw new CorruptDataException(Fmt, block.Offs, $"data node claims {size} bytes, more than a block");
            }

            int n;
            try
            {
                n = UbifsCodec.Decode(compression, span[UbifsNodes.Data.Payload..], output[..UbifsNodes.BlockSize], _fs.UseNativeCodecs);
            }
            catch (InvalidDataException e)
            {
                throw new CorruptDataException(Fmt, block.Offs, $"block {block.Number} ({UbifsCodec.Name(compression)}): {e.Message}");
            }

            if (n != size)
            {
                throw new CorruptDataException(Fmt, block.Offs, $"block {block.Number} decodes to {n} bytes, {size} expected");
            }

            output[n..UbifsNodes.BlockSize].Clear();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(node);
        }
    }
}
