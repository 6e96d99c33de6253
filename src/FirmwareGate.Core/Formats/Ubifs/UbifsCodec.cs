using System.IO.Compression;
using FirmwareGate.Core.Compression;

namespace FirmwareGate.Core.Formats.Ubifs;

/// <summary>Decodes one UBIFS data node's payload (compr_type: UBIFS_COMPR_NONE, LZO, ZLIB, ZSTD).</summary>
internal static class UbifsCodec
{
    public const int None = 0;
    public const int Lzo = 1;
    public const int Zlib = 2;
    public const int Zstd = 3;

    [ThreadStatic]
    private static ZstdSharp.Decompressor? ThreadZstd;

    public static string Name(int type) => type switch
    {
        None => "none",
        Lzo => "lzo",
        Zlib => "zlib",
        Zstd => "zstd",
        _ => "unknown-" + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Decodes into <paramref name="output"/>; returns the decoded length. Throws InvalidDataException when corrupt.</summary>
    public static int Decode(int type, ReadOnlySpan<byte> input, Span<byte> output, bool useNative)
    {
        switch (type)
        {
            case None:
                if (input.Length > output.Length)
                {
                    throw new InvalidDataException("uncompressed payload larger than a block");
                }

                input.CopyTo(output);
                return input.Length;
            case Lzo:
                return Lzo1xDecompressor.Decompress(input, output);
            case Zlib:
                return Inflate(input, output);
            case Zstd:
                if (useNative && LibZstd.IsAvailable)
                {
                    int n = LibZstd.DecodeBlock(input, output);
                    return n >= 0 ? n : throw new InvalidDataException("zstd payload is corrupt or larger than a block");
                }

                ThreadZstd ??= new ZstdSharp.Decompressor();
                try
                {
                    return ThreadZstd.Unwrap(input, output);
                }
                catch (ZstdSharp.ZstdException e)
                {
                    throw new InvalidDataException("zstd: " + e.Message, e);
                }

            default:
                throw new InvalidDataException($"unknown compression type {type}");
        }
    }

    // The kernel's "deflate" crypto compressor writes raw deflate (windowBits -15), no zlib header.
    private static unsafe int Inflate(ReadOnlySpan<byte> input, Span<byte> output)
    {
        fixed (byte* p = input)
        {
            using var ms = new UnmanagedMemoryStream(p, input.Length);
            using var z = new DeflateStream(ms, CompressionMode.Decompress);
            int total = 0;
            int n;
            while (total < output.Length && (n = z.Read(output[total..])) > 0)
            {
                total += n;
            }

            if (total == output.Length && z.ReadByte() >= 0)
            {
                throw new InvalidDataException("zlib payload decodes to more than a block");
            }

            return total;
        }
    }
}
