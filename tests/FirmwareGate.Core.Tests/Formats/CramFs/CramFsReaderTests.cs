using System.Buffers.Binary;
using System.IO.Hashing;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats.CramFs;

/// <summary>
/// cramfs images from tests/fixtures/cramfs/make-cramfs.sh (mkfs.cramfs, util-linux-extra) against the tree
/// the script made them from, and images patched by the layout of include/uapi/linux/cramfs_fs.h and
/// fs/cramfs/README (superblock, inode bit fields, block pointers) for CRCs, loops and corrupt input.
/// </summary>
public sealed class CramFsReaderTests
{
    private static readonly IReadOnlyList<ManifestRow> Tree = ManifestRow.Load(Fixture("cramfs.files.tsv"));

    internal static string Fixture(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "cramfs", name);

    [Theory]
    [InlineData("cramfs-le-holes.img", "little", "4096")]
    [InlineData("cramfs-be.img", "big", "4096")]
    [InlineData("cramfs-be-boot.img", "big", "4096")]
    [InlineData("cramfs-le-16k.img", "little", "16384")]
    public void Every_byte_order_and_layout_yields_the_source_tree(string image, string endianness, string blockSize)
    {
        using var result = Scan.Run(Fixture(image));
        var layer = result.Single("cramfs");
        Assert.Equal(endianness, layer.Details["endianness"]);
        Assert.Equal(blockSize, layer.Details["blockSize"]);
        Assert.Equal("ok", layer.Details["crc"]);
        Assert.Empty(TreeComparer.Differences(layer.FileSystem!, Tree));
        Assert.Equal(Tree.Count, layer.FileSystem!.Entries.Count);
        Assert.True(result.Complete, string.Join('\n', result.Warnings));

        // The superblock's size is the whole image, boot block and padding included.
        Assert.Equal(new FileInfo(Fixture(image)).Length, layer.Size);
    }

    [Fact]
    public void The_boot_block_belongs_to_the_layer()
    {
        using var result = Scan.Run(Fixture("cramfs-be-boot.img"));
        var layer = result.Single("cramfs");
        Assert.Equal(0, layer.Offset);
        Assert.Equal("512", layer.Details["bootBlock"]);
    }

    [Fact]
    public void Holes_are_stored_as_empty_blocks_and_read_as_zeros()
    {
        var bytes = File.ReadAllBytes(Fixture("cramfs-le-holes.img"));
        Assert.Equal(0x100u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) & 0x100);
        var sparse = Read(bytes).FileSystem!.Entries.Single(e => e.Path == "/data/sparse.bin");
        var content = Bytes(sparse);
        Assert.All(content.AsSpan(4096, 20480).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_crc_mismatch_is_a_warning_and_the_tree_is_still_read()
    {
        var bytes = File.ReadAllBytes(Fixture("cramfs-le-holes.img"));
        bytes[32] ^= 0xFF;
        var result = Read(bytes);
        Assert.Contains(result.Warnings, w => w.Contains("CRC", StringComparison.Ordinal));
        Assert.Equal("mismatch", result.Details["crc"]);
        Assert.Equal(Tree.Count, result.FileSystem!.Entries.Count);
    }

    [Fact]
    public void Sizes_are_24_bits_and_gids_8_bits_as_stored()
    {
        // Patch /usr/lib/deep/libdeep.so.1's gid byte to 0xFF: the reader reports the stored 8 bits.
        var bytes = File.ReadAllBytes(Fixture("cramfs-le-holes.img"));
        int at = FindInode(bytes, "libdeep.so.1");
        bytes[at + 7] = 0xFF;
        Fix(bytes, bigEndian: false);
        var e = Read(bytes).FileSystem!.Entries.Single(x => x.Path == "/usr/lib/deep/libdeep.so.1");
        Assert.Equal(255, e.Gid);
        Assert.Equal(1000, e.Uid);
        Assert.Equal(3008, e.Size);
    }

    [Fact]
    public void A_directory_that_lists_itself_is_entered_once()
    {
        // Point /usr/lib/deep's entries at /usr's: a loop /usr/lib/deep -> /usr -> /usr/lib -> ...
        var bytes = File.ReadAllBytes(Fixture("cramfs-le-holes.img"));
        int usr = FindInode(bytes, "usr");
        int deep = FindInode(bytes, "deep");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(deep + 4), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(usr + 4)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(deep + 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(deep + 8)) & 0x3F | (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(usr + 8)) & ~0x3Fu));
        Fix(bytes, bigEndian: false);
        var result = Read(bytes);
        Assert.Contains(result.Warnings, w => w.Contains("a loop", StringComparison.Ordinal));
        Assert.DoesNotContain(result.FileSystem!.Entries, e => e.Path.StartsWith("/usr/lib/deep/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_limit_stops_the_read_with_a_limit_error()
    {
        using var context = new ReadContext(ReadLimits.Default with { MaxFiles = 5 });
        var bytes = File.ReadAllBytes(Fixture("cramfs-be.img"));
        Assert.Throws<LimitExceededException>(() => new CramFsReader().Read(new MemoryByteSource(bytes), context));
    }

    [Theory]
    [InlineData("cramfs-le-holes.img")]
    [InlineData("cramfs-be-boot.img")]
    public void Truncated_images_give_format_errors_or_warnings(string image)
    {
        var bytes = File.ReadAllBytes(Fixture(image));
        for (int cut = 600; cut < bytes.Length; cut += 997)
        {
            var source = new MemoryByteSource(bytes.AsMemory(0, cut));
            Assert.True(new CramFsReader().TryIdentify(source, out _));
            using var context = new ReadContext(ReadLimits.Default);
            try
            {
                var result = new CramFsReader().Read(source, context);
                Assert.InRange(result.Length, 76, cut);
                Assert.Contains(result.Warnings, w => w.Contains("truncated", StringComparison.Ordinal));
                ReadAll(result);
            }
            catch (FirmwareFormatException)
            {
                // A block past the cut: the allowed outcome.
            }
        }
    }

    [Theory]
    [InlineData("cramfs-le-holes.img")]
    [InlineData("cramfs-be.img")]
    [InlineData("cramfs-be-boot.img")]
    [InlineData("cramfs-le-16k.img")]
    public async Task Mutated_images_raise_only_format_errors(string image)
    {
        byte[] original = File.ReadAllBytes(Fixture(image));
        int identified = await FormatFuzzer.RunWithin(new CramFsReader(), original, image.Aggregate(original.Length, (h, c) => (h * 31) + c), TimeSpan.FromSeconds(60));
        Assert.True(identified > 60, $"only {identified} mutated images were identified");
    }

    [Fact]
    public void Random_bytes_after_a_valid_superblock_are_not_an_unhandled_error()
    {
        var random = new Random(78);
        byte[] head = File.ReadAllBytes(Fixture("cramfs-le-holes.img")).AsSpan(0, 76).ToArray();
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[head.Length + random.Next(0, 20000)];
            random.NextBytes(bytes);
            head.CopyTo(bytes, 0);
            using var context = new ReadContext(ReadLimits.Default);
            try
            {
                var result = new CramFsReader().Read(new MemoryByteSource(bytes), context);
                Assert.InRange(result.Length, 76, bytes.Length);
                ReadAll(result);
            }
            catch (FirmwareFormatException)
            {
                // Allowed.
            }
        }
    }

    private static ReadResult Read(byte[] bytes)
    {
        using var context = new ReadContext(ReadLimits.Default);
        return new CramFsReader().Read(new MemoryByteSource(bytes), context);
    }

    private static void ReadAll(ReadResult result)
    {
        foreach (var e in result.FileSystem!.Entries.Where(e => e.Content is not null))
        {
            Bytes(e);
        }
    }

    // The inode before a name: 12 bytes of fields, then the name padded to 4 bytes.
    private static int FindInode(byte[] bytes, string name)
    {
        var needle = System.Text.Encoding.ASCII.GetBytes(name).Concat(new byte[(4 - (name.Length % 4)) % 4]).ToArray();
        int at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at > 12, name);
        return at - 12;
    }

    // Recomputes fsid.crc as mkfs.cramfs does: CRC-32 of the image with the crc field zeroed.
    private static void Fix(byte[] bytes, bool bigEndian)
    {
        uint size = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        bytes.AsSpan(32, 4).Clear();
        uint crc = Crc32.HashToUInt32(bytes.AsSpan(0, (int)size));
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(32), crc);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), crc);
        }
    }

    private static byte[] Bytes(FsEntry e)
    {
        var b = new byte[e.Content!.Length];
        e.Content.ReadExactly(0, b, "test");
        return b;
    }
}
