using System.Buffers.Binary;
using System.Security.Cryptography;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Formats.Small;

/// <summary>Android sparse images built by tests/fixtures/small-formats/make-android-sparse.sh (img2simg).</summary>
public sealed class AndroidSparseReaderTests
{
    private static string Fixture(string name) => TestPaths.Fixture(Path.Combine("AndroidSparse", name));

    [Fact]
    public void Expanded_image_matches_the_raw_image_and_its_squashfs_yields_the_tree()
    {
        using var result = Scan.Run(Fixture("image.simg"));
        var sparse = result.Single("android-sparse");
        Assert.Equal("4096", sparse.Details["blockSize"]);
        Assert.Equal((4L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), sparse.Details["expandedSize"]);
        var squashfs = result.Single("squashfs");
        Assert.Empty(TreeComparer.Differences(squashfs.FileSystem!, ManifestRow.Load(Fixture("tree.files.tsv"))));
        var cpio = result.Single("cpio");
        Assert.Empty(TreeComparer.Differences(cpio.FileSystem!, ManifestRow.Load(Fixture("tree.files.tsv"))));
        Assert.Empty(sparse.Warnings);
    }

    [Fact]
    public void Raw_fill_and_hole_chunks_expand_to_the_original_bytes()
    {
        var (read, _) = ReadFixture(File.ReadAllBytes(Fixture("image.simg")));
        var image = Assert.Single(read.Children).Data;
        Assert.Equal(File.ReadAllText(Fixture("image.raw.sha256")).Trim(), TreeComparer.Sha256(image));

        // Odd-sized reads across chunk borders and inside the fill pattern agree with one-shot reads.
        var whole = new byte[image.Length];
        image.ReadFully(0, whole);
        var pieces = new byte[image.Length];
        for (long off = 0; off < image.Length; off += 4093)
        {
            image.ReadFully(off, pieces.AsSpan((int)off, (int)Math.Min(4093, image.Length - off)));
        }

        Assert.Equal(whole, pieces);
        Assert.Equal(0xDEADBEEFu, BinaryPrimitives.ReadUInt32BigEndian(whole.AsSpan(256 * 4096)));
    }

    [Fact]
    public void A_huge_hole_costs_no_memory_and_counts_toward_the_output_limit()
    {
        // One 16 GiB don't-care chunk: listed without materialising it, refused by a 4 GiB limit.
        byte[] image = Build(4096, 4u << 20, [Chunk(0xCAC3, 4u << 20, [])]);
        using (var context = new ReadContext(ReadLimits.Default with { MaxTotalBytes = 32L << 30 }))
        {
            var read = new AndroidSparseReader().Read(new MemoryByteSource(image), context);
            Assert.Equal(16L << 30, read.Children[0].Data.Length);
            Assert.Equal(0, context.PeakInMemoryBytes);
        }

        using var limited = new ReadContext(ReadLimits.Default);
        Assert.Throws<LimitExceededException>(() => new AndroidSparseReader().Read(new MemoryByteSource(image), limited));
    }

    [Fact]
    public void Crc32_checkpoints_are_verified()
    {
        byte[] data = RandomNumberGenerator.GetBytes(8192);
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(data);
        byte[] good = Build(4096, 2, [Chunk(0xCAC1, 2, data), Chunk(0xCAC4, 0, BitConverter.GetBytes(crc))]);
        Assert.Empty(ReadFixture(good).Result.Warnings);
        byte[] bad = Build(4096, 2, [Chunk(0xCAC1, 2, data), Chunk(0xCAC4, 0, BitConverter.GetBytes(crc ^ 1))]);
        Assert.Contains(ReadFixture(bad).Result.Warnings, w => w.Contains("CRC32 checkpoint mismatch", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0x40, 1000, "blocks run past")] // a chunk claims more blocks than the header leaves (seen at the chunk that overflows)
    [InlineData(0x3A, 7, "chunk 1: ")] // chunk total size smaller than its header
    [InlineData(0x2C, 0xCAFF, "unknown chunk type")]
    public void Corrupt_chunks_keep_the_chunks_before_them_with_a_warning(int at, int value, string warning)
    {
        byte[] image = File.ReadAllBytes(Fixture("image.simg"));
        long second = 28 + BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(28 + 8));
        int field = at switch { 0x40 => 4, 0x3A => 8, _ => 0 };
        if (field == 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan((int)second), (ushort)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan((int)second + field), (uint)value);
        }

        var (read, _) = ReadFixture(image);
        Assert.Contains(read.Warnings, w => w.Contains(warning, StringComparison.Ordinal));
        Assert.Equal(4L << 20, read.Children[0].Data.Length);
    }

    [Fact]
    public void Truncated_image_reads_as_far_as_it_goes()
    {
        byte[] image = File.ReadAllBytes(Fixture("image.simg"));
        var (read, _) = ReadFixture(image[..20000]);
        Assert.Contains(read.Warnings, w => w.Contains("truncated", StringComparison.Ordinal));
        Assert.Throws<TruncatedInputException>(() => new AndroidSparseReader().Read(new MemoryByteSource(image[..20]), new ReadContext(ReadLimits.Default)));
    }

    [Fact]
    public void Mutated_images_raise_only_format_errors()
    {
        byte[] original = File.ReadAllBytes(Fixture("image.simg"));
        Assert.True(FormatFuzzer.Run(new AndroidSparseReader(), original, seed: 2101) > 60);
    }

    private static (ReadResult Result, long Produced) ReadFixture(byte[] bytes)
    {
        using var context = new ReadContext(ReadLimits.Default);
        var reader = new AndroidSparseReader();
        var source = new MemoryByteSource(bytes);
        Assert.True(reader.TryIdentify(source, out _));
        var read = reader.Read(source, context);
        return (read, context.Budget.BytesProduced);
    }

    private static byte[] Chunk(ushort type, uint blocks, byte[] data)
    {
        var c = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(c, type);
        BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(4), blocks);
        BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(8), (uint)c.Length);
        data.CopyTo(c, 12);
        return c;
    }

    // Header layout from AOSP system/core/libsparse/sparse_format.h (sparse_header_t).
    private static byte[] Build(uint blockSize, uint blocks, byte[][] chunks)
    {
        var h = new byte[28];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0xED26FF3A);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(8), 28);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(10), 12);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(12), blockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), blocks);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(20), (uint)chunks.Length);
        return [.. h, .. chunks.SelectMany(c => c)];
    }
}
