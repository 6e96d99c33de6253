using System.Buffers.Binary;
using System.IO.Hashing;
using CsCheck;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Pipeline;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Security;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats;

/// <summary>
/// Coverage counts every byte once, as recognised, padding or unknown, whatever the layers overlap:
/// the parts are never negative and always add up to the image size.
/// </summary>
public sealed class CoverageTests
{
    private static (IReadOnlyList<Layer> Layers, Coverage Coverage) Unpack(byte[] image, ReadLimits? limits = null)
    {
        using var context = new ReadContext(limits ?? ReadLimits.Default);
        var layers = new Unpacker(FormatRegistry.CreateDefault()).Unpack(new MemoryByteSource(image), "image.bin", context);
        return (layers, Coverage.Of(image.Length, layers));
    }

    private static void AssertSound(Coverage c)
    {
        Assert.True(c.Recognised >= 0 && c.Padding >= 0 && c.Unknown >= 0 && c.UnknownHighEntropy >= 0, c.ToString());
        Assert.True(c.UnknownHighEntropy <= c.Unknown, c.ToString());
        Assert.Equal(c.Bytes, c.Recognised + c.Padding + c.Unknown);
    }

    [Fact]
    public void Overlapping_fit_images_count_each_byte_once()
    {
        // The shape that gave "recognised: -7880": images over shared external bytes, one covering the others.
        var external = new byte[4096];
        new Random(7880).NextBytes(external);
        var (fit, images) = FdtBuilder.Fit("overlapping");
        images.ExternalImage("a", 0, 3000);
        images.ExternalImage("b", 1000, 3096);
        images.ExternalImage("all", 0, 4096);
        byte[] image = fit.Build(external);
        long tree = image.Length - external.Length;

        var (layers, c) = Unpack(image);

        var layer = Assert.Single(layers);
        Assert.Equal(["a", "b", "all"], layer.Children.Select(l => l.Name));
        Assert.Equal([tree, tree + 1000, tree], layer.Children.Select(l => l.CarvedOffset ?? -1));
        Assert.All(layer.Children, l => Assert.Null(l.Offset));
        AssertSound(c);
        Assert.Equal((tree, 0L, 4096L), (c.Recognised, c.Padding, c.Unknown));
    }

    [Fact]
    public void Fit_images_with_the_same_name_are_both_kept()
    {
        var (fit, images) = FdtBuilder.Fit("twins");
        images.EmbeddedImage("kernel", LayerBombTests.Gzip(new byte[1000]), "kernel", "gzip");
        images.EmbeddedImage("kernel", LayerBombTests.Gzip(new byte[2000]), "kernel", "gzip");
        byte[] image = fit.Build();

        var (layers, c) = Unpack(image);

        var kernels = Assert.Single(layers).Children;
        Assert.Equal(2, kernels.Count);
        Assert.All(kernels, k => Assert.Equal(("kernel", "kernel", "gzip"), (k.Name, k.Format, k.Details["compression"])));
        Assert.NotEqual(kernels[0].CarvedOffset, kernels[1].CarvedOffset);
        Assert.Equal([1000L, 2000L], kernels.Select(k => k.Descendants().Single(l => l.Format == "gzip").Children.Sum(d => d.Size)));
        AssertSound(c);
        Assert.Equal(image.Length, c.Recognised);
    }

    [Fact]
    public void Images_naming_the_same_bytes_are_analysed_once_and_counted_once()
    {
        var external = new byte[2048];
        new Random(2).NextBytes(external);
        var (fit, images) = FdtBuilder.Fit("same");
        images.ExternalImage("first", 0, 2048);
        images.ExternalImage("second", 0, 2048);
        byte[] image = fit.Build(external);

        var (layers, c) = Unpack(image);

        var fitLayer = Assert.Single(layers);
        Assert.Equal(["first", "second"], fitLayer.Children.Select(l => l.Name));
        var second = fitLayer.Children[1];
        Assert.Equal(fitLayer.Children[0].Id, second.Details["sameAs"]);
        Assert.Null(second.Source);
        Assert.Contains(second.Warnings, w => w.StartsWith("same bytes as layer 1.1", StringComparison.Ordinal));
        AssertSound(c);
        Assert.Equal(2048, c.Unknown);
    }

    [Fact]
    public void Layouts_without_overlap_count_as_the_plain_sum()
    {
        // Where nothing overlaps, the interval count equals the plain sum the engine always used, so
        // figures of real images (the corpus) do not move.
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            long size = random.NextInt64(1, 1 << 20);
            var top = RandomLayout(random, size, depth: 0, overlap: false);
            Assert.Equal(PlainSum(size, top), Coverage.Of(size, top));
        }, iter: 500, threads: 1);
    }

    [Fact]
    public void Random_layouts_with_overlapping_children_give_sound_figures()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            long size = random.NextInt64(0, 1 << 20);
            AssertSound(Coverage.Of(size, RandomLayout(random, size, depth: 0, overlap: true)));
        }, iter: 2000, threads: 1);
    }

    [Fact]
    public void Random_fit_trx_and_uimage_bytes_with_overlapping_parts_give_sound_figures()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            byte[] image = random.Next(3) switch
            {
                0 => RandomFit(random),
                1 => RandomTrx(random),
                _ => RandomMultiUImage(random),
            };
            var (_, c) = Unpack(image, ReadLimits.Default with { MaxTotalBytes = 64L << 20 });
            Assert.Equal(image.Length, c.Bytes);
            AssertSound(c);
        }, iter: 300, threads: 1);
    }

    /// <summary>Layers as the engine builds them, with children placed anywhere (overlapping, outside) when asked.</summary>
    private static List<Layer> RandomLayout(Random random, long size, int depth, bool overlap)
    {
        var layers = new List<Layer>();
        long pos = 0;
        int count = random.Next(0, 6);
        for (int i = 0; i < count && (overlap || pos < size); i++)
        {
            long start = overlap ? random.NextInt64(-16, size + 16) : pos + random.NextInt64(0, Math.Max(1, (size - pos) / 2));
            long length = overlap ? random.NextInt64(0, size + 32) : random.NextInt64(0, size - start + 1);
            if (!overlap && start + length > size)
            {
                break;
            }

            bool named = random.Next(2) == 0;
            var layer = RandomLayer(random, length, depth, overlap, named ? null : start);
            layer.CarvedOffset = named || random.Next(2) == 0 ? start : null;
            layers.Add(layer);
            pos = start + length;
        }

        return layers;
    }

    private static Layer RandomLayer(Random random, long size, int depth, bool overlap, long? offset)
    {
        switch (random.Next(depth >= 3 ? 3 : 5))
        {
            case 0:
                return new Layer { Format = LayerFormats.Padding, Offset = offset, Size = size };
            case 1:
                return new Layer { Format = LayerFormats.Unknown, Offset = offset, Size = size, HighEntropyBytes = random.NextInt64(0, size + 1) };
            case 2:
                return new Layer { Format = "squashfs", Offset = offset, Size = size };
            case 3:
                {
                    var region = new Layer { Format = "kernel", Offset = offset, Size = size, ChildrenAreCarved = true, HighEntropyBytes = random.NextInt64(0, size + 1) };
                    region.Details["content"] = LayerFormats.Unknown;
                    return region;
                }

            default:
                {
                    var container = new Layer { Format = random.Next(2) == 0 ? "fit" : "trx", Offset = offset, Size = size, ChildrenAreCarved = true };
                    container.Children.AddRange(RandomLayout(random, size, depth + 1, overlap));
                    return container;
                }
        }
    }

    /// <summary>The count before intervals: children's sizes subtracted from their container.</summary>
    private static Coverage PlainSum(long size, IReadOnlyList<Layer> layers)
    {
        long recognised = 0, padding = 0, unknown = 0, high = 0;
        void Walk(IEnumerable<Layer> list)
        {
            foreach (var layer in list)
            {
                if (layer.Format == LayerFormats.Padding)
                {
                    padding += layer.Size;
                }
                else if (layer.Format == LayerFormats.Unknown)
                {
                    unknown += layer.Size;
                    high += layer.HighEntropyBytes ?? 0;
                }
                else if (layer.ChildrenAreCarved && layer.Children.Count > 0)
                {
                    recognised += layer.Size - layer.Children.Sum(c => c.Size);
                    Walk(layer.Children);
                }
                else if (layer.ChildrenAreCarved && layer.Details.GetValueOrDefault("content") == LayerFormats.Unknown)
                {
                    unknown += layer.Size;
                    high += layer.HighEntropyBytes ?? 0;
                }
                else
                {
                    recognised += layer.Size;
                }
            }
        }

        Walk(layers);

        // Bytes no top-level layer covers are unknown.
        unknown += size - layers.Sum(l => l.Size);
        return new Coverage(size, recognised, padding, unknown, high);
    }

    /// <summary>Bytes made of runs of zeros, 0xFF, random bytes and small gzip streams.</summary>
    private static byte[] RandomBody(Random random, int length)
    {
        var body = new List<byte>(length);
        while (body.Count < length)
        {
            int run = random.Next(1, 6000);
            switch (random.Next(4))
            {
                case 0:
                    body.AddRange(Enumerable.Repeat((byte)0, run));
                    break;
                case 1:
                    body.AddRange(Enumerable.Repeat((byte)0xFF, run));
                    break;
                case 2:
                    var bytes = new byte[run];
                    random.NextBytes(bytes);
                    body.AddRange(bytes);
                    break;
                default:
                    body.AddRange(LayerBombTests.Gzip(new byte[run]));
                    break;
            }
        }

        return [.. body.Take(length)];
    }

    private static byte[] RandomFit(Random random)
    {
        byte[] external = RandomBody(random, random.Next(0, 20_000));
        var (fit, images) = FdtBuilder.Fit("random");
        int count = random.Next(1, 8);
        var positioned = new List<FdtNode>();
        for (int i = 0; i < count; i++)
        {
            int start = random.Next(0, external.Length + 1);
            int length = random.Next(0, external.Length - start + 1);
            switch (random.Next(4))
            {
                case 0:
                    images.EmbeddedImage("embedded", RandomBody(random, random.Next(0, 3000)));
                    break;
                case 1:
                    // Back into the tree: the whole FIT, or part of it.
                    positioned.Add(images.PositionedImage("back", (uint)random.Next(0, 64), 0));
                    break;
                default:
                    images.ExternalImage("external", (uint)start, (uint)length, random.Next(2) == 0 ? "kernel" : "ramdisk");
                    break;
            }
        }

        int tree = (fit.TotalSize + 3) & ~3;
        foreach (var node in positioned)
        {
            node.Set("data-size", (uint)random.Next(0, tree + external.Length + 1));
        }

        return fit.Build(external);
    }

    private static byte[] RandomTrx(Random random)
    {
        int version = random.Next(1, 3);
        int header = version == 1 ? 28 : 32;
        byte[] body = RandomBody(random, random.Next(16, 30_000));
        var trx = new byte[header + body.Length];
        "HDR0"u8.CopyTo(trx);
        BinaryPrimitives.WriteUInt32LittleEndian(trx.AsSpan(4), (uint)trx.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(trx.AsSpan(12), (uint)version << 16);
        for (int i = 0; i < (version == 1 ? 3 : 4); i++)
        {
            // Any offset, including the header, repeats and ones out of order.
            uint offset = random.Next(3) == 0 ? 0 : (uint)random.Next(0, trx.Length + 8);
            BinaryPrimitives.WriteUInt32LittleEndian(trx.AsSpan(16 + (4 * i)), i == 0 ? (uint)header : offset);
        }

        body.CopyTo(trx, header);
        BinaryPrimitives.WriteUInt32LittleEndian(trx.AsSpan(8), ~Crc32.HashToUInt32(trx.AsSpan(12)));
        return trx;
    }

    private static byte[] RandomMultiUImage(Random random)
    {
        int parts = random.Next(1, 8);
        byte[] body = RandomBody(random, random.Next(64, 30_000));
        var data = new byte[(4 * (parts + 1)) + body.Length];
        for (int i = 0; i < parts; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4 * i), (uint)random.Next(1, body.Length + 64));
        }

        body.CopyTo(data, 4 * (parts + 1));
        var image = new byte[64 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(image, 0x27051956);
        BinaryPrimitives.WriteUInt32BigEndian(image.AsSpan(12), (uint)data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(image.AsSpan(24), Crc32.HashToUInt32(data));
        image[28] = 5; // linux
        image[29] = 5; // mips
        image[30] = 4; // multi
        data.CopyTo(image, 64);
        BinaryPrimitives.WriteUInt32BigEndian(image.AsSpan(4), Crc32.HashToUInt32(image.AsSpan(0, 64)));
        return image;
    }
}
