using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using FirmwareGate.Core.Formats.AndroidSparse;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// Android sparse images (AOSP <c>system/core/libsparse/sparse_format.h</c>): a file header, then
/// chunks of raw blocks, fill blocks, "don't care" holes and CRC32 checkpoints. The expanded image is
/// one child, built as a virtual source (raw chunks are slices, fill and holes are generated), and
/// analysed as usual.
/// </summary>
public sealed class AndroidSparseReader : IFormatReader
{
    private const int FileHeaderSize = 28;
    private const int ChunkHeaderSize = 12;

    // CRC32 checkpoints are checked while the image up to them is at most this large (zeros cost reading too).
    private const long MaxCrcCheckedBytes = 256L << 20;

    // sparse_format.h: CHUNK_TYPE_RAW 0xCAC1, _FILL 0xCAC2, _DONT_CARE 0xCAC3, _CRC32 0xCAC4.
    private const ushort ChunkRaw = 0xCAC1;
    private const ushort ChunkFill = 0xCAC2;
    private const ushort ChunkDontCare = 0xCAC3;
    private const ushort ChunkCrc32 = 0xCAC4;

    /// <summary>sparse_header_t offsets.</summary>
    private static class FieldOffsets
    {
        public const int Magic = 0;
        public const int MajorVersion = 4;
        public const int FileHeaderSize = 8;
        public const int ChunkHeaderSize = 10;
        public const int BlockSize = 12;
        public const int TotalBlocks = 16;
        public const int TotalChunks = 20;
        public const int ImageChecksum = 24;
    }

    /// <summary>chunk_header_t offsets.</summary>
    private static class ChunkOffsets
    {
        public const int Type = 0;
        public const int BlockCount = 4;
        public const int TotalSize = 8;
    }

    private readonly record struct Header(int FileHeaderSize, int ChunkHeaderSize, uint BlockSize, uint TotalBlocks, uint TotalChunks, uint ImageChecksum);

    /// <inheritdoc/>
    public string Format => "android-sparse";

    // SPARSE_HEADER_MAGIC 0xed26ff3a, stored little-endian: 3a ff 26 ed.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new([0x3A, 0xFF, 0x26, 0xED])];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[FileHeaderSize];
        return source.ReadFully(0, h) == FileHeaderSize && TryParseHeader(h, out _);
    }

    private static bool TryParseHeader(ReadOnlySpan<byte> h, out Header header)
    {
        header = new Header(
            BinaryPrimitives.ReadUInt16LittleEndian(h[FieldOffsets.FileHeaderSize..]),
            BinaryPrimitives.ReadUInt16LittleEndian(h[FieldOffsets.ChunkHeaderSize..]),
            BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.BlockSize..]),
            BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.TotalBlocks..]),
            BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.TotalChunks..]),
            BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.ImageChecksum..]));

        // libsparse accepts major version 1 only, and larger headers than it knows (it skips the rest).
        return BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.Magic..]) == 0xED26FF3A
            && BinaryPrimitives.ReadUInt16LittleEndian(h[FieldOffsets.MajorVersion..]) == 1
            && header.FileHeaderSize is >= FileHeaderSize and <= 4096
            && header.ChunkHeaderSize is >= ChunkHeaderSize and <= 4096
            && header.BlockSize is > 0 and <= (64u << 20) && header.BlockSize % 4 == 0;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        Span<byte> h = stackalloc byte[FileHeaderSize];
        source.ReadExactly(0, h, Format);
        if (!TryParseHeader(h, out var header))
        {
            throw new CorruptDataException(Format, 0, "bad sparse header");
        }

        long blockSize = header.BlockSize;
        long expanded = checked(header.TotalBlocks * blockSize);
        var warnings = new List<string>();
        var segments = new List<SparseSegment>();
        long pos = header.FileHeaderSize;
        long outBlocks = 0;
        long generated = 0;
        var crcState = new CrcCheck();
        Span<byte> c = stackalloc byte[ChunkHeaderSize];
        Span<byte> word = stackalloc byte[4];
        for (uint i = 0; i < header.TotalChunks; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (source.ReadFully(pos, c) < ChunkHeaderSize)
            {
                warnings.Add($"{Format} at 0x{pos:x}: chunk {i} of {header.TotalChunks} runs past the end of the input (truncated)");
                break;
            }

            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(c[ChunkOffsets.Type..]);
            long blocks = BinaryPrimitives.ReadUInt32LittleEndian(c[ChunkOffsets.BlockCount..]);
            long total = BinaryPrimitives.ReadUInt32LittleEndian(c[ChunkOffsets.TotalSize..]);
            long dataStart = pos + header.ChunkHeaderSize;
            long dataSize = total - header.ChunkHeaderSize;
            string? problem = CheckChunk(type, blocks, blockSize, dataSize, header.TotalBlocks - outBlocks);
            if (problem is null && dataSize > source.Length - dataStart)
            {
                problem = $"data ({dataSize} bytes) runs past the end of the input (truncated)";
            }

            if (problem is not null)
            {
                if (i == 0)
                {
                    throw new CorruptDataException(Format, pos, $"chunk 0: {problem}");
                }

                warnings.Add($"{Format} at 0x{pos:x}: chunk {i}: {problem}; image read up to here");
                break;
            }

            long outOffset = outBlocks * blockSize;
            long bytes = blocks * blockSize;
            switch (type)
            {
                case ChunkRaw:
                    segments.Add(new SparseSegment(outOffset, bytes, dataStart, 0));
                    break;
                case ChunkFill:
                    source.ReadExactly(dataStart, word, Format);
                    segments.Add(new SparseSegment(outOffset, bytes, -1, BinaryPrimitives.ReadUInt32LittleEndian(word)));
                    generated += bytes;
                    break;
                case ChunkDontCare:
                    segments.Add(new SparseSegment(outOffset, bytes, -1, 0));
                    generated += bytes;
                    break;
                default:
                    source.ReadExactly(dataStart, word, Format);
                    crcState.Check(source, segments, outOffset, BinaryPrimitives.ReadUInt32LittleEndian(word), pos, warnings, context.CancellationToken);
                    break;
            }

            outBlocks += blocks;
            pos = dataStart + dataSize;
        }

        if (outBlocks < header.TotalBlocks)
        {
            warnings.Add($"{Format}: chunks cover {outBlocks} of {header.TotalBlocks} blocks; the rest reads as zeros");
            segments.Add(new SparseSegment(outBlocks * blockSize, expanded - (outBlocks * blockSize), -1, 0));
            generated += expanded - (outBlocks * blockSize);
        }

        // Generated bytes (fill and holes) count toward the output limit like decoded data; an image
        // that would pass what is left is refused before any of it is charged.
        if (generated > context.Limits.MaxTotalBytes - context.Budget.BytesProduced)
        {
            throw context.Budget.Hit(new LimitExceededException(Format, 0, "totalBytes",
                $"{generated} bytes of fill and holes exceed what is left of {context.Limits.MaxTotalBytes} bytes (--max-total-bytes)"));
        }

        context.Budget.AddBytes(generated, Format, 0);
        var result = new ReadResult { Length = Math.Max(FileHeaderSize, Math.Min(pos, source.Length)) };
        result.Details["blockSize"] = blockSize.ToString(CultureInfo.InvariantCulture);
        result.Details["blocks"] = header.TotalBlocks.ToString(CultureInfo.InvariantCulture);
        result.Details["chunks"] = header.TotalChunks.ToString(CultureInfo.InvariantCulture);
        result.Details["expandedSize"] = expanded.ToString(CultureInfo.InvariantCulture);
        result.Warnings.AddRange(warnings);
        result.Children.Add(new ChildBlob(new SparseImageSource(source, segments, expanded), 0));
        return result;
    }

    private static string? CheckChunk(ushort type, long blocks, long blockSize, long dataSize, long blocksLeft)
    {
        if (dataSize < 0)
        {
            return "total size is smaller than the chunk header";
        }

        if (blocks > blocksLeft)
        {
            return $"{blocks} blocks run past the {blocksLeft} the header leaves";
        }

        return type switch
        {
            ChunkRaw when dataSize != blocks * blockSize => $"raw chunk holds {dataSize} bytes, not {blocks} blocks",
            ChunkFill when dataSize != 4 => $"fill chunk holds {dataSize} bytes, not 4",
            ChunkDontCare when dataSize != 0 => $"don't-care chunk holds {dataSize} bytes, not 0",
            ChunkCrc32 when dataSize != 4 || blocks != 0 => "CRC32 chunk is not 4 bytes of checksum",
            ChunkRaw or ChunkFill or ChunkDontCare or ChunkCrc32 => null,
            _ => $"unknown chunk type 0x{type:x4}",
        };
    }

    /// <summary>Running CRC32 of the expanded image for CRC32 chunks (libsparse's checkpoints).</summary>
    private sealed class CrcCheck
    {
        private readonly Crc32 _crc = new();
        private long _done;
        private bool _gaveUp;

        public void Check(IByteSource stored, List<SparseSegment> segments, long upTo, uint expected, long pos, List<string> warnings, CancellationToken ct)
        {
            if (_gaveUp || upTo > MaxCrcCheckedBytes)
            {
                _gaveUp = true;
                return;
            }

            var image = new SparseImageSource(stored, segments, upTo);
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
            try
            {
                while (_done < upTo)
                {
                    ct.ThrowIfCancellationRequested();
                    int n = image.Read(_done, buffer.AsSpan(0, (int)Math.Min(buffer.Length, upTo - _done)));
                    _crc.Append(buffer.AsSpan(0, n));
                    _done += n;
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            uint actual = _crc.GetCurrentHashAsUInt32();
            if (actual != expected)
            {
                warnings.Add($"android-sparse at 0x{pos:x}: CRC32 checkpoint mismatch (stored 0x{expected:x8}, image 0x{actual:x8})");
            }
        }
    }
}
