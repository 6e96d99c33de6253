using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats.Yaffs2;

/// <summary>
/// YAFFS2 images from tests/fixtures/yaffs2/make-yaffs2.py, a builder written from the YAFFS2 sources
/// (yaffs_guts.h struct yaffs_obj_hdr, yaffs_packedtags2.h/.c packed tags 2 and their "extra" header info,
/// mkyaffs2image's chunk order) and from how devttys0/yaffshiv and unyaffs read raw dumps (tags at the start
/// of the spare or after two bad-block bytes). unyaffs 0.9.7 (Debian package unyaffs) extracted
/// yaffs2-le-2k64.img and yaffs2-le-4k128-bb.img (-b) to the same tree (unyaffs-check.txt); it reads no
/// big-endian, in-band, 512-byte or kernel-style ("extra" tags) images, so those rest on the builder alone.
/// </summary>
public sealed class Yaffs2ReaderTests
{
    private const uint File = 1;
    private const uint Symlink = 2;
    private const uint Dir = 3;
    private const uint HardLink = 4;

    private static readonly IReadOnlyList<ManifestRow> Tree = ManifestRow.Load(Fixture("yaffs2.files.tsv"));

    private static string Fixture(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "yaffs2", name);

    [Theory]
    [InlineData("yaffs2-le-2k64.img", "little", "2048+64", "spare+0")]
    [InlineData("yaffs2-le-4k128-bb.img", "little", "4096+128", "spare+2")]
    [InlineData("yaffs2-be-2k64.img", "big", "2048+64", "spare+2")]
    [InlineData("yaffs2-le-2k-inband.img", "little", "2048 in-band tags", "in-band")]
    [InlineData("yaffs2-le-512-16.img", "little", "512+16", "spare+0")]
    public void Every_layout_and_byte_order_yields_the_source_tree(string image, string endianness, string layout, string tags)
    {
        using var result = Scan.Run(Fixture(image));
        var layer = result.Single("yaffs2");
        Assert.Equal(endianness, layer.Details["endianness"]);
        Assert.Equal(layout, layer.Details["layout"]);
        Assert.Equal(tags, layer.Details["tags"]);
        Assert.Empty(TreeComparer.Differences(layer.FileSystem!, Tree));
        Assert.Equal(Tree.Count, layer.FileSystem!.Entries.Count);
        Assert.True(result.Complete, string.Join('\n', result.Warnings));
        Assert.Equal(new FileInfo(Fixture(image)).Length, layer.Size);
    }

    [Fact]
    public void Unyaffs_confirmed_the_images_it_can_read()
    {
        var lines = System.IO.File.ReadAllLines(Fixture("unyaffs-check.txt"));
        Assert.Contains(lines, l => l.StartsWith("yaffs2-le-2k64.img:", StringComparison.Ordinal) && l.EndsWith(" ok", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("yaffs2-le-4k128-bb.img:", StringComparison.Ordinal) && l.EndsWith(" ok", StringComparison.Ordinal));
    }

    [Fact]
    public void Newest_chunks_win_shrinks_hide_old_data_deleted_objects_go()
    {
        using var result = Scan.Run(Fixture("yaffs2-history.img"));
        var layer = result.Single("yaffs2");
        var entries = layer.FileSystem!.Entries.ToDictionary(e => e.Path);
        var original = Tree.ToDictionary(r => r.Path);

        Assert.Equal("renamed-phone\n", Text(entries["/etc/hostname"]));

        // Shrunk to 100 bytes, then grown to 6000 with only its second chunk rewritten.
        var busybox = Bytes(entries["/bin/busybox"]);
        Assert.Equal(6000, busybox.Length);
        Assert.All(busybox[100..4096], b => Assert.Equal(0, b));
        Assert.All(busybox[4096..], b => Assert.Equal((byte)'Z', b));
        Assert.Equal(Convert.ToInt32("755", 8), entries["/bin/busybox"].Mode);

        var holey = Bytes(entries["/data/holey"]);
        Assert.Equal((2 * 2048) + 10, holey.Length);
        Assert.All(holey[..4096], b => Assert.Equal(0, b));
        Assert.Equal("0123456789", System.Text.Encoding.ASCII.GetString(holey, 4096, 10));

        Assert.DoesNotContain("/data/zeros.bin", entries.Keys);
        Assert.DoesNotContain("/usr/lib/deep", entries.Keys);
        Assert.DoesNotContain("/usr/lib/deep/libdeep.so.1", entries.Keys);
        Assert.Equal("2", layer.Details["deletedObjects"]);

        // A chunk past /etc/passwd's size is ignored; the hard link still shares its file's content.
        Assert.Equal(long.Parse(original["/etc/passwd"].Size, System.Globalization.CultureInfo.InvariantCulture), entries["/etc/passwd"].Size);
        Assert.Equal("/data/hardlink.bin", entries["/data/random.bin"].HardLinkTo);
        Assert.Equal(Bytes(entries["/data/hardlink.bin"]), Bytes(entries["/data/random.bin"]));
    }

    [Fact]
    public void Loops_bad_links_and_huge_sizes_are_warnings_not_failures()
    {
        var w = new Yaffs2ImageWriter();
        w.Header(257, Dir, 1, "top", mode: 0x41ED);
        w.Header(258, Dir, 259, "a", mode: 0x41ED);         // 258 and 259 are each other's parent: unreachable
        w.Header(259, Dir, 258, "b", mode: 0x41ED);
        w.Header(260, HardLink, 257, "to-missing", equiv: 999);
        w.Header(261, HardLink, 257, "to-dir", equiv: 257);
        w.Header(262, File, 257, "huge", size: 1L << 40);
        w.Data(262, 1, "head"u8.ToArray());
        w.Header(263, File, 257, "small", size: 3);
        w.Data(263, 1, "abc"u8.ToArray());
        w.Data(263, 500_000, "far past the end"u8.ToArray());
        w.Header(264, Symlink, 257, "link", mode: 0xA1FF, alias: "../etc");
        w.Header(265, File, 257, "a/b");                      // a name with '/'
        for (uint i = 0; i < 8; i++)
        {
            w.Header(270 + i, File, 258, $"lost-{i}");         // in the unreachable loop
        }

        // n_bytes larger than a chunk: not plausible, skipped (past the chunks that identify the image).
        w.Data(263, 1, "xyz"u8.ToArray(), nBytes: 60_000);
        w.Header(280, File, 257, "after");
        using var context = new ReadContext(ReadLimits.Default with { MaxTotalBytes = 1L << 30 });
        var result = new Yaffs2Reader().Read(new MemoryByteSource(w.ToArray()), context);
        var entries = result.FileSystem!.Entries.ToDictionary(e => e.Path);

        Assert.Equal(["/top", "/top/after", "/top/huge", "/top/link", "/top/small"], entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("abc", Text(entries["/top/small"]));
        Assert.Equal("../etc", entries["/top/link"].LinkTarget);
        Assert.Equal(2048, entries["/top/huge"].Size);
        Assert.StartsWith("head", Text(entries["/top/huge"]), StringComparison.Ordinal);
        Assert.Contains(result.Warnings, m => m.Contains("not reachable from the root", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, m => m.Contains("names object 999", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, m => m.Contains("names object 257", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, m => m.Contains("--max-total-bytes", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, m => m.Contains("with '/'", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, m => m.Contains("make no sense", StringComparison.Ordinal));
    }

    [Fact]
    public void A_directory_that_is_its_own_parent_is_not_followed()
    {
        var w = new Yaffs2ImageWriter();
        w.Header(257, Dir, 1, "self", mode: 0x41ED);
        w.Header(257, Dir, 257, "self", mode: 0x41ED, seq: 0x1001);   // newer: now its own parent
        w.Header(258, File, 257, "inside", size: 0);
        using var context = new ReadContext(ReadLimits.Default);
        var result = new Yaffs2Reader().Read(new MemoryByteSource(w.ToArray()), context);
        Assert.Empty(result.FileSystem!.Entries);
        Assert.Contains(result.Warnings, m => m.Contains("not reachable from the root", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_limit_stops_the_read_with_a_limit_error()
    {
        using var context = new ReadContext(ReadLimits.Default with { MaxFiles = 5 });
        var bytes = System.IO.File.ReadAllBytes(Fixture("yaffs2-le-2k64.img"));
        Assert.Throws<LimitExceededException>(() => new Yaffs2Reader().Read(new MemoryByteSource(bytes), context));
    }

    [Fact]
    public void Headers_without_matching_tags_are_not_yaffs2()
    {
        // The signature bytes of a directory header under the root, then no tags where any layout puts them.
        var random = new Random(21);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(600, 40_000)];
            random.NextBytes(bytes);
            byte[] head = [3, 0, 0, 0, 1, 0, 0, 0, 0xFF, 0xFF, (byte)'b', (byte)'i', (byte)'n', 0];
            head.CopyTo(bytes, 0);
            Assert.False(new Yaffs2Reader().TryIdentify(new MemoryByteSource(bytes), out _));
        }

        // A real first chunk whose spare is wiped.
        var image = System.IO.File.ReadAllBytes(Fixture("yaffs2-le-2k64.img"));
        image.AsSpan(2048, 64).Fill(0);
        Assert.False(new Yaffs2Reader().TryIdentify(new MemoryByteSource(image), out _));
    }

    [Theory]
    [InlineData("yaffs2-le-2k64.img")]
    [InlineData("yaffs2-be-2k64.img")]
    [InlineData("yaffs2-le-2k-inband.img")]
    [InlineData("yaffs2-le-512-16.img")]
    public void Truncated_images_keep_the_chunks_before_the_cut(string image)
    {
        var bytes = System.IO.File.ReadAllBytes(Fixture(image));
        for (int cut = 100; cut < bytes.Length; cut += 1531)
        {
            using var context = new ReadContext(ReadLimits.Default);
            var source = new MemoryByteSource(bytes.AsMemory(0, cut));
            if (!new Yaffs2Reader().TryIdentify(source, out _))
            {
                Assert.True(cut < 2 * 2112, $"not identified at {cut}");
                continue;
            }

            var result = new Yaffs2Reader().Read(source, context);
            Assert.InRange(result.Length, 1, cut);
            foreach (var e in result.FileSystem!.Entries.Where(e => e.Content is not null))
            {
                Assert.Equal(e.Size, Bytes(e).Length);
            }
        }
    }

    [Theory]
    [InlineData("yaffs2-le-2k64.img")]
    [InlineData("yaffs2-be-2k64.img")]
    [InlineData("yaffs2-le-2k-inband.img")]
    [InlineData("yaffs2-history.img")]
    public async Task Mutated_images_raise_only_format_errors(string image)
    {
        byte[] original = System.IO.File.ReadAllBytes(Fixture(image));
        var random = new Random(image.Aggregate(original.Length, (h, c) => (h * 31) + c));
        var limits = ReadLimits.Default with { MaxTotalBytes = 64L << 20, MaxFiles = 5000 };
        int identified = 0;
        var task = Task.Run(() =>
        {
            for (int i = 0; i < 300; i++)
            {
                byte[] input = FuzzTests.Mutate(original, random);
                var source = new MemoryByteSource(input);
                using var context = new ReadContext(limits);
                try
                {
                    if (!new Yaffs2Reader().TryIdentify(source, out _))
                    {
                        continue;
                    }

                    identified++;
                    var result = new Yaffs2Reader().Read(source, context);
                    Assert.InRange(result.Length, 1, input.Length);
                    foreach (var e in result.FileSystem!.Entries.Where(e => e.Content is not null))
                    {
                        Assert.Equal(e.Size, Bytes(e).Length);
                    }
                }
                catch (FirmwareFormatException)
                {
                    // The one allowed outcome for bad input.
                }
            }
        });
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == task, "300 mutated images did not finish in 60 s");
        await task;
        Assert.True(identified > 60, $"only {identified} mutated images were identified");
    }

    private static byte[] Bytes(FsEntry e)
    {
        var b = new byte[e.Content!.Length];
        e.Content.ReadExactly(0, b, "test");
        return b;
    }

    private static string Text(FsEntry e) => System.Text.Encoding.ASCII.GetString(Bytes(e));
}
