using System.Text.Json;
using FirmwareGate.Core.Compression;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats;

/// <summary>Containers, single-stream compressors and the LZO1X decoder on fixtures made by the real tools.</summary>
public sealed class ContainerFixtureTests
{
    private static readonly string SmallTarSha = TreeComparer.Sha256(new MemoryByteSource(File.ReadAllBytes(TestPaths.Fixture("small.tar"))));

    [Theory]
    [InlineData("small.tar.gz", "gzip")]
    [InlineData("small.tar.xz", "xz")]
    [InlineData("small.tar.lzma", "lzma")]
    [InlineData("small.tar.bz2", "bzip2")]
    [InlineData("small.tar.zst", "zstd")]
    [InlineData("small.tar.lz4", "lz4")]
    [InlineData("small.tar.lzo", "lzo")]
    public void Compressed_stream_decodes_to_the_original_tar(string fixture, string format)
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture(fixture));
        var reader = FormatRegistry.CreateDefault().Readers.Single(r => r.Format == format);
        Assert.True(reader.TryIdentify(new MemoryByteSource(bytes), out _));
        using var context = new ReadContext(ReadLimits.Default);
        var read = reader.Read(new MemoryByteSource(bytes), context);
        Assert.Empty(read.Warnings);
        Assert.Equal(bytes.Length, read.Length);
        Assert.Equal(SmallTarSha, TreeComparer.Sha256(Assert.Single(read.Children).Data));

        using var result = Scan.Run(TestPaths.Fixture(fixture));
        Assert.Equal([format, "tar"], result.Image.FormatChain);
    }

    [Theory]
    [InlineData("small.tar.xz", "xz")]
    [InlineData("small.tar.lzma", "lzma")]
    public void Managed_lzma_fallback_decodes_like_liblzma(string fixture, string format)
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture(fixture));
        var reader = FormatRegistry.CreateDefault().Readers.Single(r => r.Format == format);
        using var context = new ReadContext(ReadLimits.Default) { UseNativeCodecs = false };
        var read = reader.Read(new MemoryByteSource(bytes), context);
        Assert.Equal(SmallTarSha, TreeComparer.Sha256(Assert.Single(read.Children).Data));
        Assert.True(LibLzma.IsAvailable, "liblzma.so.5 should be present on Debian");
    }

    [Fact]
    public void Lzo1x_decodes_lzop_output_block_by_block()
    {
        var input = File.ReadAllBytes(TestPaths.Fixture("lzo-input.bin"));
        using var result = Scan.Run(TestPaths.Fixture("lzo-input.bin.lzo"));
        var lzo = result.Single("lzo");
        Assert.Empty(lzo.Warnings);
        var decoded = Assert.Single(lzo.Children).Source!;
        Assert.Equal(TreeComparer.Sha256(new MemoryByteSource(input)), TreeComparer.Sha256(decoded));
    }

    [Fact]
    public void Lzo1x_rejects_streams_that_point_before_the_output()
    {
        // 0x11 0x00 0x00 would be an end marker only after data; a match at distance > output is corrupt.
        byte[] bad = [0x15, (byte)'a', (byte)'b', (byte)'c', (byte)'d', 0x40, 0xFF, 0x11, 0x00, 0x00];
        Assert.Throws<InvalidDataException>(() => Lzo1xDecompressor.Decompress(bad, new byte[64]));
    }

    [Fact]
    public void UImage_header_fields_and_crcs_are_verified()
    {
        using var result = Scan.Run(TestPaths.Fixture("uimage-gzip.bin"));
        var u = result.Single("uimage");
        Assert.Equal("Fixture Linux", u.Details["name"]);
        Assert.Equal(("kernel", "linux", "arm", "gzip"), (u.Details["type"], u.Details["os"], u.Details["arch"], u.Details["comp"]));
        Assert.Equal("true", u.Details["dataCrcValid"]);
        var kernel = Assert.Single(u.Children);
        Assert.Equal(("kernel", 64L), (kernel.Format, kernel.Offset!.Value));
        Assert.Equal("gzip", Assert.Single(kernel.Children).Format);
        Assert.True(result.Complete);
    }

    [Fact]
    public void UImage_data_crc_mismatch_is_a_warning_and_makes_the_scan_incomplete()
    {
        using var result = Scan.Run(TestPaths.Fixture("uimage-badcrc.bin"));
        var u = result.Single("uimage");
        Assert.Equal("false", u.Details["dataCrcValid"]);
        Assert.Contains(u.Warnings, w => w.Contains("data CRC32 mismatch", StringComparison.Ordinal));
        Assert.Equal(3, result.ExitCode(allowIncomplete: false));
        Assert.Equal(0, result.ExitCode(allowIncomplete: true));
    }

    [Fact]
    public void UImage_multi_file_parts_are_split_and_analysed()
    {
        using var result = Scan.Run(TestPaths.Fixture("uimage-multi.bin"));
        var u = result.Single("uimage");
        Assert.Equal("multi", u.Details["type"]);
        Assert.Equal(2, u.Children.Count);
        Assert.All(u.Children, c => Assert.Equal("part", c.Format));
        Assert.Equal(10000, u.Children[0].Size);
        var squash = Assert.Single(u.Children[1].Children);
        Assert.Equal("squashfs", squash.Format);
        Assert.Equal(ManifestRow.Load(TestPaths.Fixture("tree.files.tsv")).Count, squash.FileSystem!.Entries.Count);
    }

    [Fact]
    public void UImage_lzo_payload_is_decoded_through_lzop()
    {
        using var result = Scan.Run(TestPaths.Fixture("uimage-lzo.bin"));
        var kernel = Assert.Single(result.Single("uimage").Children);
        Assert.Equal("lzo", Assert.Single(kernel.Children).Format);
        Assert.True(result.Complete, string.Join('\n', result.Warnings));
    }

    [Theory]
    [InlineData("fit.itb")]
    [InlineData("fit-external.itb")]
    public void Fit_image_nodes_carry_their_description_type_and_data(string fixture)
    {
        using var result = Scan.Run(TestPaths.Fixture(fixture));
        var fit = result.Single("fit");
        Assert.Equal("FirmwareGate fixture FIT", fit.Details["description"]);
        var nodes = fit.Children.ToDictionary(c => c.Name!);
        Assert.Equal(["fdt-1", "kernel", "ramdisk"], nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("kernel", "Fixture kernel", "gzip"), (nodes["kernel"].Format, nodes["kernel"].Details["description"], nodes["kernel"].Details["compression"]));
        Assert.Equal("dtb", nodes["fdt-1"].Format);
        Assert.Equal("FirmwareGate fixture board", nodes["fdt-1"].Details["model"]);
        var cpio = nodes["ramdisk"].Descendants().Single(l => l.Format == "cpio");
        Assert.Equal(ManifestRow.Load(TestPaths.Fixture("tree.files.tsv")).Count, cpio.FileSystem!.Entries.Count);
    }

    [Theory]
    [InlineData("trx-v1.trx", "1", 28)]
    [InlineData("trx-v2.trx", "2", 32)]
    public void Trx_partitions_are_carved_and_crc_checked(string fixture, string version, long firstPartition)
    {
        using var result = Scan.Run(TestPaths.Fixture(fixture));
        var trx = Assert.Single(result.Layers);
        Assert.Equal(("trx", version, "true"), (trx.Format, trx.Details["version"], trx.Details["crcValid"]));
        Assert.Equal(["uimage", "squashfs"], trx.Children.Where(c => c.IsRecognised).Select(c => c.Format));
        Assert.Equal(firstPartition, trx.Children[0].Offset);
        Assert.Equal(result.Image.Size, result.Coverage.Recognised + result.Coverage.Padding);
    }

    [Fact]
    public void Flash_dump_coverage_is_exact()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("flash.layout.json")));
        long At(string key, int i) => doc.RootElement.GetProperty(key)[i].GetInt64();
        using var result = Scan.Run(TestPaths.Fixture("flash.bin"));
        var c = result.Coverage;

        Assert.Equal(doc.RootElement.GetProperty("size").GetInt64(), c.Bytes);
        var unknown = Assert.Single(result.Layers, l => l.Format == LayerFormats.Unknown);
        Assert.Equal((At("random", 0), At("random", 1)), (unknown.Offset!.Value, unknown.Size));
        Assert.Equal(At("random", 1), c.Unknown);
        Assert.Equal(At("random", 1), c.UnknownHighEntropy);
        var squash = Assert.Single(result.Layers, l => l.Format == "squashfs");
        Assert.Equal(At("squashfs", 0), squash.Offset);
        Assert.Equal(At("uimage", 1) + squash.Size, c.Recognised);
        Assert.Equal(c.Bytes - c.Recognised - c.Unknown, c.Padding);
        Assert.All(result.Layers.Where(l => l.Format == LayerFormats.Padding), p => Assert.Contains(p.Details["byte"], new[] { "0x00", "0xff" }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gzip_carved_from_a_flash_dump_ends_exactly_where_its_member_ends(bool native)
    {
        // random bytes | gzip | squashfs: the gzip layer must not swallow the squashfs after it.
        var gz = File.ReadAllBytes(TestPaths.Fixture("small.tar.gz"));
        var sqfs = File.ReadAllBytes(TestPaths.Fixture("squashfs-lz4.sqfs"));
        var lead = new byte[5000];
        new Random(5).NextBytes(lead);
        byte[] image = [.. lead, .. gz, .. sqfs];
        using var context = new ReadContext(ReadLimits.Default) { UseNativeCodecs = native };
        var layers = new Unpacker(FormatRegistry.CreateDefault()).Unpack(new MemoryByteSource(image), "flash.bin", context);
        var gzip = Assert.Single(layers, l => l.Format == "gzip");
        Assert.Equal(lead.Length, gzip.Offset);
        if (native)
        {
            Assert.Equal(gz.Length, gzip.Size);
            Assert.Contains(layers, l => l.Format == "squashfs" && l.Offset == lead.Length + gz.Length);
        }

        var tar = gzip.Children.Single(c => c.Format == "tar");
        Assert.Contains(tar.FileSystem!.Entries, e => e.Path == "/etc/hostname");
    }
}
