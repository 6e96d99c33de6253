using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Vendor;

/// <summary>The checksums vendor headers use, streamed over byte sources in 1 MiB chunks.</summary>
internal static class VendorChecksums
{
    private const int Chunk = 1 << 20;

    /// <summary>Marvell's 32-bit sum of little-endian words (U-Boot tools/kwbimage.c image_checksum32); length a multiple of 4.</summary>
    public static uint Sum32LittleEndian(IByteSource source, CancellationToken ct)
    {
        uint sum = 0;
        ForEachChunk(source, ct, span =>
        {
            for (int i = 0; i + 4 <= span.Length; i += 4)
            {
                sum += BinaryPrimitives.ReadUInt32LittleEndian(span[i..]);
            }
        });
        return sum;
    }

    /// <summary>8-bit sum of bytes (kwbimage image_checksum8).</summary>
    public static byte Sum8(ReadOnlySpan<byte> span)
    {
        byte sum = 0;
        foreach (byte b in span)
        {
            sum += b;
        }

        return sum;
    }

    /// <summary>MD5 of <paramref name="prefix"/> followed by the source's bytes.</summary>
    public static byte[] Md5(ReadOnlySpan<byte> prefix, IByteSource source, CancellationToken ct)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(prefix);
        ForEachChunk(source, ct, span => md5.AppendData(span));
        return md5.GetHashAndReset();
    }

    /// <summary>
    /// Netgear's checksum (OpenWrt firmware-utils mkchkimg.c netgear_checksum_add/fini): two running
    /// byte sums c0 += byte, c1 += c0, folded to 16 bits each and packed as (c1 &lt;&lt; 16) | c0.
    /// </summary>
    public static uint Netgear(IByteSource source, CancellationToken ct)
    {
        uint c0 = 0, c1 = 0;
        ForEachChunk(source, ct, span =>
        {
            foreach (byte b in span)
            {
                c0 += b;
                c1 += c0;
            }
        });
        uint b0 = (c0 & 0xffff) + (c0 >> 16);
        b0 = ((b0 >> 16) + b0) & 0xffff;
        uint b1 = (c1 & 0xffff) + (c1 >> 16);
        b1 = ((b1 >> 16) + b1) & 0xffff;
        return (b1 << 16) | b0;
    }

    private delegate void ChunkAction(ReadOnlySpan<byte> chunk);

    private static void ForEachChunk(IByteSource source, CancellationToken ct, ChunkAction action)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            for (long off = 0; off < source.Length; off += Chunk)
            {
                ct.ThrowIfCancellationRequested();
                int n = source.ReadFully(off, buffer.AsSpan(0, (int)Math.Min(Chunk, source.Length - off)));
                action(buffer.AsSpan(0, n));
                if (n < Math.Min(Chunk, source.Length - off))
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
