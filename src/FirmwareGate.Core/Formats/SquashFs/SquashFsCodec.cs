using System.Buffers.Binary;
using System.IO.Compression;
using FirmwareGate.Core.Compression;
using FirmwareGate.Core.Sources;
using K4os.Compression.LZ4;

namespace FirmwareGate.Core.Formats.SquashFs;

/// <summary>Decodes one SquashFS block with the filesystem's compressor (squashfs_fs.h compression ids 1..6).</summary>
internal abstract class SquashFsCodec
{
    public abstract string Name { get; }

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>; returns the decoded length.</summary>
    public abstract int Decode(ReadOnlySpan<byte> input, Span<byte> output);

    public static SquashFsCodec? Create(int id, bool useNative) => id switch
    {
        // The runtime's zlib-ng inflates faster than the system zlib, even with per-block setup.
        1 => new Zlib(),
        2 => new LzmaAlone(useNative && LibLzma.IsAvailable),
        3 => new BlockCodec("lzo", Lzo1xDecompressor.Decompress),
        4 => useNative && LibLzma.IsAvailable ? new BlockCodec("xz", LibLzma.DecodeXzBlock) : new XzManaged(),
        5 => new BlockCodec("lz4", LZ4Codec.Decode),
        6 => useNative && LibZstd.IsAvailable ? new BlockCodec("zstd", LibZstd.DecodeBlock) : new Zstd(),
        _ => null,
    };

    /// <summary>
    /// The codec that decodes <paramref name="sample"/> (a compressed metadata block) to at most
    /// <paramref name="capacity"/> bytes: gzip (zlib) first, then the vendor LZMA streams of older
    /// images (sqlzma and OpenWrt's 13-byte LZMA-alone header; a raw stream with lc=3 lp=0 pb=2 and an
    /// 8 MiB dictionary, as sasquatch reads them); null when none does.
    /// </summary>
    public static SquashFsCodec? Detect(ReadOnlySpan<byte> sample, int capacity, bool useNative)
    {
        SquashFsCodec[] candidates = [new Zlib(), new LzmaAlone(useNative && LibLzma.IsAvailable), new LzmaRaw()];
        byte[] output = new byte[capacity];
        foreach (var codec in candidates)
        {
            try
            {
                if (codec.Decode(sample, output) > 0)
                {
                    return codec;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not this one: try the next.
            }
        }

        return null;
    }

    /// <summary>
    /// Reads the metadata block at <paramref name="position"/> and detects its codec with <see cref="Detect"/>;
    /// gzip when the block is stored (nothing to tell from), null when nothing decodes it.
    /// </summary>
    public static SquashFsCodec? DetectAt(IByteSource source, long position, bool bigEndian, int headerExtra, bool useNative)
    {
        Span<byte> header = stackalloc byte[2];
        if (source.ReadFully(position, header) < 2)
        {
            return null;
        }

        int h = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header) : BinaryPrimitives.ReadUInt16LittleEndian(header);
        int size = h & 0x7FFF;
        if ((h & 0x8000) != 0 || size == 0)
        {
            return new Zlib();
        }

        byte[] block = new byte[size];
        return source.ReadFully(position + 2 + headerExtra, block) < size ? null : Detect(block, SquashFsMetadata.BlockSize, useNative);
    }

    private static int ReadAll(Stream stream, Span<byte> output)
    {
        int total = 0;
        int n;
        while (total < output.Length && (n = stream.Read(output[total..])) > 0)
        {
            total += n;
        }

        if (total == output.Length && stream.ReadByte() >= 0)
        {
            throw new InvalidDataException("block decodes to more than the block size");
        }

        return total;
    }

    private sealed class Zlib : SquashFsCodec
    {
        public override string Name => "gzip";

        public override unsafe int Decode(ReadOnlySpan<byte> input, Span<byte> output)
        {
            fixed (byte* p = input)
            {
                using var ms = new UnmanagedMemoryStream(p, input.Length);
                using var z = new ZLibStream(ms, CompressionMode.Decompress);
                return ReadAll(z, output);
            }
        }
    }

    private sealed class LzmaAlone(bool native) : SquashFsCodec
    {
        public override string Name => "lzma";

        public override int Decode(ReadOnlySpan<byte> input, Span<byte> output)
        {
            using var ms = new MemoryStream(input.ToArray(), writable: false);
            if (native)
            {
                using var n = new LzmaNativeStream(ms, alone: true);
                return ReadAll(n, output);
            }

            if (input.Length < 13)
            {
                throw new InvalidDataException("lzma block shorter than its header");
            }

            ms.Position = 13;
            long size = BitConverter.ToInt64(input.Slice(5, 8));
            using var s = SharpCompress.Compressors.LZMA.LzmaStream.Create(input[..5].ToArray(), ms, input.Length - 13, size, leaveOpen: true);
            return ReadAll(s, output);
        }
    }

    /// <summary>Raw LZMA1 without a header (lc=3, lp=0, pb=2, 8 MiB dictionary), as some vendor 3.x images store blocks.</summary>
    private sealed class LzmaRaw : SquashFsCodec
    {
        // Properties byte (pb * 5 + lp) * 9 + lc (lzma-file-format.txt).
        private const byte LcLpPb = (2 * 5 + 0) * 9 + 3;

        public override string Name => "lzma-raw";

        public override int Decode(ReadOnlySpan<byte> input, Span<byte> output)
        {
            // Each block is a stream of its own, at most one block long: a window of the block size
            // decodes the same bytes as the nominal 8 MiB one without allocating it per block.
            byte[] properties = new byte[5];
            properties[0] = LcLpPb;
            BinaryPrimitives.WriteInt32LittleEndian(properties.AsSpan(1), Math.Max(output.Length, 4096));
            using var ms = new MemoryStream(input.ToArray(), writable: false);
            using var s = SharpCompress.Compressors.LZMA.LzmaStream.Create(properties, ms, input.Length, -1, leaveOpen: true);
            return ReadAll(s, output);
        }
    }

    /// <summary>A one-call block decoder returning the decoded length, or a negative value for corrupt input.</summary>
    private delegate int BlockDecoder(ReadOnlySpan<byte> input, Span<byte> output);

    private sealed class BlockCodec(string name, BlockDecoder decode) : SquashFsCodec
    {
        public override string Name => name;

        public override int Decode(ReadOnlySpan<byte> input, Span<byte> output)
        {
            int n = decode(input, output);
            return n >= 0 ? n : throw new InvalidDataException($"{name} block is corrupt or larger than the block size");
        }
    }

    private sealed class XzManaged : SquashFsCodec
    {
        public override string Name => "xz";

        public override int Decode(ReadOnlySpan<byte> input, Span<byte> output)
        {
            using var ms = new MemoryStream(input.ToArray(), writable: false);
            using var xz = new SharpCompress.Compressors.Xz.XZStream(ms);
            return ReadAll(xz, output);
        }
    }

    private sealed class Zstd : SquashFsCodec
    {
        [ThreadStatic]
        private static ZstdSharp.Decompressor? ThreadDecompressor;

        public override string Name => "zstd";

        public override int Decode(ReadOnlySpan<byte> input, Span<byte> output)
        {
            ThreadDecompressor ??= new ZstdSharp.Decompressor();
            return ThreadDecompressor.Unwrap(input, output);
        }
    }
}
