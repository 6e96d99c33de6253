using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats.Ubi;

/// <summary>
/// UBI and UBIFS fixtures built by tests/fixtures/ubi/make-ubi.sh (mtd-utils' mkfs.ubifs and ubinize), against
/// the tree the script put in (ubireader is not packaged). Corruptions are made with the header layouts of the
/// kernel's include/uapi/mtd/ubi-media.h and fs/ubifs/ubifs-media.h.
/// </summary>
public sealed class UbiFixtureTests
{
    private static readonly string Dir = Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "ubi");
    private static readonly IReadOnlyList<ManifestRow> Tree = ManifestRow.Load(Path.Combine(Dir, "ubi-tree.files.tsv"));

    internal static string Fixture(string name) => Path.Combine(Dir, name);

    [Theory]
    [InlineData("ubi-lzo.ubi", "lzo", "256")]
    [InlineData("ubi-zstd.ubi", "zstd", "256")]
    [InlineData("ubi-zlib.ubi", "zlib", "512")]
    public void Ubi_image_yields_its_ubifs_tree(string fixture, string compressor, string vidOffset)
    {
        using var result = Scan.Run(Fixture(fixture));
        var ubi = result.Single("ubi");
        Assert.Equal(vidOffset, ubi.Details["vidHeaderOffset"]);
        Assert.Equal("16384", ubi.Details["pebSize"]);
        Assert.Equal("2", ubi.Details["volumes"]);
        Assert.Empty(ubi.Warnings);
        var ubifs = result.Single("ubifs");
        Assert.Equal("rootfs", ubifs.Name);
        Assert.Equal(compressor, ubifs.Compression);
        Assert.Empty(TreeComparer.Differences(ubifs.FileSystem!, Tree));
        Assert.Empty(ubifs.Warnings);
    }

    [Fact]
    public void Large_page_image_inside_xz_yields_the_tree()
    {
        using var result = Scan.Run(Fixture("ubi-2048-zlib.ubi.xz"));
        Assert.Equal("131072", result.Single("ubi").Details["pebSize"]);
        Assert.Empty(TreeComparer.Differences(result.Single("ubifs").FileSystem!, Tree));
        Assert.True(result.Complete, string.Join('\n', result.Warnings));
    }

    [Fact]
    public void Bare_ubifs_image_yields_the_tree()
    {
        using var context = new ReadContext(ReadLimits.Default);
        var source = new MemoryByteSource(File.ReadAllBytes(Fixture("ubifs-none.ubifs")));
        var reader = new UbifsReader();
        Assert.True(reader.TryIdentify(source, out long length));
        Assert.Equal(source.Length, length);
        var read = reader.Read(source, context);
        Assert.Equal("none", read.Compression);
        Assert.Empty(TreeComparer.Differences(read.FileSystem!, Tree));
        Assert.Empty(read.Warnings);
    }

    [Fact]
    public void Special_entries_are_read()
    {
        using var context = new ReadContext(ReadLimits.Default);
        var read = new UbifsReader().Read(new MemoryByteSource(File.ReadAllBytes(Fixture("ubifs-none.ubifs"))), context);
        var entries = read.FileSystem!.Entries.ToDictionary(e => e.Path);
        Assert.Equal(65536, entries["/data/sparse.img"].Size);
        Assert.Equal(30000, entries["/data/tail-hole.bin"].Size);
        Assert.Equal("/data/hardlink.bin", entries["/data/original.bin"].HardLinkTo);
        // Debian's mkfs.ubifs is built without xattr support, so the fixtures hold no xattr entries.
        Assert.Null(entries["/etc/hostname"].XattrNames);
        Assert.Equal((5, 1), (entries["/dev/console"].Major, entries["/dev/console"].Minor));
        Assert.Equal((300, 70000), (entries["/dev/big"].Major, entries["/dev/big"].Minor));
        Assert.Equal(300, entries["/data/long-link"].LinkTarget!.Length);
        Assert.Equal(EntryType.Fifo, entries["/data/fifo"].Type);
    }

    [Fact]
    public void Static_volume_is_its_payload_with_checked_crcs()
    {
        var read = ReadUbi(File.ReadAllBytes(Fixture("ubi-lzo.ubi")));
        Assert.Empty(read.Warnings);
        var blob = Assert.Single(read.Children, c => c.Name == "static-blob");
        Assert.Equal("static", blob.Details!["ubiVolumeType"]);
        Assert.Equal(Sha(File.ReadAllBytes(Fixture("static-blob.bin"))), TreeComparer.Sha256(blob.Data));
    }

    [Fact]
    public void The_copy_of_a_leb_with_the_highest_sqnum_wins()
    {
        // Append a second copy of the static volume's LEB 0, with other data and a higher sqnum, as a
        // wear-levelling move leaves it; then corrupt the newer copy's data CRC and check that it is reported.
        byte[] image = File.ReadAllBytes(Fixture("ubi-lzo.ubi"));
        const int Peb = 16384, Vid = 256, Data = 512;
        int original = FindLeb(image, Peb, Vid, volId: 1, lnum: 0);
        byte[] copy = image.AsSpan(original, Peb).ToArray();
        uint size = BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(Vid + 20));
        copy.AsSpan(Data, (int)size).Fill(0x5A);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(Vid + 32), UbiCrc(copy.AsSpan(Data, (int)size)));
        BinaryPrimitives.WriteUInt64BigEndian(copy.AsSpan(Vid + 40), BinaryPrimitives.ReadUInt64BigEndian(copy.AsSpan(Vid + 40)) + 1000);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(Vid + 60), UbiCrc(copy.AsSpan(Vid, 60)));
        byte[] newer = [.. image, .. copy];
        var blob = ReadUbi(newer).Children.Single(c => c.Name == "static-blob").Data;
        var head = new byte[size];
        blob.ReadFully(0, head);
        Assert.All(head, b => Assert.Equal(0x5A, b));

        newer[image.Length + Data + 7] ^= 1;
        Assert.Contains(ReadUbi(newer).Warnings, w => w.Contains("data CRC mismatch", StringComparison.Ordinal));
    }

    [Fact]
    public void Corrupt_vid_header_is_reported_and_skipped()
    {
        byte[] image = File.ReadAllBytes(Fixture("ubi-zlib.ubi"));
        int peb = FindLeb(image, 16384, 512, volId: 1, lnum: 0);
        image[peb + 512 + 13] ^= 0x40;
        var read = ReadUbi(image);
        Assert.Contains(read.Warnings, w => w.Contains("CRC mismatch", StringComparison.Ordinal));
        Assert.Contains(read.Warnings, w => w.Contains("volume incomplete", StringComparison.Ordinal));
    }

    [Fact]
    public void Index_node_pointing_at_itself_is_walked_once()
    {
        // Root index node: its last branch is pointed back at the root, and its CRC made good again.
        byte[] image = File.ReadAllBytes(Fixture("ubifs-none.ubifs"));
        const int Leb = 15872;
        var (lnum, offs) = Root(image, Leb);
        int at = (lnum * Leb) + offs;
        Assert.True(BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(at + 26)) > 0, "the fixture's root is above level 0");
        int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(at + 16));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(at + 24));
        int last = at + 28 + ((count - 1) * ((len - 28) / count));
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(last), (uint)lnum);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(last + 4), (uint)offs);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(last + 8), (uint)len);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(at + 4), ~Crc32.HashToUInt32(image.AsSpan(at + 8, len - 8)));
        using var context = new ReadContext(ReadLimits.Default);
        var read = new UbifsReader().Read(new MemoryByteSource(image), context);
        Assert.Contains(read.Warnings, w => w.Contains("reached twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Corrupt_data_node_fails_only_that_file()
    {
        byte[] image = File.ReadAllBytes(Fixture("ubifs-none.ubifs"));
        int at = image.AsSpan().IndexOf("middle of a sparse file"u8);
        image[at] ^= 1;
        using var context = new ReadContext(ReadLimits.Default);
        var read = new UbifsReader().Read(new MemoryByteSource(image), context);
        var sparse = read.FileSystem!.Entries.Single(e => e.Path == "/data/sparse.img");
        var buffer = new byte[sparse.Size];
        Assert.Throws<CorruptDataException>(() => sparse.Content!.ReadFully(0, buffer));
        var hostname = read.FileSystem.Entries.Single(e => e.Path == "/etc/hostname");
        Assert.Equal("fixture-router\n", System.Text.Encoding.ASCII.GetString(ReadAll(hostname.Content!)));
    }

    internal static ReadResult ReadUbi(byte[] image)
    {
        using var context = new ReadContext(ReadLimits.Default);
        var source = new MemoryByteSource(image);
        var reader = new UbiReader();
        Assert.True(reader.TryIdentify(source, out _));
        return reader.Read(source, context);
    }

    private static byte[] ReadAll(IByteSource source)
    {
        var b = new byte[source.Length];
        source.ReadFully(0, b);
        return b;
    }

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static uint UbiCrc(ReadOnlySpan<byte> data) => ~Crc32.HashToUInt32(data);

    private static int FindLeb(byte[] image, int peb, int vid, uint volId, uint lnum)
    {
        for (int at = 0; at + peb <= image.Length; at += peb)
        {
            var h = image.AsSpan(at + vid, 64);
            if (h[..4].SequenceEqual("UBI!"u8) && BinaryPrimitives.ReadUInt32BigEndian(h[8..]) == volId && BinaryPrimitives.ReadUInt32BigEndian(h[12..]) == lnum)
            {
                return at;
            }
        }

        throw new InvalidOperationException("LEB not found");
    }

    // The newest master node in LEB 1 (mkfs.ubifs writes one per master LEB): root_lnum at 48, root_offs at 52.
    private static (int Lnum, int Offs) Root(byte[] image, int leb)
    {
        var m = image.AsSpan(leb, 512);
        return ((int)BinaryPrimitives.ReadUInt32LittleEndian(m[48..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(m[52..]));
    }
}
