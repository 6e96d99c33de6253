using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Formats;

/// <summary>
/// Vendor headers on fixtures built by tests/fixtures/vendor/make-vendor-headers.py from their documented
/// layouts: OpenWrt firmware-utils src/mktplinkfw.c (TP-Link), src/mkchkimg.c (Netgear CHK), src/seama.h and
/// seama.c (D-Link SEAMA), src/fw.h and mkfwimage.c (Ubiquiti); U-Boot tools/kwbimage.h and kwbimage.c
/// (Marvell kwbimage; both fixtures also pass `mkimage -l`, which verifies every kwbimage checksum); OpenWrt
/// firmware-utils src/tplink-safeloader.c generate_factory_image and put_partitions (TP-Link SafeLoader).
/// </summary>
public sealed class VendorHeaderTests
{
    private static readonly string Payload = TreeComparer.Sha256(new MemoryByteSource(File.ReadAllBytes(Vendor("payload.gz"))));
    private static readonly string Rootfs = TreeComparer.Sha256(new MemoryByteSource(File.ReadAllBytes(Vendor("rootfs.gz"))));

    public static TheoryData<string, string, string> Fixtures() => new()
    {
        { "tplink", "tplink-v1.bin", "md5Valid" },
        { "tplink-safeloader", "safeloader.bin", "md5Valid" },
        { "netgear-chk", "netgear.chk", "imageChecksumValid" },
        { "seama", "seama.bin", "md5Valid" },
        { "ubiquiti", "ubiquiti.bin", "crcValid" },
        { "kwbimage", "kwbimage-v0.kwb", "dataChecksumValid" },
        { "kwbimage", "kwbimage-v1.kwb", "dataChecksumValid" },
    };

    private static string Vendor(string name) => TestPaths.Fixture(Path.Combine("Vendor", name));

    private static IFormatReader Reader(string format) => FormatRegistry.CreateDefault().Readers.Single(r => r.Format == format);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Header_is_read_and_its_checksums_verified(string format, string fixture, string checksum)
    {
        byte[] bytes = File.ReadAllBytes(Vendor(fixture));
        using var result = Scan.Run(Vendor(fixture));
        var layer = Assert.Single(result.Layers);
        Assert.Equal((format, 0L, (long)bytes.Length), (layer.Format, layer.Offset, layer.Size));
        Assert.Empty(layer.Warnings);
        Assert.Equal("true", layer.Details[checksum]);
        Assert.Equal(0, result.Coverage.Unknown - UnknownInsideKwbPayload(format));
    }

    // The kwbimage fixtures' stand-in boot loader is a run of ARM no-ops: unknown bytes by design.
    private static long UnknownInsideKwbPayload(string format) => format == "kwbimage" ? 254 : 0;

    [Theory]
    [InlineData("tplink", "tplink-v1.bin", 512L, 1536L)]
    [InlineData("netgear-chk", "netgear.chk", 58L, 100L)]
    [InlineData("seama", "seama.bin", 64L, -1L)]
    [InlineData("ubiquiti", "ubiquiti.bin", 324L, 430L)]
    public void Kernel_and_rootfs_become_children_at_their_offsets(string format, string fixture, long kernel, long rootfs)
    {
        byte[] bytes = File.ReadAllBytes(Vendor(fixture));
        var reader = Reader(format);
        Assert.True(reader.TryIdentify(new MemoryByteSource(bytes), out _));
        using var context = new ReadContext(ReadLimits.Default);
        var read = reader.Read(new MemoryByteSource(bytes), context);
        Assert.Equal(kernel, read.Children[0].Offset);
        Assert.Equal(Payload, TreeComparer.Sha256(read.Children[0].Data));
        if (rootfs < 0)
        {
            Assert.Single(read.Children);
            return;
        }

        Assert.Equal(rootfs, read.Children[1].Offset);
        Assert.Equal(Rootfs, TreeComparer.Sha256(read.Children[1].Data));
    }

    [Fact]
    public void Safeloader_partitions_are_children_at_their_table_offsets()
    {
        byte[] bytes = File.ReadAllBytes(Vendor("safeloader.bin"));
        var reader = Reader("tplink-safeloader");
        Assert.True(reader.TryIdentify(new MemoryByteSource(bytes), out long length));
        Assert.Equal(bytes.Length, length);
        using var context = new ReadContext(ReadLimits.Default);
        var read = reader.Read(new MemoryByteSource(bytes), context);
        // The metadata records stay in the header; the kernel and root filesystem are the children.
        Assert.Equal("partition-table,soft-version,support-list,os-image,file-system", read.Details["partitions"]);
        Assert.Equal(["os-image", "file-system"], read.Children.Select(c => c.Name));
        Assert.Equal(Payload, TreeComparer.Sha256(read.Children[0].Data));
        Assert.Equal(Rootfs, TreeComparer.Sha256(read.Children[1].Data));
        Assert.Equal(bytes.Length, read.Children[1].Offset + read.Children[1].Data.Length);
        Assert.Equal("CPE510(TP-LINK|UN|N300-5):1.0", read.Details["vendor"]);
    }

    [Fact]
    public void Safeloader_entries_outside_the_image_or_unreadable_are_warnings()
    {
        byte[] bytes = File.ReadAllBytes(Vendor("safeloader.bin"));
        int table = 0x1014;
        string text = System.Text.Encoding.ASCII.GetString(bytes, table, 0x800);
        int osImage = text.IndexOf("os-image base 0x", StringComparison.Ordinal);
        bytes[table + osImage + "os-image base 0x".Length] = (byte)'f'; // base 0xf.... : past the end
        int soft = text.IndexOf("soft-version base", StringComparison.Ordinal);
        bytes[table + soft + "soft-version ".Length] = (byte)'B'; // "Base": not an entry
        var source = new MemoryByteSource(bytes);
        var reader = Reader("tplink-safeloader");
        Assert.True(reader.TryIdentify(source, out _));
        using var context = new ReadContext(ReadLimits.Default);
        var read = reader.Read(source, context);
        Assert.Equal(["file-system"], read.Children.Select(c => c.Name));
        Assert.DoesNotContain("soft-version", read.Details["partitions"], StringComparison.Ordinal);
        Assert.Contains(read.Warnings, w => w.Contains("partition os-image", StringComparison.Ordinal) && w.Contains("outside", StringComparison.Ordinal));
        Assert.Contains(read.Warnings, w => w.Contains("unreadable partition table entry", StringComparison.Ordinal));
        Assert.Contains(read.Warnings, w => w.Contains("MD5 mismatch", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("kwbimage-v0.kwb", 512L)]
    [InlineData("kwbimage-v1.kwb", 128L)]
    public void Kwbimage_payload_is_the_boot_loader_without_its_checksum_word(string fixture, long offset)
    {
        using var result = Scan.Run(Vendor(fixture));
        var boot = Assert.Single(result.Single("kwbimage").Children);
        Assert.Equal(("u-boot", offset, 300L), (boot.Format, boot.Offset!.Value, boot.Size));
        Assert.Contains(boot.Children, c => c.Format == "gzip" && c.Offset == 256);
    }

    [Theory]
    [InlineData("tplink", "tplink-v1.bin", 600, "MD5")]
    [InlineData("tplink-safeloader", "safeloader.bin", 0x1900, "MD5 mismatch")]
    [InlineData("netgear-chk", "netgear.chk", 70, "kernel checksum mismatch")]
    [InlineData("seama", "seama.bin", 70, "MD5 mismatch")]
    [InlineData("ubiquiti", "ubiquiti.bin", 340, "PART kernel CRC32 mismatch")]
    [InlineData("kwbimage", "kwbimage-v0.kwb", 600, "image data checksum mismatch")]
    [InlineData("kwbimage", "kwbimage-v0.kwb", 0x40, "extension header 0 checksum mismatch")]
    public void A_flipped_byte_is_a_checksum_warning_not_a_lost_layer(string format, string fixture, int at, string warning)
    {
        byte[] bytes = File.ReadAllBytes(Vendor(fixture));
        bytes[at] ^= 0x01;
        var source = new MemoryByteSource(bytes);
        var reader = Reader(format);
        Assert.True(reader.TryIdentify(source, out _));
        using var context = new ReadContext(ReadLimits.Default);
        var read = reader.Read(source, context);
        Assert.Contains(read.Warnings, w => w.Contains(warning, StringComparison.Ordinal));
        Assert.NotEmpty(read.Children);
    }

    [Theory]
    [InlineData("kwbimage-v0.kwb", 0x04)]
    [InlineData("kwbimage-v1.kwb", 0x50)]
    public void Kwbimage_with_a_wrong_header_checksum_is_not_identified(string fixture, int at)
    {
        // The v0 sum covers the 32-byte main header, the v1 sum the whole header (kwbheader_size_for_csum).
        byte[] bytes = File.ReadAllBytes(Vendor(fixture));
        bytes[at] ^= 0x10;
        Assert.False(Reader("kwbimage").TryIdentify(new MemoryByteSource(bytes), out _));
    }

    [Fact]
    public void Inflated_netgear_lengths_are_reported_not_followed()
    {
        byte[] bytes = File.ReadAllBytes(Vendor("netgear.chk"));
        bytes[28] = 0x7f; // rootfs length ~2 GiB
        var source = new MemoryByteSource(bytes);
        var reader = Reader("netgear-chk");
        Assert.True(reader.TryIdentify(source, out long claimed));
        Assert.True(claimed > bytes.Length);
        using var context = new ReadContext(ReadLimits.Default);
        var read = reader.Read(source, context);
        Assert.Equal(bytes.Length, read.Length);
        Assert.Contains(read.Warnings, w => w.Contains("runs past", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_truncation_raises_only_format_errors(string format, string fixture, string checksum)
    {
        _ = checksum;
        byte[] bytes = File.ReadAllBytes(Vendor(fixture));
        var reader = Reader(format);
        for (int length = 0; length < bytes.Length; length++)
        {
            var source = new MemoryByteSource(bytes.AsMemory(0, length).ToArray());
            Assert.True(ReadsSafely(reader, source) <= length);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Mutated_headers_raise_only_format_errors(string format, string fixture, string checksum)
    {
        _ = checksum;
        byte[] original = File.ReadAllBytes(Vendor(fixture));
        var reader = Reader(format);
        var random = new Random(fixture.Aggregate(original.Length, (h, c) => (h * 31) + c));
        int identified = 0;
        var task = Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                byte[] input = FuzzTests.Mutate(original, random);
                identified += ReadsSafely(reader, new MemoryByteSource(input)) >= 0 ? 1 : 0;
            }
        });
        Assert.Same(task, await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60))));
        await task;
        Assert.True(identified > 50, $"only {identified} of 500 mutated inputs were identified");
    }

    /// <summary>The layer length read (-1 when not identified or rejected as corrupt).</summary>
    private static long ReadsSafely(IFormatReader reader, IByteSource source)
    {
        if (!reader.TryIdentify(source, out _))
        {
            return -1;
        }

        using var context = new ReadContext(ReadLimits.Default);
        try
        {
            var read = reader.Read(source, context);
            foreach (var child in read.Children)
            {
                Assert.InRange(child.Offset!.Value + child.Data.Length, 0, source.Length);
            }

            return read.Length;
        }
        catch (FirmwareFormatException)
        {
            return 0;
        }
    }
}
