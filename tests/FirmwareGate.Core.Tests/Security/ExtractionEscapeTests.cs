using System.IO.Compression;
using System.Text;
using FirmwareGate.Core.Extraction;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>
/// Crafted archives and planted symlinks that try to write, chmod, link or read outside the output
/// folder. Each test keeps a "host" folder of sentinel files next to the output and shows that
/// nothing in it changed and nothing of it was copied in.
/// </summary>
public sealed class ExtractionEscapeTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("host secret, mode 0600\n");

    private sealed class Sandbox : IDisposable
    {
        private readonly TempDir _temp = new();

        public Sandbox()
        {
            Directory.CreateDirectory(Host);
            Directory.CreateDirectory(Path.Combine(Host, "etc"));
            File.WriteAllBytes(SecretPath, Secret);
            File.SetUnixFileMode(SecretPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.WriteAllText(Path.Combine(Host, "etc", "hostname"), "host\n");
            Before = HostSnapshot.Of(Host);
        }

        public string Host => _temp.Combine("host");

        public string SecretPath => Path.Combine(Host, "secret");

        public string Output => _temp.Combine("out");

        public HostSnapshot Before { get; }

        public string Write(string name, byte[] bytes)
        {
            string path = _temp.Combine(name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        /// <summary>No file below the output holds the host secret (nothing was copied in).</summary>
        public void AssertNothingCopiedIn()
        {
            var pending = new Stack<string>([Output]);
            while (pending.TryPop(out var dir))
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
                {
                    var info = new FileInfo(entry);
                    if (info.LinkTarget is not null)
                    {
                        continue; // not followed: a link is not a copy
                    }

                    if (Directory.Exists(entry))
                    {
                        pending.Push(entry);
                    }
                    else
                    {
                        Assert.NotEqual(Secret, File.ReadAllBytes(entry));
                    }
                }
            }
        }

        public void Dispose() => _temp.Dispose();
    }

    /// <summary>The number of ".." that climbs from <paramref name="depth"/> folders below the tree root to "/".</summary>
    private static string Climb(int count) => string.Concat(Enumerable.Repeat("../", count));

    [Fact]
    public void Symlink_that_climbs_through_another_symlink_is_refused_in_tar_and_cpio()
    {
        using var box = new Sandbox();
        string deep = string.Join('/', Enumerable.Range(0, 24).Select(i => "d" + i));
        string hostTail = box.SecretPath.TrimStart('/');

        // up -> / is rebased to the tree root; esc climbs from there with more ".." than the path is deep.
        var tar = new TarWriter().File("etc/hostname", "fixture\n"u8.ToArray());
        for (int i = 1; i <= 24; i++)
        {
            tar.Directory(string.Join('/', Enumerable.Range(0, i).Select(j => "d" + j)));
        }

        tar.Symlink(deep + "/up", "/")
            .Symlink(deep + "/esc", "up/" + Climb(40) + hostTail)
            .Symlink(deep + "/ok", "up/etc/hostname")
            .Symlink("loop-a", "loop-b")
            .Symlink("loop-b", "loop-a/x");
        string image = box.Write("chain.tar", tar.ToArray());
        using var result = Scan.Run(image, output: box.Output);

        string root = Path.Combine(box.Output, "0x0-tar", "root");
        Assert.False(HostSnapshot.EntryExists(Path.Combine(root, deep, "esc")));
        Assert.Contains(result.Warnings, w => w.Contains("/esc ->", StringComparison.Ordinal) && w.Contains("escapes the root", StringComparison.Ordinal));
        Assert.Equal("fixture\n", File.ReadAllText(Path.Combine(root, deep, "ok")));
        Assert.Equal(Climb(24).TrimEnd('/'), new FileInfo(Path.Combine(root, deep, "up")).LinkTarget);
        Assert.Equal(3, result.ExitCode(allowIncomplete: false));
        box.Before.AssertUnchanged(box.Host);
        box.AssertNothingCopiedIn();
    }

    [Fact]
    public void Member_folders_never_land_inside_another_members_tree()
    {
        using var box = new Sandbox();

        // Member "a" is a tar whose tree has a folder "z-tar" holding links named like a layer's
        // files; member "a-tar/root/z" is a tar whose layer folder, built from its name, would once
        // have been that very folder.
        byte[] planted = new TarWriter()
            .Directory("z-tar")
            .Symlink("z-tar/entries.tsv", "/" + box.SecretPath.TrimStart('/'))
            .Symlink("z-tar/root", "/")
            .ToArray();
        byte[] second = new TarWriter().File("etc/passwd", "root:x:0:0\n"u8.ToArray(), 0x1FF).ToArray();
        byte[] outer = new TarWriter().File("a", planted).File("a-tar/root/z", second).ToArray();
        using var result = Scan.Run(box.Write("outer.tar", outer), output: box.Output);

        string members = Path.Combine(box.Output, "0x0-tar", "members");
        Assert.Equal(["a-tar", "a-tar%2Froot%2Fz-tar"], Directory.GetDirectories(members).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal));
        string firstTree = Path.Combine(members, "a-tar", "root", "z-tar");
        Assert.Equal(["entries.tsv", "root"], Directory.EnumerateFileSystemEntries(firstTree).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("root:x:0:0\n", File.ReadAllText(Path.Combine(members, "a-tar%2Froot%2Fz-tar", "root", "etc", "passwd")));
        box.Before.AssertUnchanged(box.Host);
        box.AssertNothingCopiedIn();
    }

    [Fact]
    public void Writes_modes_and_links_refuse_symlinks_planted_anywhere_in_the_output()
    {
        using var box = new Sandbox();
        using var root = new ExtractionRoot(box.Output);
        var content = new MemoryByteSource(Encoding.ASCII.GetBytes("payload"));
        root.CreateFreshDirectory("layer");
        File.CreateSymbolicLink(Path.Combine(box.Output, "layer", "entries.tsv"), box.SecretPath);
        File.CreateSymbolicLink(Path.Combine(box.Output, "dirlink"), box.Host);
        File.CreateSymbolicLink(Path.Combine(box.Output, "layer", "secret-link"), box.SecretPath);

        // The final name is a symlink: O_EXCL|O_NOFOLLOW refuses it, the target is not truncated.
        Assert.ThrowsAny<IOException>(() => root.WriteText("layer/entries.tsv", "x"));
        Assert.ThrowsAny<IOException>(() => root.WriteFile("layer/entries.tsv", content, 0x1FF, CancellationToken.None));

        // A parent is a symlink: nothing is created, chmod-ed or written through it.
        Assert.Throws<PathEscapeException>(() => root.WriteFile("dirlink/new.txt", content, 0x1A4, CancellationToken.None));
        Assert.Throws<PathEscapeException>(() => root.CreateDirectory("dirlink/sub"));
        Assert.Throws<PathEscapeException>(() => root.CreateFreshDirectory("dirlink/sub"));
        Assert.Throws<PathEscapeException>(() => root.SetDirectoryMode("dirlink", 0x1FF));
        Assert.Throws<PathEscapeException>(() => root.Symlink("dirlink/l", "x"));

        // A hard link (and its copy fallback) never follows a symlink at its source.
        Assert.ThrowsAny<IOException>(() => root.HardLink("layer/copy", "layer/secret-link", CancellationToken.None));
        Assert.False(HostSnapshot.EntryExists(Path.Combine(box.Output, "layer", "copy")));
        Assert.ThrowsAny<Exception>(() => root.WriteFile("../escape", content, 0x1A4, CancellationToken.None));

        box.Before.AssertUnchanged(box.Host);
        box.AssertNothingCopiedIn();
    }

    [Fact]
    public void Hard_link_fallback_copies_a_regular_file_when_the_link_count_is_exhausted()
    {
        using var box = new Sandbox();
        using var root = new ExtractionRoot(box.Output);
        root.WriteFile("d/original", new MemoryByteSource(Encoding.ASCII.GetBytes("shared content")), 0x1A4, CancellationToken.None);

        // ext4 allows 65,000 links per inode; past that link() fails with EMLINK and the file is copied.
        int links = 0;
        long copied = 0;
        while (copied == 0 && links < 70_000)
        {
            copied = root.HardLink("d/l" + links++, "d/original", CancellationToken.None);
        }

        Assert.True(copied > 0, $"link count never ran out after {links} links");
        Assert.Equal("shared content", File.ReadAllText(Path.Combine(box.Output, "d", "l" + (links - 1))));
        box.Before.AssertUnchanged(box.Host);
    }

    [Fact]
    public void Long_member_names_give_bounded_folder_names_and_are_still_analysed()
    {
        using var box = new Sandbox();
        byte[] payload = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 400).Select(i => $"inner payload line {i * 7919 % 1000}\n")));
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(payload);
        }

        string longName = new string('n', 251) + ".gz";
        byte[] tar = new TarWriter().File(longName, gz.ToArray()).File(new string('m', 251) + ".gz", gz.ToArray()).ToArray();
        using var result = Scan.Run(box.Write("long.tar", tar), output: box.Output);

        Assert.Equal(0, result.ExitCode(allowIncomplete: false));
        var folders = Directory.GetDirectories(Path.Combine(box.Output, "0x0-tar", "members")).Select(Path.GetFileName).ToList();
        Assert.Equal(2, folders.Count);
        Assert.All(folders, f => Assert.True(Encoding.UTF8.GetByteCount(f!) <= 255, f));
        Assert.All(folders, f => Assert.EndsWith("-gzip", f, StringComparison.Ordinal));
        Assert.All(folders, f => Assert.Equal(payload, File.ReadAllBytes(Path.Combine(box.Output, "0x0-tar", "members", f!, "0x0-unknown", "data.bin"))));
    }

    [Fact]
    public void Sibling_layers_with_the_same_name_get_distinct_folders()
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        string[] names =
        [
            Extractor.FolderName(new Layer { Format = "kernel", Name = "kernel-1" }, taken),
            Extractor.FolderName(new Layer { Format = "kernel", Name = "kernel-1" }, taken),
            Extractor.FolderName(new Layer { Format = "gzip", Name = "0x40" }, taken),
            Extractor.FolderName(new Layer { Format = "gzip", Offset = 0x40 }, taken),
            Extractor.FolderName(new Layer { Format = "tar", Name = "a/b" }, taken),
            Extractor.FolderName(new Layer { Format = "tar", Name = "a%2Fb" }, taken),
            Extractor.FolderName(new Layer { Format = "tar", Name = ".." }, taken),
        ];
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.DoesNotContain('/', n));
        Assert.Equal("kernel-1~2-kernel", names[1]);
        Assert.Equal("0x40~2-gzip", names[3]);
    }

    [Fact]
    public void Extracted_bytes_are_charged_to_the_total_limit_and_zeros_become_holes()
    {
        using var box = new Sandbox();
        var tar = new TarWriter();
        for (int i = 0; i < 8; i++)
        {
            tar.File($"zeros{i}.bin", new byte[1 << 20]);
        }

        string image = box.Write("zeros.tar", tar.ToArray());
        using var limited = Scan.Run(image, ReadLimits.Default with { MaxTotalBytes = (3L << 20) + 4096 }, output: box.Output);
        Assert.Contains("totalBytes", limited.LimitsHit);
        Assert.Contains(limited.Warnings, w => w.Contains("--max-total-bytes", StringComparison.Ordinal));
        long onDisk = Directory.EnumerateFiles(box.Output, "*", SearchOption.AllDirectories).Where(f => f.Contains("/root/", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
        Assert.InRange(onDisk, 1L << 20, 3L << 20);
        Assert.Equal(3, limited.ExitCode(allowIncomplete: false));
    }

    [Theory]
    [InlineData("names-binary-gnu.tar", "0x0-tar")]
    [InlineData("names-binary-pax.tar", "0x0-tar")]
    [InlineData("names-binary.cpio", "0x0-cpio")]
    public void Names_that_are_not_utf8_are_written_as_their_exact_bytes(string fixture, string folder)
    {
        using var box = new Sandbox();
        using var result = Scan.Run(TestPaths.Fixture(fixture), output: box.Output);
        Assert.Equal(0, result.ExitCode(allowIncomplete: false));

        // Read the names back as raw bytes (find -print0): .NET would show both invalid names as U+FFFD.
        var find = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("find", [Path.Combine(box.Output, folder, "root"), "-mindepth", "1", "-printf", "%f\\0"]) { RedirectStandardOutput = true })!;
        var raw = new MemoryStream();
        find.StandardOutput.BaseStream.CopyTo(raw);
        find.WaitForExit();
        var names = raw.ToArray().Aggregate(new List<List<byte>> { new() }, (acc, b) => { if (b == 0) { acc.Add([]); } else { acc[^1].Add(b); } return acc; })
            .Where(n => n.Count > 0).Select(n => Convert.ToHexString([.. n])).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "61FE", "61FF", "636166C3A9" }, names);

        string manifest = File.ReadAllText(Path.Combine(box.Output, folder, "entries.tsv"));
        Assert.Contains("/a\\xfe\t", manifest, StringComparison.Ordinal);
        Assert.Contains("/a\\xff\t", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_images_with_the_same_name_or_a_slash_in_it_extract_to_distinct_sibling_folders()
    {
        using var box = new Sandbox();
        var (fit, images) = FdtBuilder.Fit("twins");
        byte[] first = new TarWriter().File("etc/version", "first\n"u8.ToArray()).ToArray();
        byte[] second = new TarWriter().File("etc/version", "second\n"u8.ToArray()).ToArray();
        images.EmbeddedImage("rootfs", first, "filesystem");
        images.EmbeddedImage("rootfs", second, "filesystem");
        images.EmbeddedImage("rootfs-filesystem/root/etc", LayerBombTests.Gzip(new byte[3000]), "kernel", "gzip");
        using var result = Scan.Run(box.Write("twins.itb", fit.Build()), output: box.Output);

        Assert.Equal(0, result.ExitCode(allowIncomplete: false));
        string top = Path.Combine(box.Output, "0x0-fit");
        Assert.Equal(["rootfs-filesystem", "rootfs-filesystem%2Froot%2Fetc-kernel", "rootfs~2-filesystem"], Directory.GetDirectories(top).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal));
        Assert.Equal("first\n", File.ReadAllText(Path.Combine(top, "rootfs-filesystem", "0x0-tar", "root", "etc", "version")));
        Assert.Equal("second\n", File.ReadAllText(Path.Combine(top, "rootfs~2-filesystem", "0x0-tar", "root", "etc", "version")));
        box.Before.AssertUnchanged(box.Host);
    }

    private static long AllocatedBytes(string path)
    {
        var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%b %B", path]) { RedirectStandardOutput = true })!;
        var parts = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        stat.WaitForExit();
        return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Valid_squashfs_with_a_1_GiB_sparse_file_extracts_every_file_with_holes()
    {
        using var box = new Sandbox();
        using var result = Scan.Run(TestPaths.Fixture("squashfs-sparse-1g.sqfs"), output: box.Output);
        Assert.Equal(0, result.ExitCode(allowIncomplete: false));

        string root = Path.Combine(box.Output, "0x0-squashfs", "root");
        string big = Path.Combine(root, "big.img");
        Assert.Equal(1L << 30, new FileInfo(big).Length);
        Assert.True(AllocatedBytes(big) < 1 << 20, $"{AllocatedBytes(big)} bytes allocated for a sparse file");
        using (var f = File.OpenRead(big))
        {
            var buffer = new byte[26];
            f.Position = (512L << 20) + 12345;
            f.ReadExactly(buffer);
            Assert.Equal("FirmwareGate sparse middle", Encoding.ASCII.GetString(buffer));
        }

        Assert.Equal("sparse-host\n", File.ReadAllText(Path.Combine(root, "etc", "hostname")));
        Assert.True(File.Exists(Path.Combine(root, "readme.txt")));
    }

    [Fact]
    public void Sparse_squashfs_files_count_toward_the_total_as_what_they_produce()
    {
        using var box = new Sandbox();
        var b = new SquashFsImageBuilder { CompressMetadata = true };
        var files = Enumerable.Range(0, 4).Select(i => ($"sparse{i}.img", b.AddSparseFile(1L << 30), SquashFsImageBuilder.TypeFile)).ToList();
        byte[] image = b.Build(b.AddDirectory(b.AddListing(files)));
        Assert.True(image.Length < 64 << 10, $"{image.Length} bytes");
        using var result = Scan.Run(box.Write("sparse.sqfs", image), ReadLimits.Default with { MaxTotalBytes = (2L << 30) + (1 << 20) }, output: box.Output);

        Assert.Contains("totalBytes", result.LimitsHit);
        Assert.Contains(result.Warnings, w => w.Contains("--max-total-bytes", StringComparison.Ordinal));
        var written = Directory.GetFiles(Path.Combine(box.Output, "0x0-squashfs", "root"));
        Assert.Equal(2, written.Length);
        Assert.All(written, f => Assert.True(AllocatedBytes(f) < 1 << 20));
        Assert.Equal(2L << 30, written.Sum(f => new FileInfo(f).Length));
    }

    [Fact]
    public void Folders_and_symlinks_count_toward_the_total_limit()
    {
        using var box = new Sandbox();
        var tar = new TarWriter();
        for (int i = 0; i < 2000; i++)
        {
            tar.Directory($"d{i:d4}").Symlink($"l{i:d4}", $"d{i:d4}");
        }

        using var result = Scan.Run(box.Write("folders.tar", tar.ToArray()), ReadLimits.Default with { MaxTotalBytes = 1L << 20 }, output: box.Output);
        Assert.Contains("totalBytes", result.LimitsHit);
        int created = Directory.GetFileSystemEntries(Path.Combine(box.Output, "0x0-tar", "root")).Length;
        Assert.InRange(created, 1, (1 << 20) / 4096);
    }

    [Fact]
    public void Backslash_is_a_name_byte_in_tar_and_a_separator_in_zip()
    {
        using var box = new Sandbox();
        byte[] tar = new TarWriter().File("a\\b", "backslash\n"u8.ToArray()).File("a/b", "slash\n"u8.ToArray()).ToArray();
        using (var result = Scan.Run(box.Write("names.tar", tar), output: Path.Combine(box.Output, "tar")))
        {
            Assert.Equal(["/a/b", "/a\\b"], result.Single("tar").FileSystem!.Entries.Where(e => e.Type == EntryType.File).Select(e => e.Path).Order(StringComparer.Ordinal));
            Assert.Equal("backslash\n", File.ReadAllText(Path.Combine(box.Output, "tar", "0x0-tar", "root", "a\\b")));
        }

        byte[] zip = ZipAttackTests.RealZip(("dir\\file.txt", "from windows\n"u8.ToArray()));
        using var fromZip = Scan.Run(box.Write("names.zip", zip));
        Assert.Contains(fromZip.Single("zip").FileSystem!.Entries, e => e.Path == "/dir/file.txt");
    }
}
