using System.IO.Compression;
using System.Text.RegularExpressions;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats.Ext4;

/// <summary>
/// The ext2/3/4 fixtures (tests/fixtures/ext4/make-ext4.sh, mke2fs -d from e2fsprogs) against the tree
/// the script put in them, and the same images damaged: loops, maps pointing outside, truncation.
/// </summary>
public sealed partial class Ext4FixtureTests
{
    private static readonly IReadOnlyList<ManifestRow> Tree = ManifestRow.Load(TestPaths.Fixture("ext4/tree.files.tsv"));

    // mke2fs 1.47.0 -d with inline_data stores files that end in a hole (or in zero blocks) with i_size cut
    // at their last data block (debugfs stat shows the same sizes): the image, not the reader, differs there.
    private static readonly HashSet<string> InlineMke2fsShortened = new(StringComparer.Ordinal)
    {
        "/data/big-sparse.img", "/data/fragmented.bin", "/data/sparse.img", "/usr/lib/deep/er/libdeep.so.1",
    };

    [Theory]
    [InlineData("ext2-1k", "ext2")] // block maps up to the triple indirect block, 128-byte inodes
    [InlineData("ext3-1k", "ext3")] // journal, hashed (htree) directory of 500 entries
    [InlineData("ext4-4k", "ext4")] // extents, an extent tree of depth 1, uninitialised tails
    [InlineData("ext4-noextent", "ext4")] // ext4 features with block maps
    [InlineData("ext4-inline", "ext4")] // inline data in i_block and system.data, inline directories
    [InlineData("ext4-64bit", "ext4")] // 64-byte group descriptors, meta_bg
    public void Fixture_yields_the_tree_it_was_built_from(string image, string variant)
    {
        using var result = Scan.Run(TestPaths.Fixture($"ext4/{image}.img.gz"));
        var layer = Assert.Single(result.WithFileSystem("ext4"));
        Assert.Equal(variant, layer.Details["variant"]);
        var diffs = TreeComparer.Differences(layer.FileSystem!, Tree)
            .Where(d => image != "ext4-inline" || !InlineMke2fsShortened.Any(p => d.StartsWith(p + ": size", StringComparison.Ordinal) || d.StartsWith(p + ": sha256", StringComparison.Ordinal)))
            .ToList();
        Assert.True(diffs.Count == 0, string.Join('\n', diffs.Take(40)));
        Assert.Equal(Tree.Count, layer.FileSystem!.Entries.Count);
        if (image == "ext4-inline")
        {
            // What the inodes say (debugfs stat): i_size 1024 for libdeep.so.1, 20480 for sparse.img.
            Assert.Equal(1024, layer.FileSystem.Entries.Single(e => e.Path == "/usr/lib/deep/er/libdeep.so.1").Size);
            Assert.Equal(20480, layer.FileSystem.Entries.Single(e => e.Path == "/data/sparse.img").Size);
        }

        Assert.True(result.Complete, string.Join('\n', result.Warnings));
        Assert.Equal(0, result.Coverage.Unknown);
    }

    [Theory]
    [InlineData("ext2-1k")]
    [InlineData("ext4-inline")]
    public void Root_listing_matches_debugfs(string image)
    {
        var names = File.ReadAllLines(TestPaths.Fixture($"ext4/{image}.debugfs-ls.txt"))
            .Select(l => l.Trim().Split(' ')).Where(f => f.Length > 1).Select(f => f[^1])
            .Where(n => n is not ("." or ".." or "lost+found")).Order(StringComparer.Ordinal).ToList();
        var tree = Read(Image(image));
        var root = tree.Entries.Where(e => e.Path.LastIndexOf('/') == 0).Select(e => e.Path[1..]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names, root);
    }

    [Fact]
    public void Hard_links_devices_and_wide_ids_are_read()
    {
        var tree = Read(Image("ext4-4k"));
        var byPath = tree.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        Assert.Equal("/data/hardlink.bin", byPath["/data/original.bin"].HardLinkTo);
        Assert.Equal((259, 65537), (byPath["/dev/wide"].Major, byPath["/dev/wide"].Minor));
        Assert.Equal((100000L, 200000L), (byPath["/etc/hostname"].Uid, byPath["/etc/hostname"].Gid));
        Assert.Equal(70L << 20, byPath["/data/big-sparse.img"].Size);
        Assert.Equal(500, tree.Entries.Count(e => e.Path.StartsWith("/many/", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_directory_entry_naming_the_root_is_a_loop_reported_once()
    {
        byte[] image = Image("ext2-1k");
        // The root's entry "many" (name_len 4, file type 2 = directory) now names inode 2, the root itself.
        int at = image.AsSpan().IndexOf("\x04\x02many"u8);
        Assert.True(at > 6);
        BitConverter.GetBytes(2u).CopyTo(image, at - 6);
        var (tree, warnings) = ReadWithWarnings(image);
        Assert.Contains(warnings, w => w.Contains("directory loop", StringComparison.Ordinal));
        Assert.Contains(tree.Entries, e => e.Path == "/many" && e.Type == EntryType.Dir);
        Assert.DoesNotContain(tree.Entries, e => e.Path.StartsWith("/many/", StringComparison.Ordinal));
    }

    [Fact]
    public void An_indirect_block_pointing_at_itself_is_a_loop_not_a_hang()
    {
        byte[] image = Image("ext2-1k");
        long tind = MapBlock("ext2-1k.big-sparse-map.txt", "TIND");
        // The triple indirect block's first pointer names the triple indirect block again.
        BitConverter.GetBytes((uint)tind).CopyTo(image, (int)(tind * 1024));
        var (tree, warnings) = ReadWithWarnings(image);
        Assert.Contains(warnings, w => w.Contains("used twice", StringComparison.Ordinal));
        var big = tree.Entries.Single(e => e.Path == "/data/big-sparse.img");
        var head = new byte[15];
        big.Content!.ReadFully(1 << 20, head);
        Assert.Equal("one mebibyte in"u8.ToArray(), head);
    }

    [Fact]
    public void An_extent_pointing_outside_the_filesystem_reads_as_zeros_with_a_warning()
    {
        byte[] image = Image("ext4-4k");
        long leaf = ExtentLeafBlock("ext4-4k.fragmented-extents.txt");
        // First leaf entry: ee_start_lo (offset 8 of the 12-byte entry after the 12-byte header) far past the end.
        BitConverter.GetBytes(0xFFFFFF00u).CopyTo(image, (int)((leaf * 4096) + 12 + 8));
        var (tree, warnings) = ReadWithWarnings(image);
        Assert.Contains(warnings, w => w.Contains("outside the filesystem", StringComparison.Ordinal));
        var file = tree.Entries.Single(e => e.Path == "/data/fragmented.bin");
        var first = new byte[1500];
        file.Content!.ReadFully(0, first);
        Assert.DoesNotContain(first, b => b != 0);
    }

    [Fact]
    public void An_extent_index_naming_its_own_node_is_a_loop()
    {
        byte[] image = Image("ext4-4k");
        long leaf = ExtentLeafBlock("ext4-4k.fragmented-extents.txt");
        // The leaf turns into an index node (depth 1) whose one entry points back at itself.
        int at = (int)(leaf * 4096);
        BitConverter.GetBytes((ushort)1).CopyTo(image, at + 2);
        BitConverter.GetBytes((ushort)1).CopyTo(image, at + 6);
        BitConverter.GetBytes((uint)leaf).CopyTo(image, at + 12 + 4);
        var (_, warnings) = ReadWithWarnings(image);
        Assert.NotEmpty(warnings);
    }

    [Theory]
    [InlineData("ext4-4k")]
    [InlineData("ext2-1k")]
    public void A_truncated_image_is_read_as_far_as_it_goes(string name)
    {
        byte[] image = Image(name);
        foreach (int keep in new[] { 2048, 4096, 65536, image.Length / 3, image.Length / 2 })
        {
            try
            {
                var (_, warnings) = ReadWithWarnings(image[..keep]);
                Assert.Contains(warnings, w => w.Contains("truncated", StringComparison.Ordinal));
            }
            catch (FirmwareFormatException)
            {
                // Also fine: the root or the descriptors were cut off.
            }
        }
    }

    [Fact]
    public void Inflated_counts_are_rejected_or_bounded()
    {
        byte[] image = Image("ext4-4k");
        var reader = new Ext4Reader();

        // s_blocks_count far past the image, s_inodes_count inconsistent with the groups.
        byte[] blocks = (byte[])image.Clone();
        BitConverter.GetBytes(0x7FFFFFFFu).CopyTo(blocks, 1024 + 4);
        Assert.False(reader.TryIdentify(new MemoryByteSource(blocks), out _));
        byte[] inodes = (byte[])image.Clone();
        BitConverter.GetBytes(0xFFFFFFFFu).CopyTo(inodes, 1024);
        Assert.False(reader.TryIdentify(new MemoryByteSource(inodes), out _));

        // More entries than the scan allows: the listing stops with a warning.
        byte[] dir = (byte[])image.Clone();
        var limits = ReadLimits.Default with { MaxFiles = 100 };
        using var context = new ReadContext(limits);
        var result = reader.Read(new MemoryByteSource(dir), context);
        Assert.Contains(result.Warnings, w => w.Contains("listing stopped", StringComparison.Ordinal));
    }

    internal static byte[] Image(string name)
    {
        using var gz = new GZipStream(File.OpenRead(TestPaths.Fixture($"ext4/{name}.img.gz")), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static FileSystemTree Read(byte[] image) => ReadWithWarnings(image).Tree;

    private static (FileSystemTree Tree, List<string> Warnings) ReadWithWarnings(byte[] image)
    {
        using var context = new ReadContext(ReadLimits.Default);
        var result = new Ext4Reader().Read(new MemoryByteSource(image), context);
        foreach (var e in result.FileSystem!.Entries.Where(e => e.Content is not null))
        {
            var buffer = new byte[65536];
            for (long off = 0; off < e.Content!.Length; off += buffer.Length)
            {
                e.Content.ReadFully(off, buffer);
            }
        }

        return (result.FileSystem!, result.Warnings);
    }

    private static long MapBlock(string file, string kind)
    {
        var m = Regex.Match(File.ReadAllText(TestPaths.Fixture("ext4/" + file)), $@"\({kind}\):(\d+)");
        Assert.True(m.Success);
        return long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long ExtentLeafBlock(string file)
    {
        // " 0/ 1 1/ 1 0 - 127 1306 128": the level-0 index entry's physical block is the leaf.
        var line = File.ReadAllLines(TestPaths.Fixture("ext4/" + file)).First(l => l.TrimStart().StartsWith("0/", StringComparison.Ordinal));
        var f = line.Trim().Split(' ');
        return long.Parse(f[^2], System.Globalization.CultureInfo.InvariantCulture);
    }
}
