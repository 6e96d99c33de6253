using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats.Ubi;

/// <summary>
/// Seeded mutations of the UBI and UBIFS fixtures (truncation, flipped bytes, inflated words, random runs):
/// only FirmwareFormatException escapes, volumes stay within the image, and nothing hangs.
/// </summary>
public sealed class UbiFuzzTests
{
    private const int Mutations = 300;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("ubi", "ubi-lzo.ubi")]
    [InlineData("ubi", "ubi-zlib.ubi")]
    [InlineData("ubifs", "ubifs-none.ubifs")]
    public async Task Mutated_input_raises_only_format_errors(string format, string fixture)
    {
        var reader = FormatRegistry.CreateDefault().Readers.Single(r => r.Format == format);
        byte[] original = File.ReadAllBytes(UbiFixtureTests.Fixture(fixture));
        var random = new Random(fixture.Aggregate(original.Length, (h, c) => (h * 31) + c));
        var limits = ReadLimits.Default with { MaxTotalBytes = 64L << 20, MaxFiles = 5000 };
        int identified = 0;
        var task = Task.Run(() =>
        {
            for (int i = 0; i < Mutations; i++)
            {
                identified += Exercise(reader, MutateDeep(original, random), limits) ? 1 : 0;
            }
        });
        Assert.True(await Task.WhenAny(task, Task.Delay(Budget)) == task, $"{format} did not finish {Mutations} inputs in {Budget}");
        await task;
        Assert.True(identified > Mutations / 5, $"only {identified} of {Mutations} mutated inputs were identified");
    }

    [Fact]
    public void Ubifs_inside_a_mutated_ubi_image_raises_only_format_errors()
    {
        // The whole engine: ubi -> volume -> ubifs, with flips anywhere in the image.
        byte[] original = File.ReadAllBytes(UbiFixtureTests.Fixture("ubi-zstd.ubi"));
        var random = new Random(21);
        for (int i = 0; i < 60; i++)
        {
            byte[] input = (byte[])original.Clone();
            for (int f = 0; f < 16; f++)
            {
                input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
            }

            using var context = new ReadContext(ReadLimits.Default with { MaxTotalBytes = 64L << 20 });
            var layers = new Unpacker(FormatRegistry.CreateDefault()).Unpack(new MemoryByteSource(input), "ubi.bin", context);
            Assert.Equal(input.Length, layers.Sum(l => l.Size));
        }
    }

    [Fact]
    public void Chunked_and_one_shot_reads_agree()
    {
        using var context = new ReadContext(ReadLimits.Default);
        var read = new UbifsReader().Read(new MemoryByteSource(File.ReadAllBytes(UbiFixtureTests.Fixture("ubifs-none.ubifs"))), context);
        foreach (var file in read.FileSystem!.Entries.Where(e => e.Type == EntryType.File && e.Size > 0))
        {
            var whole = new byte[file.Size];
            Assert.Equal(whole.Length, file.Content!.ReadFully(0, whole));
            var pieces = new byte[file.Size];
            for (long off = 0; off < file.Size; off += 777)
            {
                file.Content!.ReadFully(off, pieces.AsSpan((int)off, (int)Math.Min(777, file.Size - off)));
            }

            Assert.Equal(whole, pieces);
        }
    }

    // Most of an image is data: mutations also land past the first 4 KiB, where index and leaf nodes are.
    private static byte[] MutateDeep(byte[] original, Random random)
    {
        if (random.Next(3) != 0)
        {
            return FuzzTests.Mutate(original, random);
        }

        byte[] data = (byte[])original.Clone();
        int at = random.Next(0, data.Length - 4);
        BitConverter.GetBytes(random.Next(2) == 0 ? 0x7FFFFFFF : random.Next()).CopyTo(data, at);
        return data;
    }

    private static bool Exercise(IFormatReader reader, byte[] input, ReadLimits limits)
    {
        var source = new MemoryByteSource(input);
        using var context = new ReadContext(limits);
        try
        {
            if (!reader.TryIdentify(source, out _))
            {
                return false;
            }

            var result = reader.Read(source, context);
            foreach (var child in result.Children)
            {
                Assert.True(child.Data.Length <= input.Length, "a volume is never larger than the image");
                Drain(child.Data);
            }

            foreach (var entry in result.FileSystem?.Entries ?? [])
            {
                if (entry.Content is { } content)
                {
                    try
                    {
                        Drain(content);
                    }
                    catch (FirmwareFormatException)
                    {
                        // A corrupt file fails alone.
                    }
                }
            }
        }
        catch (FirmwareFormatException)
        {
            // The one allowed outcome for bad input.
        }

        return true;
    }

    private static void Drain(IByteSource source)
    {
        var buffer = new byte[65536];
        for (long off = 0; off < Math.Min(source.Length, 8L << 20); off += buffer.Length)
        {
            source.ReadFully(off, buffer);
        }
    }
}
