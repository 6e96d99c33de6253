using System.Text;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;
using static FirmwareGate.Core.Tests.Formats.Iso9660.IsoImageBuilder;

namespace FirmwareGate.Core.Tests.Formats.Iso9660;

/// <summary>
/// ISO 9660 images from tests/fixtures/iso9660/make-iso.sh (xorriso and genisoimage) against the trees
/// the script made them from, and hand-written images (layout of ECMA-119, SUSP IEEE P1281 and RRIP
/// IEEE P1282) for multi-extent files (ECMA-119 9.1.6 bit 7), directory and continuation-area loops,
/// extents past the end, embedded and hybrid images.
/// </summary>
public sealed class Iso9660ReaderTests
{
    private static string Fixture(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "iso9660", name);

    private static IReadOnlyList<ManifestRow> Tree(string name) => ManifestRow.Load(Fixture(name));

    [Fact]
    public void Xorriso_rock_ridge_image_yields_the_source_tree_with_hard_links_devices_and_long_names()
    {
        using var result = Scan.Run(Fixture("rr-joliet-xorriso.iso"));
        var layer = result.Single("iso9660");
        Assert.Equal("rock-ridge", layer.Details["tree"]);
        Assert.Equal("yes", layer.Details["joliet"]);
        var expected = Tree("rich.files.tsv");
        Assert.Empty(TreeComparer.Differences(layer.FileSystem!, expected));
        Assert.Equal(expected.Count, layer.FileSystem!.Entries.Count);
        Assert.True(result.Complete, string.Join('\n', result.Warnings));
        // The volume space (blocks times block size); xorriso's trailing alignment is padding after it.
        Assert.Equal(long.Parse(layer.Details["blocks"], System.Globalization.CultureInfo.InvariantCulture) * 2048, layer.Size);
        Assert.Equal("padding", result.Layers.Single(l => l.Offset == layer.Size).Format);
    }

    [Fact]
    public void Genisoimage_relocated_deep_directories_are_listed_where_they_belong()
    {
        using var result = Scan.Run(Fixture("rr-joliet-geniso.iso"));
        var layer = result.Single("iso9660");
        Assert.Equal("rock-ridge", layer.Details["tree"]);
        Assert.True(int.Parse(layer.Details["relocatedDirectories"], System.Globalization.CultureInfo.InvariantCulture) > 0);

        // RRIP 1.09 has no PX serial numbers, so the hard link is two files with the same bytes.
        var fields = TreeComparer.Fields.Owner | TreeComparer.Fields.Devices | TreeComparer.Fields.Mode;
        // genisoimage 1.1.11 writes the 443-byte target as one 398-byte SL entry whose length byte wraps
        // to 0x8e (RRIP 4.1.3 caps an entry at 255 bytes), so only the part that SL length covers is read.
        var expected = Tree("rich.files.tsv").Where(r => r.Path != "/data/long-target").ToList();
        Assert.Empty(TreeComparer.Differences(layer.FileSystem!, expected, fields, onlyExpectedPaths: true));
        Assert.Equal(expected.Count + 1, layer.FileSystem!.Entries.Count);
        Assert.StartsWith("segment001/", layer.FileSystem!.Entries.Single(e => e.Path == "/data/long-target").LinkTarget, StringComparison.Ordinal);
        Assert.DoesNotContain(layer.FileSystem!.Entries, e => e.Path.Contains("rr_moved", StringComparison.OrdinalIgnoreCase));
        Assert.True(result.Complete, string.Join('\n', result.Warnings));
    }

    [Fact]
    public void Joliet_names_are_used_when_there_is_no_rock_ridge()
    {
        using var result = Scan.Run(Fixture("joliet.iso"));
        var layer = result.Single("iso9660");
        Assert.Equal("joliet", layer.Details["tree"]);
        Assert.Empty(TreeComparer.Differences(layer.FileSystem!, Tree("names.files.tsv"), TreeComparer.Fields.None));
    }

    [Fact]
    public void Plain_level_1_names_lose_their_version_suffix()
    {
        using var result = Scan.Run(Fixture("plain-l1.iso"));
        var layer = result.Single("iso9660");
        Assert.Equal("iso9660", layer.Details["tree"]);
        Assert.Equal("PLAIN", layer.Details["label"]);
        Assert.Empty(TreeComparer.Differences(layer.FileSystem!, Tree("plain.files.tsv"), TreeComparer.Fields.None));
        Assert.All(layer.FileSystem!.Entries.Where(e => e.Type == EntryType.File), e => Assert.Equal(0x124, e.Mode));
    }

    [Theory]
    [InlineData("Read Me.TXT;1", "Read Me.TXT")]
    [InlineData("NOEXT.;1", "NOEXT")]
    [InlineData("A;B", "A;B")]
    [InlineData("FILE.BIN;32767", "FILE.BIN")]
    public void Version_suffixes_are_stripped(string raw, string name) =>
        Assert.Equal(name, Core.Formats.Iso9660.IsoFilesystem.StripVersion(raw, dropEmptyExtension: true));

    [Fact]
    public void Multi_extent_file_is_its_extents_in_order()
    {
        // ECMA-119 9.1.6: bit 7 set on every record of a file but its last; the extents join in record order.
        var b = new IsoImageBuilder(24).Descriptors(18, Sector);
        b.Directory(18,
            Record("", 18, Sector, 2, nameByte: 0),
            Record("", 18, Sector, 2, nameByte: 1),
            Record("BIG.BIN;1", 21, Sector, 0x80),
            Record("BIG.BIN;1", 19, 100, 0),
            Record("SMALL.TXT;1", 22, 5, 0));
        b.Data(19, Enumerable.Repeat((byte)'B', Sector).ToArray());
        b.Data(21, Enumerable.Repeat((byte)'A', Sector).ToArray());
        b.Data(22, "small"u8.ToArray());
        var entries = Read(b.Bytes, out var result);
        Assert.Empty(result.Warnings);
        var big = Bytes(entries["/BIG.BIN"]);
        Assert.Equal(Sector + 100, big.Length);
        Assert.All(big[..Sector], c => Assert.Equal((byte)'A', c));
        Assert.All(big[Sector..], c => Assert.Equal((byte)'B', c));
        Assert.Equal("small", Encoding.ASCII.GetString(Bytes(entries["/SMALL.TXT"])));
    }

    [Fact]
    public void Directory_loops_and_extents_past_the_end_are_reported_not_followed()
    {
        var b = new IsoImageBuilder(22).Descriptors(18, Sector, mismatchedEndian: true);
        b.Directory(18,
            Record("", 18, Sector, 2, nameByte: 0),
            Record("", 18, Sector, 2, nameByte: 1),
            Record("SUB", 19, Sector, 2),
            Record("FAR.BIN;1", 1000, 5000, 0),
            Record("HUGE", 20, uint.MaxValue, 2));
        b.Directory(19,
            Record("", 19, Sector, 2, nameByte: 0),
            Record("", 18, Sector, 2, nameByte: 1),
            Record("BACK", 18, Sector, 2),
            Record("SELF", 19, Sector, 2));
        var entries = Read(b.Bytes, out var result);
        Assert.Equal(["/FAR.BIN", "/HUGE", "/SUB", "/SUB/BACK", "/SUB/SELF"], entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new byte[5000], Bytes(entries["/FAR.BIN"]));
        Assert.Contains(result.Warnings, w => w.Contains("directory loop", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("past the end", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("both-endian", StringComparison.Ordinal));
    }

    [Fact]
    public void Rock_ridge_continuation_loops_end_and_names_before_them_are_kept()
    {
        // SUSP 5.3 SP in the root's "." record; a CE whose area continues into itself.
        byte[] sp = Susp("SP", 0xBE, 0xEF, 0);
        byte[] nm = Susp("NM", [0, .. "looping-name"u8]);
        var b = new IsoImageBuilder(24).Descriptors(18, Sector);
        b.Directory(18,
            Record("", 18, Sector, 2, sp, nameByte: 0),
            Record("", 18, Sector, 2, nameByte: 1),
            Record("CE.TXT;1", 21, 3, 0, [.. nm, .. Continuation(20, 0, 28)]));
        b.Data(20, Continuation(20, 0, 28));
        b.Data(21, "abc"u8.ToArray());
        var entries = Read(b.Bytes, out var result);
        Assert.Equal("rock-ridge", result.Details["tree"]);
        Assert.Equal("abc", Encoding.ASCII.GetString(Bytes(entries["/looping-name"])));
        Assert.Contains(result.Warnings, w => w.Contains("continuation areas loop", StringComparison.Ordinal));
    }

    [Fact]
    public void An_iso_after_a_vendor_header_is_found_at_its_offset()
    {
        byte[] iso = File.ReadAllBytes(Fixture("plain-l1.iso"));
        byte[] image = [.. Enumerable.Repeat((byte)0x5A, 1000), .. iso, .. new byte[512]];
        using var context = new ReadContext(ReadLimits.Default);
        var layers = new Unpacker(FormatRegistry.CreateDefault()).Unpack(new MemoryByteSource(image), "image.bin", context);
        var layer = Assert.Single(layers, l => l.Format == "iso9660");
        Assert.Equal(1000, layer.Offset);
        Assert.Equal(iso.Length, layer.Size);
        var coverage = Coverage.Of(image.Length, layers);
        Assert.Equal(coverage.Bytes, coverage.Recognised + coverage.Padding + coverage.Unknown);
        Assert.True(coverage.Recognised >= iso.Length, coverage.ToString());
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(64u)]
    public void A_hybrid_iso_with_an_mbr_is_claimed_once(uint partitionStart)
    {
        // isohybrid: an MBR in the system area (sectors 0-15), partition 1 from LBA 0 (syslinux) or 64
        // (xorriso -partition_offset 16) over the rest of the image, type 0x17.
        byte[] image = File.ReadAllBytes(Fixture("rr-joliet-xorriso.iso"));
        image[446] = 0x80;
        image[446 + 4] = 0x17;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(446 + 8), partitionStart);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(446 + 12), (uint)(image.Length / 512) - partitionStart);
        image[510] = 0x55;
        image[511] = 0xAA;
        using var context = new ReadContext(ReadLimits.Default);
        var layers = new Unpacker(FormatRegistry.CreateDefault()).Unpack(new MemoryByteSource(image), "image.bin", context);
        var layer = layers[0];
        Assert.Equal("iso9660", layer.Format);
        Assert.Equal(0, layer.Offset);
        Assert.Empty(layer.Children);
        Assert.All(layers.Skip(1), l => Assert.Equal("padding", l.Format));
        var coverage = Coverage.Of(image.Length, layers);
        Assert.Equal((long)image.Length, coverage.Recognised + coverage.Padding);
        Assert.Equal(layer.Size, coverage.Recognised);
    }

    [Theory]
    [InlineData("rr-joliet-xorriso.iso")]
    [InlineData("rr-joliet-geniso.iso")]
    [InlineData("joliet.iso")]
    [InlineData("plain-l1.iso")]
    public void Truncated_images_read_what_is_there(string image)
    {
        var bytes = File.ReadAllBytes(Fixture(image));
        for (int cut = 16 * Sector; cut < bytes.Length; cut += 3001)
        {
            using var context = new ReadContext(ReadLimits.Default);
            var source = new MemoryByteSource(bytes.AsMemory(0, cut));
            if (!new Iso9660Reader().TryIdentify(source, out long length))
            {
                continue;
            }

            Assert.InRange(length, 1, cut);
            var result = new Iso9660Reader().Read(source, context);
            Assert.InRange(result.Length, 1, cut);
            foreach (var e in result.FileSystem!.Entries.Where(e => e.Content is not null))
            {
                Bytes(e);
            }
        }
    }

    [Fact]
    public void A_file_limit_ends_the_listing_with_a_warning()
    {
        using var context = new ReadContext(ReadLimits.Default with { MaxFiles = 5 });
        var bytes = File.ReadAllBytes(Fixture("rr-joliet-xorriso.iso"));
        var result = new Iso9660Reader().Read(new MemoryByteSource(bytes), context);
        Assert.Contains(result.Warnings, w => w.Contains("listing stopped", StringComparison.Ordinal));
        Assert.InRange(result.FileSystem!.Entries.Count, 1, 5);
    }

    [Theory]
    [InlineData("rr-joliet-xorriso.iso")]
    [InlineData("rr-joliet-geniso.iso")]
    [InlineData("joliet.iso")]
    [InlineData("plain-l1.iso")]
    public async Task Mutated_images_raise_only_format_errors(string image)
    {
        byte[] original = File.ReadAllBytes(Fixture(image));
        int identified = await FormatFuzzer.RunWithin(new Iso9660Reader(), original, image.Aggregate(original.Length, (h, c) => (h * 31) + c), TimeSpan.FromSeconds(60));
        Assert.True(identified > 60, $"only {identified} mutated images were identified");
    }

    [Fact]
    public void Random_bytes_after_a_valid_descriptor_set_are_not_an_unhandled_error()
    {
        var random = new Random(9660);
        for (int i = 0; i < 200; i++)
        {
            var b = new IsoImageBuilder(18 + random.Next(1, 40)).Descriptors((uint)random.Next(0, 60), (uint)random.Next(0, 1 << 20));
            random.NextBytes(b.Bytes.AsSpan(18 * Sector));
            using var context = new ReadContext(ReadLimits.Default);
            var result = new Iso9660Reader().Read(new MemoryByteSource(b.Bytes), context);
            Assert.InRange(result.Length, 17 * Sector, b.Bytes.Length);
        }
    }

    private static Dictionary<string, FsEntry> Read(byte[] image, out ReadResult result)
    {
        using var context = new ReadContext(ReadLimits.Default);
        var source = new MemoryByteSource(image);
        Assert.True(new Iso9660Reader().TryIdentify(source, out _));
        result = new Iso9660Reader().Read(source, context);
        return result.FileSystem!.Entries.ToDictionary(e => e.Path);
    }

    private static byte[] Bytes(FsEntry e)
    {
        var b = new byte[e.Content!.Length];
        e.Content.ReadExactly(0, b, "test");
        return b;
    }
}
