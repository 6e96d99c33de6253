using System.Buffers.Binary;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>
/// Metadata blocks: a 16-bit header (bit 15 = stored uncompressed, low 15 bits = size) then up to
/// 8 KiB of data once decoded. Decoded blocks are cached by position; reads run across blocks.
/// </summary>
internal sealed class SquashFsMetadata(IByteSource source, SquashFsCodec codec, long limit)
{
    public const int BlockSize = 8192;
    private readonly Dictionary<long, (byte[] Data, long Next)> _cache = [];

    public (byte[] Data, long Next) Block(long position)
    {
        if (_cache.TryGetValue(position, out var hit))
        {
            return hit;
        }

        Span<byte> header = stackalloc byte[2];
        if (position < 0 || position + 2 > limit || source.ReadFully(position, header) < 2)
        {
            throw new TruncatedInputException("squashfs", position, "metadata block outside the filesystem");
        }

        ushort h = BinaryPrimitives.ReadUInt16LittleEndian(header);
        int size = h & 0x7FFF;
        bool stored = (h & 0x8000) != 0;
        if (size == 0 || size > BlockSize || position + 2 + size > limit)
        {
            throw new CorruptDataException("squashfs", position, $"metadata block of {size} bytes");
        }

        var raw = new byte[size];
        source.ReadExactly(position + 2, raw, "squashfs");
        byte[] data;
        if (stored)
        {
            data = raw;
        }
        else
        {
            var buffer = new byte[BlockSize];
            int n;
            try
            {
                n = codec.Decode(raw, buffer);
            }
            catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
            {
                throw new CorruptDataException("squashfs", position, $"metadata block does not decode ({codec.Name}: {e.Message})");
            }

            data = buffer[..n];
        }

        var entry = (data, position + 2 + size);
        _cache[position] = entry;
        return entry;
    }

    /// <summary>Reads <paramref name="output"/>.Length bytes starting at block <paramref name="block"/>, offset <paramref name="offset"/>.</summary>
    public void Read(ref long block, ref int offset, Span<byte> output)
    {
        int done = 0;
        while (done < output.Length)
        {
            var (data, next) = Block(block);
            if (offset >= data.Length)
            {
                offset -= data.Length;
                block = next;
                continue;
            }

            int n = Math.Min(data.Length - offset, output.Length - done);
            data.AsSpan(offset, n).CopyTo(output[done..]);
            done += n;
            offset += n;
            if (offset == data.Length && done < output.Length)
            {
                block = next;
                offset = 0;
            }
        }
    }

    /// <summary>Reads a table of fixed-size entries through its index of metadata block positions.</summary>
    public byte[] ReadTable(long indexPosition, int count, int entrySize)
    {
        long bytes = (long)count * entrySize;
        int blocks = (int)((bytes + BlockSize - 1) / BlockSize);
        var index = new byte[blocks * 8];
        if (indexPosition < 0 || indexPosition + index.Length > limit)
        {
            throw new CorruptDataException("squashfs", indexPosition, "table index outside the filesystem");
        }

        source.ReadExactly(indexPosition, index, "squashfs");
        var table = new byte[bytes];
        for (int i = 0; i < blocks; i++)
        {
            long block = (long)BinaryPrimitives.ReadUInt64LittleEndian(index.AsSpan(i * 8));
            int offset = 0;
            int n = (int)Math.Min(BlockSize, bytes - ((long)i * BlockSize));
            Read(ref block, ref offset, table.AsSpan(i * BlockSize, n));
        }

        return table;
    }
}
