using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.IO.Hashing;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>
/// Breadth bombs: containers whose parts point back at their own bytes or share bytes, regions packed
/// with headers, and floods of tiny layers. Depth alone bounds none of them; each must end fast with
/// the tree bounded and the reason reported.
/// </summary>
public sealed class LayerBombTests
{
    // A hang guard, not a speed target (bench/ measures speed): the unbounded versions of these bombs run for
    // minutes to hours; the bound leaves room for a test run that shares two cores with the rest of the suite.
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(30);

    private static (ScanResult Result, TimeSpan Elapsed) ScanBytes(TempDir temp, byte[] image, ReadLimits? limits = null)
    {
        string path = temp.Combine("image.bin");
        File.WriteAllBytes(path, image);
        var clock = Stopwatch.StartNew();
        var result = Scan.Run(path, limits);
        return (result, clock.Elapsed);
    }

    private static void AssertCoverageExact(ScanResult result)
    {
        var c = result.Coverage;
        Assert.True(c.Recognised >= 0 && c.Padding >= 0 && c.Unknown >= 0 && c.UnknownHighEntropy >= 0 && c.UnknownHighEntropy <= c.Unknown, c.ToString());
        Assert.Equal(c.Bytes, c.Recognised + c.Padding + c.Unknown);
    }

    /// <summary>The 461-byte shape from the report: five image nodes, each the whole FIT.</summary>
    internal static byte[] SelfCoveringFit(int images)
    {
        var (fit, node) = FdtBuilder.Fit("self-covering");
        var nodes = Enumerable.Range(0, images).Select(i => node.PositionedImage($"loop-{i}", 0, 0)).ToList();
        int total = fit.TotalSize;
        nodes.ForEach(n => n.Set("data-size", (uint)total));
        return fit.Build();
    }

    [Fact]
    public void Fit_whose_images_are_the_whole_fit_is_a_loop_and_is_not_analysed_again()
    {
        using var temp = new TempDir();
        byte[] bomb = SelfCoveringFit(5);
        Assert.True(bomb.Length < 1024, $"{bomb.Length} bytes");
        var (result, elapsed) = ScanBytes(temp, bomb);
        using (result)
        {
            Assert.True(elapsed < Quick, $"took {elapsed}");
            var fit = Assert.Single(result.Layers);
            Assert.Equal(("fit", 0L, (long)bomb.Length), (fit.Format, fit.Offset ?? -1, fit.Size));
            Assert.Empty(fit.Children);
            Assert.Equal(5, result.Warnings.Count(w => w.Contains("a loop; not analysed", StringComparison.Ordinal)));
            Assert.Contains(result.Warnings, w => w.Contains("'loop-0' data at 0x0", StringComparison.Ordinal) && w.Contains("over its own header", StringComparison.Ordinal));
            AssertCoverageExact(result);
            Assert.Equal(bomb.Length, result.Coverage.Recognised);
        }
    }

    [Fact]
    public void Images_covering_the_fit_and_more_are_loops_too()
    {
        // The FIT layer reaches past its tree (external data follows), and each image covers the tree
        // plus a little more: none equals the layer, but each contains the FIT header it came from.
        using var temp = new TempDir();
        var (fit, images) = FdtBuilder.Fit("covering");
        var nodes = Enumerable.Range(0, 64).Select(i => images.PositionedImage($"img-{i}", 0, 0)).ToList();
        int tree = (fit.TotalSize + 3) & ~3;
        for (int i = 0; i < nodes.Count; i++)
        {
            nodes[i].Set("data-size", (uint)(tree + (4 * i) + 4));
        }

        byte[] bomb = fit.Build(new byte[4 * nodes.Count]);
        var (result, elapsed) = ScanBytes(temp, bomb);
        using (result)
        {
            Assert.True(elapsed < Quick, $"took {elapsed}");
            Assert.True(result.AllLayers.Count() < 10, $"{result.AllLayers.Count()} layers");
            Assert.Equal(64, result.Warnings.Count(w => w.Contains("a loop; not analysed", StringComparison.Ordinal)));
            AssertCoverageExact(result);
        }
    }

    [Fact]
    public void Fit_nested_in_shared_bytes_is_read_once_however_many_images_reach_it()
    {
        // An outer FIT whose 400 images each start 4 bytes earlier in the same external area, all
        // ending at its end; inside sits a gzip stream every image contains. Before, each image
        // decoded it again; now the first read stands and the others point at it.
        using var temp = new TempDir();
        const int Images = 400;
        byte[] gzip = Gzip(new byte[256 << 10]);
        byte[] external = [.. Enumerable.Repeat((byte)0x5A, 4 * Images), .. gzip];
        var (fit, images) = FdtBuilder.Fit("shared");
        for (int i = 0; i < Images; i++)
        {
            images.ExternalImage($"part-{i}", (uint)(4 * (Images - i - 1)), (uint)(external.Length - (4 * (Images - i - 1))));
        }

        var (result, elapsed) = ScanBytes(temp, fit.Build(external));
        using (result)
        {
            Assert.True(elapsed < Quick, $"took {elapsed}");
            var decoded = result.AllLayers.Where(l => l.Format == "gzip" && !l.Details.ContainsKey("sameAs")).ToList();
            Assert.Single(decoded);
            Assert.True(result.AllLayers.Count(l => l.Format == "gzip" && l.Details.ContainsKey("sameAs")) >= Images - 2);
            Assert.Contains(result.Warnings, w => w.Contains("same bytes as layer " + decoded[0].Id, StringComparison.Ordinal));
            Assert.True(result.LimitsHit.Count == 0, string.Join(", ", result.LimitsHit));
            AssertCoverageExact(result);
        }
    }

    [Fact]
    public void Overlapping_images_over_the_same_bytes_stop_at_the_reanalysis_allowance()
    {
        // 3,000 images over 1 MiB of random bytes, each starting 4 bytes later: every one is a new
        // range, and analysing each would scan about 1 MiB again (3 GB in all).
        using var temp = new TempDir();
        const int Images = 3000;
        var external = new byte[1 << 20];
        new Random(14).NextBytes(external);
        var (fit, images) = FdtBuilder.Fit("overlapping");
        for (int i = 0; i < Images; i++)
        {
            images.ExternalImage($"part-{i}", (uint)(4 * i), (uint)(external.Length - (4 * i)));
        }

        var (result, elapsed) = ScanBytes(temp, fit.Build(external));
        using (result)
        {
            Assert.True(elapsed < Quick, $"took {elapsed}");
            var fitLayer = Assert.Single(result.Layers, l => l.Format == "fit");
            Assert.InRange(fitLayer.Children.Count, 10, 30);
            Assert.Contains(result.Warnings, w => w.Contains("analysed 16 times over", StringComparison.Ordinal));
            AssertCoverageExact(result);
        }
    }

    [Fact]
    public void Layer_limit_stops_the_analysis_with_a_named_limit()
    {
        using var temp = new TempDir();
        var (fit, images) = FdtBuilder.Fit("many");
        for (int i = 0; i < 50; i++)
        {
            images.EmbeddedImage($"part-{i}", Gzip(BitConverter.GetBytes(i)), compression: "gzip");
        }

        var (result, elapsed) = ScanBytes(temp, fit.Build(), ReadLimits.Default with { MaxLayers = 12 });
        using (result)
        {
            Assert.True(elapsed < Quick, $"took {elapsed}");
            Assert.Contains("layers", result.LimitsHit);
            Assert.Single(result.Warnings, w => w.Contains("more than 12 layers (--max-layers)", StringComparison.Ordinal));
            Assert.InRange(result.AllLayers.Count(l => l.IsRecognised), 12, 12 + 4);
            Assert.Equal(3, result.ExitCode(allowIncomplete: false));
            AssertCoverageExact(result);
        }
    }

    [Fact]
    public void Default_layer_limit_bounds_a_flood_of_tiny_layers()
    {
        // 4 MiB of back-to-back 64-byte uImages (each with an empty kernel): 65,536 headers, two
        // layers each. The default limit of 10,000 layers ends it; what is left is unknown.
        using var temp = new TempDir();
        byte[] image = Repeat(TinyUImage(), 4 << 20);
        var (result, elapsed) = ScanBytes(temp, image);
        using (result)
        {
            Assert.True(elapsed < Quick, $"took {elapsed}");
            Assert.Contains("layers", result.LimitsHit);
            Assert.InRange(result.AllLayers.Count(l => l.IsRecognised), ReadLimits.Default.MaxLayers, ReadLimits.Default.MaxLayers + 4);
            AssertCoverageExact(result);
        }
    }

    [Fact]
    public void Many_tiny_layers_are_scanned_in_linear_time()
    {
        // Without a layer limit, each of 65,536 layers used to restart the scan with a fresh 1 MiB
        // chunk read (64 GB copied); the scan now moves through each chunk once.
        using var temp = new TempDir();
        byte[] image = Repeat(TinyUImage(), 4 << 20);
        var (result, elapsed) = ScanBytes(temp, image, ReadLimits.Default with { MaxLayers = 1_000_000 });
        using (result)
        {
            Assert.True(elapsed < Quick, $"took {elapsed}");
            Assert.Equal(65536, result.Layers.Count(l => l.Format == "uimage"));
            Assert.Equal(image.Length, result.Coverage.Recognised);
        }
    }

    public static TheoryData<string> HeaderFloods() => ["trx", "uimage", "fit", "gzip", "bzip2", "lz4"];

    [Theory]
    [MemberData(nameof(HeaderFloods))]
    public void Region_packed_with_headers_that_claim_the_rest_is_read_once_per_format(string format)
    {
        // Inside a container (best-effort carving), 2 MiB where every header claims all the bytes to
        // the end and fails its check: each used to be read in full (a CRC or a copy over the rest),
        // O(n^2) over the region.
        using var temp = new TempDir();
        const int Region = 2 << 20;
        var region = new byte[Region];
        int step = format switch { "trx" => 32, "uimage" => 64, "fit" => 48, _ => 16 };
        for (int at = 16; at + step <= Region; at += step)
        {
            WriteFailingHeader(format, region.AsSpan(at), Region - at);
        }

        var (fit, images) = FdtBuilder.Fit("flood");
        images.ExternalImage("flood", 0, Region);
        var (result, elapsed) = ScanBytes(temp, fit.Build(region));
        using (result)
        {
            Assert.True(elapsed < Quick, $"took {elapsed}");
            Assert.DoesNotContain(result.AllLayers, l => l.Format == format && l.Offset > 0);
            AssertCoverageExact(result);
        }
    }

    [Fact]
    public void Image_of_fake_headers_stops_trying_that_format()
    {
        // At the top level a failed header is a corrupt layer; bzip2 sets up a decoder of several MB
        // for each. After 256 failures of one format the rest are not tried, with a warning.
        using var temp = new TempDir();
        var image = new byte[4 << 20];
        for (int at = 0; at + 16 <= image.Length; at += 16)
        {
            WriteFailingHeader("bzip2", image.AsSpan(at), image.Length - at);
        }

        var (result, elapsed) = ScanBytes(temp, image);
        using (result)
        {
            Assert.True(elapsed < Quick, $"took {elapsed}");
            Assert.Single(result.Warnings, w => w.Contains("256 headers that looked like bzip2 failed to read; further ones are not tried", StringComparison.Ordinal));
            Assert.InRange(result.Layers.Count(l => l.Format == "bzip2"), 1, 256);
            AssertCoverageExact(result);
        }
    }

    [Fact]
    public void Trx_partitions_on_the_same_bytes_or_the_header_are_ignored()
    {
        using var temp = new TempDir();
        var body = new byte[4096];
        new Random(3).NextBytes(body);
        byte[] trx = Trx([32, 32, 8, 64], body);
        var (result, elapsed) = ScanBytes(temp, trx);
        using (result)
        {
            Assert.True(elapsed < Quick);
            var layer = Assert.Single(result.Layers);
            Assert.Equal("trx", layer.Format);
            Assert.Equal([32L, 64L], layer.Children.Select(c => c.Offset ?? -1));
            Assert.Equal(2, result.Warnings.Count(w => w.Contains("outside the image or out of order", StringComparison.Ordinal)));
            AssertCoverageExact(result);
        }
    }

    private static void WriteFailingHeader(string format, Span<byte> at, int rest)
    {
        switch (format)
        {
            case "trx":
                // HDR0, length = the rest, a CRC that does not match, version 2, no partitions.
                "HDR0"u8.CopyTo(at);
                BinaryPrimitives.WriteUInt32LittleEndian(at[4..], (uint)rest);
                BinaryPrimitives.WriteUInt32LittleEndian(at[8..], 0xDEADBEEF);
                BinaryPrimitives.WriteUInt32LittleEndian(at[12..], 2u << 16);
                break;
            case "uimage":
                // A header with a valid header CRC whose data CRC is wrong.
                WriteUImageHeader(at[..64], (uint)(rest - 64), dataCrc: 0xDEADBEEF);
                break;
            case "gzip":
                // Deflate, no flags, OS Unix, then bytes no deflate block starts with.
                ((ReadOnlySpan<byte>)[0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).CopyTo(at);
                break;
            case "bzip2":
                // "BZh9" and the block magic: each candidate sets up a bzip2 decoder (milliseconds).
                "BZh91AY&SYUUUUUU"u8.CopyTo(at);
                break;
            case "lz4":
                // Frame magic, FLG/BD, a header checksum that does not match.
                ((ReadOnlySpan<byte>)[0x04, 0x22, 0x4D, 0x18, 0x64, 0x40, 0xA7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).CopyTo(at);
                break;
            default:
                // A plausible FDT header claiming the rest, whose structure block starts with garbage.
                BinaryPrimitives.WriteUInt32BigEndian(at, 0xD00DFEED);
                BinaryPrimitives.WriteUInt32BigEndian(at[4..], (uint)rest);
                BinaryPrimitives.WriteUInt32BigEndian(at[8..], 40);
                BinaryPrimitives.WriteUInt32BigEndian(at[12..], 44);
                BinaryPrimitives.WriteUInt32BigEndian(at[20..], 17);
                BinaryPrimitives.WriteUInt32BigEndian(at[32..], 4);
                BinaryPrimitives.WriteUInt32BigEndian(at[36..], 4);
                BinaryPrimitives.WriteUInt32BigEndian(at[40..], 0x77);
                break;
        }
    }

    private static byte[] TinyUImage()
    {
        var header = new byte[64];
        WriteUImageHeader(header, 0, dataCrc: 0);
        return header;
    }

    private static void WriteUImageHeader(Span<byte> h, uint size, uint dataCrc)
    {
        h.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(h, 0x27051956);
        BinaryPrimitives.WriteUInt32BigEndian(h[12..], size);
        BinaryPrimitives.WriteUInt32BigEndian(h[24..], dataCrc);
        h[28] = 5; // linux
        h[29] = 2; // arm
        h[30] = 2; // kernel
        "tiny"u8.CopyTo(h[32..]);
        BinaryPrimitives.WriteUInt32BigEndian(h[4..], Crc32.HashToUInt32(h));
    }

    private static byte[] Trx(uint[] partitions, byte[] body)
    {
        int header = 16 + (4 * partitions.Length);
        var trx = new byte[header + body.Length];
        "HDR0"u8.CopyTo(trx);
        BinaryPrimitives.WriteUInt32LittleEndian(trx.AsSpan(4), (uint)trx.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(trx.AsSpan(12), (uint)(partitions.Length == 3 ? 1 : 2) << 16);
        for (int i = 0; i < partitions.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(trx.AsSpan(16 + (4 * i)), partitions[i]);
        }

        body.CopyTo(trx, header);
        // CRC32 from flags/version to the end, without the final inversion.
        uint crc = ~Crc32.HashToUInt32(trx.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(trx.AsSpan(8), crc);
        return trx;
    }

    private static byte[] Repeat(byte[] unit, int total)
    {
        var image = new byte[total];
        for (int at = 0; at + unit.Length <= total; at += unit.Length)
        {
            unit.CopyTo(image, at);
        }

        return image;
    }

    internal static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }
}
