using System.Diagnostics;
using System.Text;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;
using B = FirmwareGate.Core.Tests.Support.SquashFsImageBuilder;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>
/// Crafted SquashFS images (built by <see cref="SquashFsImageBuilder"/>): lying table sizes, directory
/// loops and DAGs, deep paths, corrupt inodes and byte names end with the right warning in bounded
/// time and memory; a valid image with a 1 GiB sparse file is read whole. Allocations are counted
/// on the test's own thread (the reader is synchronous), so tests running in parallel do not blur them.
/// </summary>
public sealed class SquashFsAttackTests
{
    private const long MaxAllocated = 64L << 20;
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(10);

    [Fact]
    public void Huge_fragment_count_is_refused_before_allocating()
    {
        // 2.2 MB of image: room for the 2 MiB index of 2^27 fragments, whose table would be 2 GiB.
        byte[] image = WithRoomForAnIndex(out long room);
        B.Patch64(image, B.Field.FragmentTable, (ulong)room);
        B.Patch32(image, B.Field.FragmentCount, 1u << 27);

        var e = Assert.Throws<CorruptDataException>(() => Measure(image));
        Assert.Contains("fragment table of 134217728 entries does not fit", e.Message, StringComparison.Ordinal);
        AssertBounded();
    }

    [Fact]
    public void Id_table_count_beyond_the_image_is_refused()
    {
        byte[] image = OneFileWithFragment();
        BitConverter.TryWriteBytes(image.AsSpan(B.Field.IdCount), (ushort)65535);

        var e = Assert.Throws<CorruptDataException>(() => Measure(image));
        Assert.Contains("id table of 65535 entries does not fit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xattr_id_table_claiming_a_huge_count_loses_only_the_xattrs()
    {
        byte[] image = WithRoomForAnIndex(out long room);
        long header = room + 1000;
        BitConverter.TryWriteBytes(image.AsSpan((int)header), (ulong)room); // key/value pairs before the header
        BitConverter.TryWriteBytes(image.AsSpan((int)header + 8), 1u << 27);
        B.Patch64(image, B.Field.XattrIdTable, (ulong)header);

        var read = Measure(image);
        Assert.Contains(read.Result.Warnings, w => w.Contains("xattr table unreadable", StringComparison.Ordinal) && w.Contains("xattr id table of 134217728 entries does not fit", StringComparison.Ordinal));
        Assert.Equal(["/hello.txt"], Paths(read.Result));
        AssertBounded(read);
    }

    [Fact]
    public void Listing_shared_by_many_directory_inodes_is_walked_once()
    {
        // Eight distinct directory inodes per level, all pointing at the next level's listing:
        // 8^12 paths if each were walked, 8 * 12 entries when each listing is walked once.
        const int levels = 12, fanOut = 8;
        var b = new B();
        ulong below = b.AddFile(b.AddData("leaf"u8), 4, [4 | B.StoredBit]);
        var listing = b.AddListing([("leaf", below, B.TypeFile)]);
        for (int level = 0; level < levels; level++)
        {
            var parents = Enumerable.Range(0, fanOut).Select(j => ($"d{j}", b.AddDirectory(listing), B.TypeDir)).ToList();
            listing = b.AddListing(parents);
        }

        var read = Measure(b.Build(b.AddDirectory(listing)));
        var paths = Paths(read.Result);
        Assert.Equal((levels * fanOut) + 1, paths.Count);
        Assert.Single(paths, p => p.EndsWith("/leaf", StringComparison.Ordinal));
        Assert.Equal(20, read.Result.Warnings.Count(w => w.Contains("has the same listing as", StringComparison.Ordinal)));
        Assert.Contains(read.Result.Warnings, w => w.Contains($"{(levels * (fanOut - 1)) - 20} more warnings of the same kind (shared)", StringComparison.Ordinal));
        AssertBounded(read);
    }

    [Fact]
    public void Directory_inode_named_by_many_parents_is_walked_once()
    {
        // The classic DAG: every level names the same directory inode sixteen times.
        const int levels = 10, fanOut = 16;
        var b = new B();
        ulong child = b.AddFile(b.AddData("leaf"u8), 4, [4 | B.StoredBit]);
        ushort type = B.TypeFile;
        for (int level = 0; level < levels; level++)
        {
            ulong c = child;
            ushort t = type;
            child = b.AddDirectory(b.AddListing(Enumerable.Range(0, fanOut).Select(j => ($"n{j}", c, t))));
            type = B.TypeDir;
        }

        var read = Measure(b.Build(child));
        Assert.Equal(levels * fanOut, Paths(read.Result).Count);
        Assert.Contains(read.Result.Warnings, w => w.Contains("a directory loop or a directory linked twice", StringComparison.Ordinal));
        AssertBounded(read);
    }

    [Fact]
    public void Aliased_inode_references_do_not_multiply_the_walk()
    {
        // An offset past the end of its metadata block names the same bytes as an earlier block would:
        // each level names its child directory under eight spellings (8^8 paths if each were walked).
        const int levels = 8, aliases = 8;
        var b = new B();
        for (int i = 0; i < aliases - 1; i++)
        {
            b.AddRawInode(new byte[8192]);
        }

        ulong child = b.AddFile(b.AddData("leaf"u8), 4, [4 | B.StoredBit]);
        ushort type = B.TypeFile;
        for (int level = 0; level < levels; level++)
        {
            ulong c = child;
            ushort t = type;
            child = b.AddDirectory(b.AddListing(Enumerable.Range(0, aliases).Select(j => ($"a{j}", j == 0 ? c : B.StoredAlias(c, j), t))));
            type = B.TypeDir;
        }

        var read = Measure(b.Build(child));
        Assert.Equal(levels, Paths(read.Result).Count);
        Assert.Contains(read.Result.Warnings, w => w.Contains("/a1: inode reference", StringComparison.Ordinal) && w.EndsWith("outside the inode table; entry skipped", StringComparison.Ordinal));
        AssertBounded(read);
    }

    [Fact]
    public void Directory_loop_is_reported_and_not_followed()
    {
        var b = new B();
        ulong file = b.AddFile(b.AddData("x"u8), 1, [1 | B.StoredBit]);
        ulong rootRef = b.NextInodeRef; // the root is the next inode written, after its listing
        var listing = b.AddListing([("file", file, B.TypeFile), ("self", rootRef, B.TypeDir)]);
        ulong root = b.AddDirectory(listing);
        Assert.Equal(rootRef, root);

        var read = Measure(b.Build(root));
        Assert.Equal(["/file", "/self"], Paths(read.Result));
        Assert.Contains(read.Result.Warnings, w => w.Contains("directory /self has the same listing as /", StringComparison.Ordinal));
        AssertBounded(read);
    }

    [Fact]
    public void Deep_path_stops_at_the_path_limit()
    {
        // 3000 nested directories named "d": paths would reach 6000 bytes; the limit is 4096.
        var b = new B();
        ulong child = b.AddFile(b.AddData("deep"u8), 4, [4 | B.StoredBit]);
        ushort type = B.TypeFile;
        string name = "f";
        for (int level = 0; level < 3000; level++)
        {
            child = b.AddDirectory(b.AddListing([(name, child, type)]));
            (name, type) = ("d", B.TypeDir);
        }

        var read = Measure(b.Build(child));
        var paths = Paths(read.Result);
        Assert.Equal(2048, paths.Count); // "/d" repeated 2048 times is 4096 bytes
        Assert.All(paths, p => Assert.True(Encoding.UTF8.GetByteCount(p) <= 4096));
        Assert.Contains(read.Result.Warnings, w => w.Contains("is longer than 4096 bytes; skipped", StringComparison.Ordinal));
        Assert.Contains("pathBytes", read.LimitsHit);
        AssertBounded(read);
    }

    [Fact]
    public void Entry_flood_stops_at_the_file_limit_with_a_partial_listing()
    {
        var b = new B();
        ulong file = b.AddFile(b.AddData("x"u8), 1, [1 | B.StoredBit]);
        ulong root = b.AddDirectory(b.AddListing(Enumerable.Range(0, 1000).Select(i => ($"f{i:D4}", file, B.TypeFile))));

        var read = Measure(b.Build(root), ReadLimits.Default with { MaxFiles = 100 });
        Assert.Equal(100, Paths(read.Result).Count);
        Assert.Contains(read.Result.Warnings, w => w.Contains("--max-files", StringComparison.Ordinal) && w.Contains("listing stopped after 100 entries", StringComparison.Ordinal));
        Assert.Contains("files", read.LimitsHit);
    }

    [Fact]
    public void Corrupt_inodes_lose_only_their_entry()
    {
        var b = new B();
        ulong ok = b.AddFile(b.AddData("fine"u8), 4, [4 | B.StoredBit]);
        ulong badType = b.AddRawInode(Inode(type: 99));
        ulong badId = b.AddFile(b.AddData("uid"u8), 3, [3 | B.StoredBit], uid: 7);
        ulong badList = b.AddFile(B.SuperblockEnd, uint.MaxValue, []); // 4 GiB: a 4 MiB list the table cannot hold
        ulong badLink = b.AddRawInode([.. Inode(type: B.TypeSymlink), 1, 0, 0, 0, 0x88, 0x13, 0, 0]); // 5000-byte target
        ulong badFragment = b.AddFile(B.SuperblockEnd, 10, [], fragment: 3);
        var listing = b.AddListing([
            ("a-ok", ok, B.TypeFile), ("b-type", badType, B.TypeFile), ("c-id", badId, B.TypeFile),
            ("d-list", badList, B.TypeFile), ("e-link", badLink, B.TypeSymlink), ("f-frag", badFragment, B.TypeFile),
            ("g-outside", 0xFFFF_FFFF_0000UL, B.TypeFile)]);

        var read = Measure(b.Build(b.AddDirectory(listing)));
        Assert.Equal(["/a-ok"], Paths(read.Result));
        string[] expected =
        [
            "/b-type: unknown inode type 99", "/c-id: id index 7 outside the id table", "/d-list: block list of 1048576 entries",
            "/e-link: symlink target of 5000 bytes", "/f-frag: tail in fragment 3", "/g-outside: inode reference",
        ];
        foreach (string w in expected)
        {
            Assert.Contains(read.Result.Warnings, x => x.Contains(w, StringComparison.Ordinal) && x.EndsWith("; entry skipped", StringComparison.Ordinal));
        }

        var content = read.Result.FileSystem!.Entries.Single().Content!;
        var bytes = new byte[4];
        Assert.Equal(4, content.ReadFully(0, bytes));
        Assert.Equal("fine"u8.ToArray(), bytes);
    }

    [Fact]
    public void Names_and_link_targets_are_bytes_and_bad_names_stay_rejected()
    {
        byte[] latin1 = [(byte)'f', 0xFF, 0xFE];
        byte[] utf8 = Encoding.UTF8.GetBytes("f\u00e9");
        byte[] target = [(byte)'.', (byte)'/', 0xE9, (byte)'x'];
        var b = new B();
        ulong file = b.AddFile(b.AddData("x"u8), 1, [1 | B.StoredBit]);
        ulong link = b.AddSymlink(target);
        var listing = b.AddListingBytes([
            (latin1, file, B.TypeFile), (utf8, file, B.TypeFile), ("link"u8.ToArray(), link, B.TypeSymlink),
            ("."u8.ToArray(), file, B.TypeFile), (".."u8.ToArray(), file, B.TypeFile), ("a/b"u8.ToArray(), file, B.TypeFile), ("a\0b"u8.ToArray(), file, B.TypeFile)]);

        var read = Measure(b.Build(b.AddDirectory(listing)));
        var entries = read.Result.FileSystem!.Entries;
        Assert.Equal(3, entries.Count);
        Assert.Contains(entries, e => EntryName.ToBytes(e.Path).AsSpan().SequenceEqual([(byte)'/', .. latin1]));
        Assert.Contains(entries, e => EntryName.ToBytes(e.Path).AsSpan().SequenceEqual([(byte)'/', .. utf8]));
        var symlink = entries.Single(e => e.Type == EntryType.Symlink);
        Assert.Equal(target, EntryName.ToBytes(symlink.LinkTarget!));
        Assert.Equal(["/.", "/..", "/a\0b", "/a/b"], read.Result.FileSystem.RejectedPaths.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Oversized_data_block_size_is_refused_without_allocating_it()
    {
        var b = new B();
        ulong file = b.AddFile(B.SuperblockEnd, 4096, [0x00FF_FFFF]); // a 16 MiB compressed block in a 4 KiB filesystem
        var read = Measure(b.Build(b.AddDirectory(b.AddListing([("big", file, B.TypeFile)]))));
        var content = read.Result.FileSystem!.Entries.Single().Content!;

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CorruptDataException>(() => content.ReadFully(0, new byte[4096]));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("data block of 16777215 bytes outside the filesystem", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1L << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Large_compressed_inode_table_keeps_the_metadata_cache_bounded()
    {
        // 20000 inodes, each alone in an 8 KiB metadata block that compresses to a few bytes:
        // 160 MiB of decoded metadata from under 2 MiB of image (most of it the stored listing).
        const int files = 20000;
        var b = new B { CompressMetadata = true };
        long data = b.AddData("x"u8);
        var refs = new List<(string, ulong, ushort)>();
        for (int i = 0; i < files; i++)
        {
            refs.Add(($"f{i:D5}", b.AddFile(data, 1, [1 | B.StoredBit]), B.TypeFile));
            b.PadInodesToBlock();
        }

        byte[] image = b.Build(b.AddDirectory(b.AddListing(refs)));
        Assert.True(image.Length < 2 << 20, $"image of {image.Length} bytes");
        var read = Measure(image);
        Assert.Equal(files, Paths(read.Result).Count);

        // The cache keeps 4096 blocks (32 MiB) and reuses their buffers; the entries themselves take
        // about 1 KiB each. Keeping every decoded block allocated 350 MB here.
        Assert.True(read.Allocated < 96L << 20, $"allocated {read.Allocated} bytes");
        Assert.True(read.Elapsed < MaxTime, $"took {read.Elapsed}");
    }

    [Fact]
    public void Sparse_gigabyte_file_reads_cheaply_anywhere()
    {
        // 4 KiB blocks: a 1 MiB block list (262144 sparse words) in a compressed inode table.
        var b = new B { CompressMetadata = true };
        ulong file = b.AddSparseFile(1L << 30);
        var read = Measure(b.Build(b.AddDirectory(b.AddListing([("sparse.img", file, B.TypeFile)]))));
        var content = read.Result.FileSystem!.Entries.Single().Content!;
        Assert.Equal(1L << 30, content.Length);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var buffer = new byte[65536];
        foreach (long at in new[] { 0L, 900L << 20, 12345, (1L << 30) - 1000, 5L << 20 })
        {
            buffer.AsSpan().Fill(0xAA);
            int n = content.ReadFully(at, buffer);
            Assert.Equal((int)Math.Min(buffer.Length, content.Length - at), n);
            Assert.True(buffer.AsSpan(0, n).IndexOfAnyExcept((byte)0) < 0, $"non-zero bytes at {at}");
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < MaxAllocated, $"allocated {allocated} bytes");
        Assert.True(watch.Elapsed < MaxTime, $"took {watch.Elapsed}");
    }

    [Fact]
    public void Mksquashfs_image_with_a_1_GiB_sparse_file_lists_every_file()
    {
        using var result = Scan.Run(TestPaths.Fixture("squashfs-sparse-1g.sqfs"));
        var layer = result.Single("squashfs");
        Assert.Empty(layer.Warnings);
        var files = layer.FileSystem!.Entries.Where(e => e.Type == EntryType.File).ToDictionary(e => e.Path, e => e.Size);
        Assert.Equal(new Dictionary<string, long> { ["/big.img"] = 1L << 30, ["/etc/hostname"] = 12, ["/readme.txt"] = 39 }, files);
    }

    [Fact]
    public void Mksquashfs_sparse_file_reads_zeros_around_the_written_bytes()
    {
        const long written = (512L << 20) + 12345;
        byte[] text = "FirmwareGate sparse middle"u8.ToArray();
        using var context = new ReadContext(ReadLimits.Default);
        using var source = FileByteSource.Open(TestPaths.Fixture("squashfs-sparse-1g.sqfs"));
        var read = new SquashFsReader().Read(source, context);
        var entries = read.FileSystem!.Entries.ToDictionary(e => e.Path);
        var big = entries["/big.img"].Content!;

        // Around the written bytes, in a read that starts mid-block.
        var around = new byte[4096];
        Assert.Equal(around.Length, big.ReadFully(written - 1000, around));
        Assert.Equal(text, around.AsSpan(1000, text.Length).ToArray());
        Assert.True(around.AsSpan(0, 1000).IndexOfAnyExcept((byte)0) < 0);
        Assert.True(around.AsSpan(1000 + text.Length).IndexOfAnyExcept((byte)0) < 0);

        // The whole 128 KiB block holding them, and sparse chunks elsewhere.
        var block = new byte[128 << 10];
        Assert.Equal(block.Length, big.ReadFully(512L << 20, block));
        Assert.Equal(text, block.AsSpan(12345, text.Length).ToArray());
        foreach (long at in new[] { 0L, 100L << 20, (1L << 30) - block.Length })
        {
            Assert.Equal(block.Length, big.ReadFully(at, block));
            Assert.True(block.AsSpan().IndexOfAnyExcept((byte)0) < 0, $"non-zero bytes at {at}");
        }

        var small = new byte[64];
        Assert.Equal(12, entries["/etc/hostname"].Content!.ReadFully(0, small));
        Assert.Equal("sparse-host\n"u8.ToArray(), small[..12]);
    }

    /// <summary>A valid image with 2.2 MB of zeros in its data area, bytes_used lying about its size; <paramref name="room"/> is where the zeros start.</summary>
    internal static byte[] WithRoomForAnIndex(out long room)
    {
        var b = new B();
        room = b.AddData(new byte[2_200_000]);
        ulong file = b.AddFile(b.AddData("hello"u8), 5, [5 | B.StoredBit]);
        byte[] image = b.Build(b.AddDirectory(b.AddListing([("hello.txt", file, B.TypeFile)])));
        B.Patch64(image, B.Field.BytesUsed, 1UL << 39);
        return image;
    }

    private static byte[] OneFileWithFragment()
    {
        var b = new B();
        uint fragment = b.AddFragment("tail bytes"u8);
        ulong file = b.AddFile(B.SuperblockEnd, 10, [], fragment, 0);
        return b.Build(b.AddDirectory(b.AddListing([("tail.txt", file, B.TypeFile)])));
    }

    private static byte[] Inode(ushort type)
    {
        var h = new byte[16];
        BitConverter.TryWriteBytes(h.AsSpan(0), type);
        BitConverter.TryWriteBytes(h.AsSpan(2), (ushort)0x1A4);
        return h;
    }

    private static List<string> Paths(ReadResult result) => [.. result.FileSystem!.Entries.Select(e => e.Path)];

    [ThreadStatic]
    private static Measured? Last;

    private static Measured Measure(byte[] image, ReadLimits? limits = null)
    {
        using var context = new ReadContext(limits ?? ReadLimits.Default);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        Last = new Measured(null!, 0, TimeSpan.Zero, []);
        try
        {
            var result = new SquashFsReader().Read(new MemoryByteSource(image), context);
            Last = new Measured(result, GC.GetAllocatedBytesForCurrentThread() - before, watch.Elapsed, context.Budget.LimitsHit);
            return Last;
        }
        catch (FirmwareFormatException)
        {
            Last = new Measured(null!, GC.GetAllocatedBytesForCurrentThread() - before, watch.Elapsed, context.Budget.LimitsHit);
            throw;
        }
    }

    private static void AssertBounded(Measured? read = null)
    {
        read ??= Last!;
        Assert.True(read.Allocated < MaxAllocated, $"allocated {read.Allocated} bytes");
        Assert.True(read.Elapsed < MaxTime, $"took {read.Elapsed}");
    }

    private sealed record Measured(ReadResult Result, long Allocated, TimeSpan Elapsed, IReadOnlyList<string> LimitsHit);
}
