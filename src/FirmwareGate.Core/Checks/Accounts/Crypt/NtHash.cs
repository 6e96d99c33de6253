using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace FirmwareGate.Core.Checks.Accounts.Crypt;

/// <summary>The NT hash: MD4 (RFC 1320) of the UTF-16LE password. The BCL has no MD4, so this is a direct implementation.</summary>
internal static class NtHash
{
    /// <summary>The 16-byte NT hash of <paramref name="password"/>.</summary>
    public static byte[] Of(string password) => Md4(Encoding.Unicode.GetBytes(password));

    /// <summary>MD4 of <paramref name="data"/>.</summary>
    public static byte[] Md4(ReadOnlySpan<byte> data)
    {
        uint a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
        long bitLength = (long)data.Length * 8;
        int padded = ((data.Length + 8) / 64 + 1) * 64;
        byte[] message = new byte[padded];
        data.CopyTo(message);
        message[data.Length] = 0x80;
        BinaryPrimitives.WriteInt64LittleEndian(message.AsSpan(padded - 8), bitLength);
        Span<uint> x = stackalloc uint[16];
        for (int block = 0; block < padded; block += 64)
        {
            for (int i = 0; i < 16; i++)
            {
                x[i] = BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(block + (i * 4)));
            }

            uint aa = a, bb = b, cc = c, dd = d;
            ReadOnlySpan<int> s1 = [3, 7, 11, 19];
            for (int i = 0; i < 16; i++)
            {
                uint f = (b & c) | (~b & d);
                uint t = BitOperations.RotateLeft(a + f + x[i], s1[i % 4]);
                (a, b, c, d) = (d, t, b, c);
            }

            ReadOnlySpan<int> s2 = [3, 5, 9, 13];
            ReadOnlySpan<int> k2 = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];
            for (int i = 0; i < 16; i++)
            {
                uint g = (b & c) | (b & d) | (c & d);
                uint t = BitOperations.RotateLeft(a + g + x[k2[i]] + 0x5a827999, s2[i % 4]);
                (a, b, c, d) = (d, t, b, c);
            }

            ReadOnlySpan<int> s3 = [3, 9, 11, 15];
            ReadOnlySpan<int> k3 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];
            for (int i = 0; i < 16; i++)
            {
                uint h = b ^ c ^ d;
                uint t = BitOperations.RotateLeft(a + h + x[k3[i]] + 0x6ed9eba1, s3[i % 4]);
                (a, b, c, d) = (d, t, b, c);
            }

            a += aa;
            b += bb;
            c += cc;
            d += dd;
        }

        byte[] digest = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(digest, a);
        BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(4), b);
        BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(8), c);
        BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(12), d);
        return digest;
    }
}
