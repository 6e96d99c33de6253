using System.IO.Hashing;

namespace FirmwareGate.Core.Formats.Jffs2;

/// <summary>
/// The CRC JFFS2 stores: the kernel's <c>crc32(0, data, len)</c> (crc32_le seeded with 0, no final
/// inversion; mtd-utils mkfs.jffs2 uses the same). CRC-32 is affine in its seed, so
/// raw(0, d) = IEEE(d) xor IEEE(zeros of the same length), computed with the vectorised IEEE CRC.
/// </summary>
internal static class Jffs2Crc
{
    private const int ZeroBlock = 1 << 16;
    private static readonly byte[] Zeros = new byte[ZeroBlock];
    private static readonly uint[] Table = BuildTable();

    /// <summary>crc32_le(0, data).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        if (data.Length > ZeroBlock)
        {
            return Slow(data);
        }

        return Crc32.HashToUInt32(data) ^ Crc32.HashToUInt32(Zeros.AsSpan(0, data.Length));
    }

    private static uint Slow(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
