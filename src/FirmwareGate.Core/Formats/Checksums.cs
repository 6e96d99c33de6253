using System.Buffers;
using System.IO.Hashing;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>Streaming checksums over byte sources.</summary>
internal static class Checksums
{
    /// <summary>CRC-32 (IEEE, zlib's) of a source, streamed in 1 MiB chunks.</summary>
    public static uint Crc32Of(IByteSource source, CancellationToken ct = default)
    {
        var crc = new Crc32();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (long off = 0; off < source.Length; off += 1 << 20)
            {
                ct.ThrowIfCancellationRequested();
                int n = source.ReadFully(off, buffer.AsSpan(0, (int)Math.Min(1 << 20, source.Length - off)));
                crc.Append(buffer.AsSpan(0, n));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return crc.GetCurrentHashAsUInt32();
    }
}
