using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats;

/// <summary>Each filesystem and archive fixture (built by tests/fixtures/make-fixtures.sh) against the tree it was made from.</summary>
public sealed class FilesystemFixtureTests
{
    private static readonly IReadOnlyList<ManifestRow> Tree = ManifestRow.Load(TestPaths.Fixture("tree.files.tsv"));

    [Theory]
    [InlineData("gzip")]
    [InlineData("xz")]
    [InlineData("lzma")]
    [InlineData("lzo")]
    [InlineData("lz4")]
    [InlineData("zstd")]
    public void SquashFs_every_compressor_yields_the_source_tree(string compressor)
    {
        using var result = Scan.Run(TestPaths.Fixture($"squashfs-{compressor}.sqfs"));
        var layer = result.Single("squashfs");
        Assert.Equal(compressor, layer.Compression);
        Assert.Empty(TreeComparer.Differences(layer.FileSystem!, Tree));
        Assert.True(result.Complete, string.Join('\n', result.Warnings));
    }

    [Theory]
    [InlineData("xz")]
    [InlineData("lzma")]
    [InlineData("zstd")]
    public void SquashFs_managed_fallback_matches_native_codecs(string compressor)
    {
        using var managed = Scan.Run(TestPaths.Fixture($"squashfs-{compressor}.sqfs"), native: false);
        Assert.Empty(TreeComparer.Differences(managed.Single("squashfs").FileSystem!, Tree));
    }

    [Fact]
    public void SquashFs_sparse_fragment_hardlink_xattr_and_devices_are_read()
    {
        using var result = Scan.Run(TestPaths.Fixture("squashfs-zstd.sqfs"));
        var entries = result.Single("squashfs").FileSystem!.Entries.ToDictionary(e => e.Path);
        Assert.Equal(65536, entries["/data/sparse.img"].Size);
        Assert.Equal("/data/hardlink.bin", entries["/data/original.bin"].HardLinkTo);
        Assert.Contains("user.comment", entries["/etc/hostname"].XattrNames ?? []);
        Assert.Equal((5, 1), (entries["/dev/console"].Major, entries["/dev/console"].Minor));
        Assert.Equal(EntryType.Fifo, entries["/data/fifo"].Type);
        Assert.Equal(Convert.ToInt32("4755", 8), entries["/usr/sbin/suid-tool"].Mode);
    }

    [Fact]
    public void SquashFs_listing_agrees_with_unsquashfs()
    {
        // unsquashfs -lln lines: "drwxr-xr-x 0/0 0 2023-11-14 22:13 /bin" or "... -> target"; devices show "5, 1" (split by sed).
        using var result = Scan.Run(TestPaths.Fixture("squashfs-xz.sqfs"));
        var entries = result.Single("squashfs").FileSystem!.Entries.ToDictionary(e => e.Path);
        var lines = File.ReadAllLines(TestPaths.Fixture("squashfs-xz.unsquashfs-lln.txt")).Where(l => l.Length > 0 && l[0] is 'd' or '-' or 'l' or 'c' or 'b' or 'p' or 's').ToList();
        Assert.True(lines.Count > 20);
        foreach (var line in lines)
        {
            var f = line.Split(' ');
            bool device = line[0] is 'c' or 'b';
            int pathIndex = device ? 6 : 5;
            string path = f[pathIndex];
            if (path is "/" or "")
            {
                continue;
            }

            var e = entries[path];
            Assert.Equal(line[0], TypeChar(e.Type));
            Assert.Equal(f[0], ModeString(e));
            Assert.Equal(f[1], $"{e.Uid}/{e.Gid}");
            if (!device && e.Type != EntryType.Dir)
            {
                Assert.Equal(f[2], e.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (e.Type == EntryType.Symlink)
            {
                Assert.Equal(e.LinkTarget, f[^1]);
            }
        }

        Assert.Equal(lines.Count - 1, entries.Count);
    }

    [Theory]
    [InlineData("newc")]
    [InlineData("crc")]
    [InlineData("odc")]
    public void Cpio_formats_yield_the_source_tree(string format)
    {
        using var result = Scan.Run(TestPaths.Fixture($"tree-{format}.cpio"));
        var fs = result.Single("cpio").FileSystem!;

        // odc has 16-bit device and inode fields; GNU cpio still stores the tree exactly here.
        Assert.Empty(TreeComparer.Differences(fs, Tree));
    }

    [Fact]
    public void Cpio_listing_agrees_with_gnu_cpio()
    {
        using var result = Scan.Run(TestPaths.Fixture("tree-newc.cpio"));
        var entries = result.Single("cpio").FileSystem!.Entries.ToDictionary(e => e.Path);
        var lines = File.ReadAllLines(TestPaths.Fixture("tree-newc.cpio-tv.txt")).Where(l => l.Length > 0).ToList();
        Assert.Equal(lines.Count, entries.Count);
        foreach (var line in lines)
        {
            var f = line.Split(' ');
            string name = line[0] == 'l' ? f[^3] : f[^1];
            var e = entries["/" + name.TrimStart('.', '/')];
            Assert.Equal(f[0], ModeString(e));
            Assert.Equal(f[2], e.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData("gnu")]
    [InlineData("pax")]
    public void Tar_gnu_and_pax_yield_the_source_tree(string format)
    {
        using var result = Scan.Run(TestPaths.Fixture($"tree-{format}.tar"));
        Assert.Empty(TreeComparer.Differences(result.Single("tar").FileSystem!, Tree));
    }

    [Fact]
    public void Tar_ustar_yields_its_part_of_the_tree()
    {
        using var result = Scan.Run(TestPaths.Fixture("tree-ustar.tar"));
        var fs = result.Single("tar").FileSystem!;
        var part = Tree.Where(r => r.Path.StartsWith("/etc", StringComparison.Ordinal) || r.Path.StartsWith("/bin", StringComparison.Ordinal) || r.Path.StartsWith("/usr", StringComparison.Ordinal)).ToList();
        Assert.Empty(TreeComparer.Differences(fs, part));
    }

    [Theory]
    [InlineData("tree.zip", true)]
    [InlineData("tree.7z", false)]
    public void Zip_and_7z_members_match_the_tree(string fixture, bool unixModes)
    {
        using var result = Scan.Run(TestPaths.Fixture(fixture));
        var fs = result.AllLayers.Single(l => l.FileSystem is not null).FileSystem!;
        var files = Tree.Where(r => r.Type == "file" && fs.Entries.Any(e => e.Path == r.Path)).ToList();
        Assert.Contains(files, r => r.Path == "/bin/busybox");
        Assert.Empty(TreeComparer.Differences(fs, files, unixModes ? TreeComparer.Fields.Mode : TreeComparer.Fields.None, onlyExpectedPaths: true));
        if (unixModes)
        {
            // p7zip keeps symlinks only in attributes SharpCompress does not expose; zip keeps them in the Unix mode.
            Assert.Equal("busybox", fs.Entries.Single(e => e.Path == "/bin/sh").LinkTarget);
        }
    }

    private static char TypeChar(EntryType t) => t switch
    {
        EntryType.Dir => 'd',
        EntryType.Symlink => 'l',
        EntryType.CharDev => 'c',
        EntryType.BlockDev => 'b',
        EntryType.Fifo => 'p',
        EntryType.Socket => 's',
        _ => '-',
    };

    private static string ModeString(FsEntry e)
    {
        var s = new char[10];
        s[0] = TypeChar(e.Type);
        const string rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++)
        {
            s[i + 1] = (e.Mode & (1 << (8 - i))) != 0 ? rwx[i] : '-';
        }

        if ((e.Mode & 0x800) != 0)
        {
            s[3] = s[3] == 'x' ? 's' : 'S';
        }

        if ((e.Mode & 0x400) != 0)
        {
            s[6] = s[6] == 'x' ? 's' : 'S';
        }

        if ((e.Mode & 0x200) != 0)
        {
            s[9] = s[9] == 'x' ? 't' : 'T';
        }

        return new string(s);
    }
}
