using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Formats.Jffs2;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats.Jffs2;

/// <summary>
/// JFFS2 images from tests/fixtures/jffs2/make-jffs2.sh (mkfs.jffs2, mtd-utils) against the tree the script
/// made them from, and hand-written nodes (layout of include/uapi/linux/jffs2.h) for versions, deletions,
/// holes, LZMA, obsolete and corrupt nodes.
/// </summary>
public sealed class Jffs2ReaderTests
{
    private const uint Dir = 0x41ED;
    private const uint File = 0x81A4;

    private static readonly IReadOnlyList<ManifestRow> Tree = ManifestRow.Load(Fixture("jffs2.files.tsv"));

    internal static string Fixture(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "jffs2", name);

    [Theory]
    [InlineData("jffs2-le-zlib.img", "little", "zlib")]
    [InlineData("jffs2-be-zlib.img", "big", "zlib")]
    [InlineData("jffs2-le-lzo.img", "little", "lzo")]
    [InlineData("jffs2-be-rtime.img", "big", "rtime")]
    [InlineData("jffs2-le-none.img", "little", "none")]
    public void Every_byte_order_and_compressor_yields_the_source_tree(string image, string endianness, string compressor)
    {
        using var result = Scan.Run(Fixture(image));
        var layer = result.Single("jffs2");
        Assert.Equal(endianness, layer.Details["endianness"]);
        Assert.Contains(compressor, layer.Compression!.Split('+'));
        Assert.Empty(TreeComparer.Differences(layer.FileSystem!, Tree));
        Assert.Equal(Tree.Count, layer.FileSystem!.Entries.Count);
        Assert.True(result.Complete, string.Join('\n', result.Warnings));

        // The padded image is all filesystem: nodes, cleanmarkers and erased flash.
        Assert.Equal(new FileInfo(Fixture(image)).Length, layer.Size);
    }

    [Fact]
    public void Cleanmarkers_give_the_erase_block_size()
    {
        using var result = Scan.Run(Fixture("jffs2-le-zlib.img"));
        Assert.Equal("16384", result.Single("jffs2").Details["eraseSize"]);
    }

    [Fact]
    public void Jffs2_crc_is_crc32_seeded_with_zero_without_inversion()
    {
        // Kernel crc32(0, "123456789", 9) = 0x2DFD2D88 (crc32_le, no pre- or post-inversion).
        Assert.Equal(0x2DFD2D88u, Jffs2Crc.Compute("123456789"u8));
        var big = new byte[100_000];
        new Random(5).NextBytes(big);
        Assert.Equal(Bitwise(big.AsSpan(0, 1000)), Jffs2Crc.Compute(big.AsSpan(0, 1000)));
        Assert.Equal(Bitwise(big), Jffs2Crc.Compute(big));
    }

    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        uint slow = 0;
        foreach (byte b in data)
        {
            slow ^= b;
            for (int k = 0; k < 8; k++)
            {
                slow = (slow & 1) != 0 ? 0xEDB88320u ^ (slow >> 1) : slow >> 1;
            }
        }

        return slow;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Newest_versions_win_deleted_names_go_holes_read_as_zeros(bool bigEndian)
    {
        var w = new Jffs2ImageWriter(bigEndian);
        w.Inode(2, 1, Dir, 0);
        w.Dirent(1, "etc", 2, 1, dtType: 4);

        // Two versions of one file: the newer one's data and size win.
        w.Inode(3, 2, File, 9, data: "new-name\n"u8.ToArray());
        w.Inode(3, 1, File, 4, data: "old\n"u8.ToArray());
        w.Dirent(2, "hostname", 3, 1);

        // A newer node overwrites part of an older one.
        w.Inode(4, 1, File, 10, data: "AAAAAAAAAA"u8.ToArray());
        w.Inode(4, 2, File, 10, offset: 3, data: "BBB"u8.ToArray());
        w.Dirent(1, "overlap", 4, 1);

        // A name deleted by a newer dirent with inode 0.
        w.Inode(5, 1, File, 3, data: "bye"u8.ToArray());
        w.Dirent(1, "gone", 5, 1);
        w.Dirent(1, "gone", 0, 2);

        // Data at 8000 only, size 10000: the rest is a hole. A zero-compressed node is a hole too.
        w.Inode(6, 1, File, 10000, offset: 8000, data: "0123456789"u8.ToArray());
        w.Inode(6, 2, File, 10000, offset: 8002, dsize: 4, compr: 1);
        w.Dirent(1, "holey", 6, 1);

        // OpenWrt's raw LZMA (compression 8).
        byte[] text = System.IO.File.ReadAllBytes(Fixture("lzma-raw.txt"));
        w.Inode(7, 1, File, (uint)text.Length, data: System.IO.File.ReadAllBytes(Fixture("lzma-raw.bin")), dsize: (uint)text.Length, compr: 8);
        w.Dirent(1, "lzma.txt", 7, 1);

        // Obsolete (ACCURATE bit cleared on flash) and bad-data-CRC nodes are ignored; dirty bytes are skipped.
        w.Dirent(1, "obsolete", 4, 3, nodeType: 0xC001);
        w.Raw(Enumerable.Repeat((byte)0x55, 100).ToArray());
        w.Inode(8, 1, File, 3, data: "bad"u8.ToArray(), badDataCrc: true);
        w.Dirent(1, "badcrc", 8, 1);

        // A directory that contains itself: reported, not followed forever. A hard link to a file.
        w.Inode(9, 1, Dir, 0);
        w.Dirent(1, "loop", 9, 1, dtType: 4);
        w.Dirent(9, "back", 9, 1, dtType: 4);
        w.Dirent(9, "link", 4, 1);
        w.Raw(Enumerable.Repeat((byte)0xFF, 4096).ToArray());

        using var context = new ReadContext(ReadLimits.Default);
        var result = new Jffs2Reader().Read(new MemoryByteSource(w.ToArray()), context);
        var entries = result.FileSystem!.Entries.ToDictionary(e => e.Path);
        Assert.Equal("new-name\n", Text(entries["/etc/hostname"]));
        Assert.Equal("AAABBBAAAA", Text(entries["/overlap"]));
        Assert.DoesNotContain("/gone", entries.Keys);
        Assert.DoesNotContain("/obsolete", entries.Keys);
        Assert.DoesNotContain("/badcrc", entries.Keys);
        Assert.DoesNotContain("/loop/back", entries.Keys);
        Assert.Equal("/loop/link", entries["/overlap"].HardLinkTo);
        Assert.Equal("AAABBBAAAA", Text(entries["/loop/link"]));

        var holey = Bytes(entries["/holey"]);
        Assert.Equal(10000, holey.Length);
        Assert.All(holey[..8000], b => Assert.Equal(0, b));
        Assert.Equal("01\0\0\0\06789", System.Text.Encoding.ASCII.GetString(holey, 8000, 10));
        Assert.All(holey[8010..], b => Assert.Equal(0, b));

        Assert.Equal(text, Bytes(entries["/lzma.txt"]));
        Assert.Contains("lzma", result.Compression!);
        Assert.Contains(result.Warnings, m => m.Contains("skipped 100 bytes", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, m => m.Contains("already reached", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, m => m.Contains("no valid inode node", StringComparison.Ordinal));
    }

    [Fact]
    public void Rtime_refuses_input_that_runs_out_or_overflows()
    {
        var output = new byte[16];
        Assert.False(Jffs2Decompressor.Rtime([0x41], output));
        Assert.False(Jffs2Decompressor.Rtime([0x41, 200], output));
        Assert.True(Jffs2Decompressor.Rtime([0x41, 0, 0x41, 14], output));
        Assert.Equal(new string('A', 16), System.Text.Encoding.ASCII.GetString(output));
    }

    [Fact]
    public void A_file_limit_stops_the_read_with_a_limit_error()
    {
        using var context = new ReadContext(ReadLimits.Default with { MaxFiles = 5 });
        var bytes = System.IO.File.ReadAllBytes(Fixture("jffs2-le-zlib.img"));
        Assert.Throws<LimitExceededException>(() => new Jffs2Reader().Read(new MemoryByteSource(bytes), context));
    }

    [Theory]
    [InlineData("jffs2-le-zlib.img")]
    [InlineData("jffs2-be-rtime.img")]
    [InlineData("jffs2-le-lzo.img")]
    public void Truncated_images_keep_the_nodes_before_the_cut(string image)
    {
        var bytes = System.IO.File.ReadAllBytes(Fixture(image));
        for (int cut = 12; cut < bytes.Length; cut += 509)
        {
            using var context = new ReadContext(ReadLimits.Default);
            var source = new MemoryByteSource(bytes.AsMemory(0, cut));
            Assert.True(new Jffs2Reader().TryIdentify(source, out _));
            var result = new Jffs2Reader().Read(source, context);
            Assert.InRange(result.Length, 1, cut);
            foreach (var e in result.FileSystem!.Entries.Where(e => e.Content is not null))
            {
                Bytes(e);
            }
        }
    }

    [Theory]
    [InlineData("jffs2-le-zlib.img")]
    [InlineData("jffs2-be-zlib.img")]
    [InlineData("jffs2-le-lzo.img")]
    [InlineData("jffs2-be-rtime.img")]
    [InlineData("jffs2-le-none.img")]
    public async Task Mutated_images_raise_only_format_errors(string image)
    {
        byte[] original = System.IO.File.ReadAllBytes(Fixture(image));
        int identified = await FormatFuzzer.RunWithin(new Jffs2Reader(), original, image.Aggregate(original.Length, (h, c) => (h * 31) + c), TimeSpan.FromSeconds(60));
        Assert.True(identified > 60, $"only {identified} mutated images were identified");
    }

    [Fact]
    public void Random_bytes_after_a_valid_header_are_not_an_unhandled_error()
    {
        var random = new Random(77);
        var w = new Jffs2ImageWriter(false);
        w.Inode(2, 1, File, 5, data: "hello"u8.ToArray());
        byte[] head = w.ToArray();
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[head.Length + random.Next(0, 5000)];
            random.NextBytes(bytes);
            head.CopyTo(bytes, 0);
            using var context = new ReadContext(ReadLimits.Default);
            var result = new Jffs2Reader().Read(new MemoryByteSource(bytes), context);
            Assert.InRange(result.Length, 12, bytes.Length);
        }
    }

    private static byte[] Bytes(FsEntry e)
    {
        var b = new byte[e.Content!.Length];
        e.Content.ReadExactly(0, b, "test");
        return b;
    }

    private static string Text(FsEntry e) => System.Text.Encoding.ASCII.GetString(Bytes(e));
}
