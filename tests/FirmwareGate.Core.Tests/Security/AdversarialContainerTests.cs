using System.Buffers.Binary;
using System.IO.Hashing;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>Crafted containers and compressed streams that aim at memory, time or the report.</summary>
public sealed class AdversarialContainerTests
{
    /// <summary>
    /// An .xz stream whose one block claims an LZMA2 dictionary of <paramref name="dictionaryProperty"/>
    /// (size (2 | (p &amp; 1)) &lt;&lt; (p / 2 + 11)) and holds <paramref name="data"/> as stored chunks.
    /// </summary>
    internal static byte[] Xz(byte dictionaryProperty, byte[] data)
    {
        var s = new MemoryStream();
        byte[] header = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x00, 0, 0, 0, 0]; // check type none
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Crc32.HashToUInt32(header.AsSpan(6, 2)));
        s.Write(header);

        // Block header: size 12 bytes, one filter (LZMA2, 1 property byte), padding, CRC32.
        byte[] block = [0x02, 0x00, 0x21, 0x01, dictionaryProperty, 0, 0, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(8), Crc32.HashToUInt32(block.AsSpan(0, 8)));
        s.Write(block);
        long compressed = 0;
        for (int at = 0; at < data.Length; at += 1 << 16)
        {
            int n = Math.Min(1 << 16, data.Length - at);
            s.Write([at == 0 ? (byte)0x01 : (byte)0x02, (byte)((n - 1) >> 8), (byte)(n - 1)]);
            s.Write(data, at, n);
            compressed += 3 + n;
        }

        s.WriteByte(0x00);
        compressed += 1;
        long unpadded = block.Length + compressed;
        while (s.Length % 4 != 0)
        {
            s.WriteByte(0);
        }

        // Index: one record (unpadded size, uncompressed size), padding, CRC32.
        var index = new MemoryStream();
        index.WriteByte(0x00);
        index.WriteByte(0x01);
        WriteVarint(index, unpadded);
        WriteVarint(index, data.Length);
        while (index.Length % 4 != 0)
        {
            index.WriteByte(0);
        }

        byte[] indexBytes = index.ToArray();
        s.Write(indexBytes);
        s.Write(BitConverter.GetBytes(Crc32.HashToUInt32(indexBytes)));

        byte[] footer = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(footer.AsSpan(4), (uint)((indexBytes.Length + 4) / 4 - 1));
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32.HashToUInt32(footer.AsSpan(4, 6)));
        footer[10] = (byte)'Y';
        footer[11] = (byte)'Z';
        s.Write(footer);
        return s.ToArray();
    }

    private static void WriteVarint(Stream s, long value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        s.WriteByte((byte)value);
    }

    [Fact]
    public void Xz_with_a_small_dictionary_decodes()
    {
        using var temp = new TempDir();
        byte[] payload = new TarWriter().File("etc/hostname", "fixture\n"u8.ToArray()).ToArray();
        string path = temp.Combine("small.xz");
        File.WriteAllBytes(path, Xz(16, payload));
        foreach (bool native in new[] { true, false })
        {
            using var result = Scan.Run(path, native: native);
            var xz = result.Single("xz");
            Assert.Empty(xz.Warnings);
            Assert.Single(result.WithFileSystem("tar"));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Xz_claiming_a_384_mib_dictionary_is_refused_before_the_window_exists(bool native)
    {
        // The window fills as the stream decodes: a few MB of compressible input would hold 384 MiB
        // beside the scan's 256 MiB memory budget (603 MB peak RSS measured before the limit).
        using var temp = new TempDir();
        string path = temp.Combine("dict.xz");
        File.WriteAllBytes(path, Xz(33, new byte[100_000]));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        using var result = Scan.Run(path, native: native);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        var xz = result.Single("xz");
        Assert.Contains(xz.Warnings, w => w.Contains("dictionary", StringComparison.Ordinal));
        Assert.True(allocated < 64L << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Lzma_alone_claiming_a_1_gib_dictionary_allocates_no_window_in_managed_code()
    {
        // lc=3 lp=0 pb=2, dictionary 1 GiB, size unknown, then a range coder stream of zeros.
        byte[] image = new byte[4096];
        image[0] = 0x5D;
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(1), 1u << 30);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(5), ulong.MaxValue);
        using var temp = new TempDir();
        string path = temp.Combine("dict.lzma");
        File.WriteAllBytes(path, image);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        using var result = Scan.Run(path, native: false);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(allocated < 64L << 20, $"allocated {allocated} bytes");
    }
}
