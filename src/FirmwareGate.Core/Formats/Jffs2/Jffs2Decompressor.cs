using System.IO.Compression;
using FirmwareGate.Core.Compression;

namespace FirmwareGate.Core.Formats.Jffs2;

/// <summary>
/// Decodes the data of one JFFS2 inode node into exactly <c>dsize</c> bytes (fs/jffs2/compr*.c).
/// Every decoder writes into the caller's span and never past it, so a node cannot expand beyond its dsize.
/// </summary>
internal static class Jffs2Decompressor
{
    /// <summary>OpenWrt's raw-LZMA parameters (compr_lzma.c): lc=0, lp=0, pb=0.</summary>
    private const byte RawLzmaProperties = 0;

    /// <summary>Name of a compressor id, for the layer's details.</summary>
    public static string NameOf(byte compr) => compr switch
    {
        Jffs2Layout.ComprNone => "none",
        Jffs2Layout.ComprZero => "zero",
        Jffs2Layout.ComprRtime => "rtime",
        Jffs2Layout.ComprRubinMips => "rubinmips",
        Jffs2Layout.ComprCopy => "copy",
        Jffs2Layout.ComprDynRubin => "dynrubin",
        Jffs2Layout.ComprZlib => "zlib",
        Jffs2Layout.ComprLzo => "lzo",
        Jffs2Layout.ComprLzmaRaw or Jffs2Layout.ComprLzmaProps => "lzma",
        _ => $"unknown-{compr}",
    };

    /// <summary>True for the compressors this reader decodes.</summary>
    public static bool IsSupported(byte compr) => compr is Jffs2Layout.ComprNone or Jffs2Layout.ComprZero or Jffs2Layout.ComprRtime
        or Jffs2Layout.ComprZlib or Jffs2Layout.ComprLzo or Jffs2Layout.ComprLzmaRaw or Jffs2Layout.ComprLzmaProps;

    /// <summary>Decodes <paramref name="input"/> into all of <paramref name="output"/>; false when the data is corrupt or short.</summary>
    public static bool TryDecode(byte compr, ReadOnlySpan<byte> input, Span<byte> output)
    {
        try
        {
            return compr switch
            {
                Jffs2Layout.ComprNone => Copy(input, output),
                Jffs2Layout.ComprZero => Zero(output),
                Jffs2Layout.ComprRtime => Rtime(input, output),
                Jffs2Layout.ComprZlib => Zlib(input, output),
                Jffs2Layout.ComprLzo => Lzo1xDecompressor.Decompress(input, output) == output.Length,
                Jffs2Layout.ComprLzmaRaw => Lzma(BuildRawProperties(output.Length), input, output),
                Jffs2Layout.ComprLzmaProps => input.Length >= 5 && Lzma(input[..5].ToArray(), input[5..], output),
                _ => false,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    private static bool Copy(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length < output.Length)
        {
            return false;
        }

        input[..output.Length].CopyTo(output);
        return true;
    }

    private static bool Zero(Span<byte> output)
    {
        output.Clear();
        return true;
    }

    /// <summary>
    /// compr_rtime.c: pairs of (byte, repeat); the byte is copied, then <c>repeat</c> bytes are copied
    /// from just after the previous occurrence of that byte value.
    /// </summary>
    internal static bool Rtime(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<int> positions = stackalloc int[256];
        positions.Clear();
        int outPos = 0;
        int pos = 0;
        while (outPos < output.Length)
        {
            if (pos + 2 > input.Length)
            {
                return false;
            }

            byte value = input[pos++];
            int repeat = input[pos++];
            output[outPos++] = value;
            int back = positions[value];
            positions[value] = outPos;
            if (repeat > output.Length - outPos)
            {
                return false;
            }

            // Byte by byte: the source may overlap what is being written (a run).
            for (int i = 0; i < repeat; i++)
            {
                output[outPos++] = output[back++];
            }
        }

        return true;
    }

    private static unsafe bool Zlib(ReadOnlySpan<byte> input, Span<byte> output)
    {
        fixed (byte* p = input)
        {
            using var ms = new UnmanagedMemoryStream(p, input.Length);
            using var z = new ZLibStream(ms, CompressionMode.Decompress);
            return ReadAll(z, output);
        }
    }

    private static byte[] BuildRawProperties(int outputLength)
    {
        // The dictionary only has to hold the node's output; at least 4 KiB as the LZMA SDK requires.
        int dict = Math.Max(4096, outputLength);
        return [RawLzmaProperties, (byte)dict, (byte)(dict >> 8), (byte)(dict >> 16), (byte)(dict >> 24)];
    }

    private static bool Lzma(byte[] properties, ReadOnlySpan<byte> input, Span<byte> output)
    {
        // lc + lp above 8 or pb above 4 is not LZMA; the properties byte is ((pb * 5) + lp) * 9 + lc.
        if (properties[0] >= 9 * 5 * 5)
        {
            return false;
        }

        using var ms = new MemoryStream(input.ToArray(), writable: false);
        using var s = SharpCompress.Compressors.LZMA.LzmaStream.Create(properties, ms, input.Length, output.Length, leaveOpen: true);
        return ReadAll(s, output);
    }

    private static bool ReadAll(Stream stream, Span<byte> output)
    {
        int total = 0;
        int n;
        while (total < output.Length && (n = stream.Read(output[total..])) > 0)
        {
            total += n;
        }

        return total == output.Length;
    }
}
