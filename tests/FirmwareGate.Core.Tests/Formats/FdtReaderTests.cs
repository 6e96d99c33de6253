using System.Text;
using CsCheck;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Formats;

/// <summary>
/// Device trees a real dtc would never write: repeated properties, lengths and offsets that do not
/// fit, 64-bit positions, odd names. Each gives a warning and what can be read, never another exception.
/// </summary>
public sealed class FdtReaderTests
{
    private static ReadResult Read(byte[] blob)
    {
        using var context = new ReadContext(ReadLimits.Default);
        var reader = new FdtReader();
        Assert.True(reader.TryIdentify(new MemoryByteSource(blob), out _));
        return reader.Read(new MemoryByteSource(blob), context);
    }

    private static byte[] Bytes(ChildBlob child)
    {
        var b = new byte[child.Data.Length];
        child.Data.ReadFully(0, b);
        return b;
    }

    [Fact]
    public void Repeated_property_keeps_the_first_with_a_warning()
    {
        var (fit, images) = FdtBuilder.Fit();
        images.EmbeddedImage("kernel", "first"u8.ToArray()).Prop("data", "second, longer"u8.ToArray());

        var result = Read(fit.Build());

        Assert.Equal("first"u8.ToArray(), Bytes(Assert.Single(result.Children)));
        Assert.Contains(result.Warnings, w => w.Contains("node 'kernel' repeats property 'data'; the first is used", StringComparison.Ordinal));
    }

    [Fact]
    public void Property_longer_than_the_structure_keeps_the_nodes_read_before()
    {
        var (fit, images) = FdtBuilder.Fit();
        images.EmbeddedImage("good", "good data"u8.ToArray());
        images.EmbeddedImage("broken", "x"u8.ToArray()).Prop("data", [1, 2, 3, 4], declaredLength: 0x7FFF_FFF0);

        var result = Read(fit.Build());

        // The broken node's data came before the damage, so it is kept too.
        Assert.Equal(["good", "broken"], result.Children.Select(c => c.Name));
        Assert.Equal("x"u8.ToArray(), Bytes(result.Children[1]));
        Assert.Contains(result.Warnings, w => w.Contains("structure block is corrupt", StringComparison.Ordinal) && w.Contains("runs past the structure block", StringComparison.Ordinal));
    }

    [Fact]
    public void Property_name_outside_the_strings_block_is_ignored()
    {
        var (fit, images) = FdtBuilder.Fit();
        images.EmbeddedImage("kernel", "data"u8.ToArray()).Prop("ghost", [1], nameOffset: 0xFFFF_0000);

        var result = Read(fit.Build());

        Assert.Single(result.Children);
        Assert.Contains(result.Warnings, w => w.Contains("outside the strings block; ignored", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0u, 0xFFFF_FFFFu)]
    [InlineData(0xFFFF_FFF0u, 64u)]
    [InlineData(0xFFFF_FFFFu, 0xFFFF_FFFFu)]
    public void External_data_past_the_input_is_skipped(uint offset, uint size)
    {
        var (fit, images) = FdtBuilder.Fit();
        images.ExternalImage("far", offset, size);
        images.ExternalImage("near", 0, 4);

        var result = Read(fit.Build(new byte[16]));

        Assert.Equal("near", Assert.Single(result.Children).Name);
        Assert.Contains(result.Warnings, w => w.Contains("image 'far' external data", StringComparison.Ordinal) && w.Contains("runs past", StringComparison.Ordinal));
    }

    [Fact]
    public void Sixty_four_bit_positions_and_sizes_are_read()
    {
        // #address-cells = <2>: data-position and data-size as two cells each.
        var (fit, images) = FdtBuilder.Fit();
        var node = images.Node("kernel").Prop("type", "kernel").Prop64("data-size", 8).Prop64("data-position", 0);
        images.Node("huge").Prop64("data-size", 16).Prop64("data-position", ulong.MaxValue - 4);
        int tree = (fit.TotalSize + 3) & ~3;
        node.Props.RemoveAll(p => p.Name == "data-position");
        node.Prop64("data-position", (ulong)tree + 4);

        var result = Read(fit.Build("....KERNEL!!"u8));

        var kernel = Assert.Single(result.Children);
        Assert.Equal(("kernel", (long?)(tree + 4)), (kernel.Name, kernel.CarvedOffset));
        Assert.Equal("KERNEL!!"u8.ToArray(), Bytes(kernel));
        Assert.Contains(result.Warnings, w => w.Contains("image 'huge' external data", StringComparison.Ordinal));
    }

    [Fact]
    public void Position_of_an_odd_length_is_a_warning()
    {
        var (fit, images) = FdtBuilder.Fit();
        images.Node("odd").Prop("data-size", 4u).Prop("data-position", [0, 0, 0]);

        var result = Read(fit.Build(new byte[8]));

        Assert.Empty(result.Children);
        Assert.Contains(result.Warnings, w => w.Contains("'data-position' is 3 bytes, not one or two cells", StringComparison.Ordinal));
    }

    [Fact]
    public void Node_names_are_kept_as_bytes()
    {
        var (fit, images) = FdtBuilder.Fit();
        var raw = new FdtNode([0x6B, 0xFF, 0x2F, 0x2E, 0x2E]); // "k\xff/.." : not UTF-8, with a slash
        raw.Prop("data", "x"u8.ToArray());
        images.Children.Add(raw);
        images.EmbeddedImage("k\u00ff/..", "y"u8.ToArray());

        var result = Read(fit.Build());

        Assert.Equal(2, result.Children.Count);
        Assert.NotEqual(result.Children[0].Name, result.Children[1].Name);
        Assert.Equal([0x6B, 0xFF, 0x2F, 0x2E, 0x2E], Unpacking.EntryName.ToBytes(result.Children[0].Name!));
    }

    [Fact]
    public void Mutated_trees_raise_only_format_errors()
    {
        var (fit, images) = FdtBuilder.Fit();
        for (int i = 0; i < 6; i++)
        {
            images.EmbeddedImage($"img-{i}", Encoding.ASCII.GetBytes(new string('a', i * 10)));
            images.ExternalImage($"ext-{i}", (uint)(i * 8), 16);
        }

        byte[] original = fit.Build(new byte[128]);
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            byte[] input = (byte[])original.Clone();
            for (int n = random.Next(1, 8); n > 0; n--)
            {
                // Keep the header mostly plausible so the structure walk is what gets exercised.
                int at = random.Next(40, input.Length);
                input[at] = random.Next(3) == 0 ? (byte)0xFF : (byte)random.Next(256);
            }

            using var context = new ReadContext(ReadLimits.Default);
            var reader = new FdtReader();
            if (!reader.TryIdentify(new MemoryByteSource(input), out _))
            {
                return;
            }

            try
            {
                var result = reader.Read(new MemoryByteSource(input), context);
                Assert.All(result.Children, c => Assert.InRange(c.CarvedOffset ?? -1, 0, input.Length - c.Data.Length));
            }
            catch (FirmwareFormatException)
            {
                // Allowed: the tree is damaged beyond reading.
            }
        }, iter: 3000, threads: 1);
    }
}
