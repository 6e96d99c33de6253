using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats;

/// <summary>
/// Seeded random and mutated inputs for every reader: truncations, flipped bytes and inflated length
/// fields over real fixtures. Only FirmwareFormatException may escape, limits hold, nothing hangs.
/// </summary>
public sealed class FuzzTests
{
    private const int Mutations = 300;
    private static readonly TimeSpan PerReaderBudget = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> ReaderSeeds() => new()
    {
        { "trx", "trx-v1.trx" },
        { "uimage", "uimage-multi.bin" },
        { "fit", "fit.itb" },
        { "squashfs", "squashfs-gzip.sqfs" },
        { "squashfs", "squashfs-lzo.sqfs" },
        { "squashfs", "squashfs-zstd.sqfs" },
        { "squashfs", "squashfs-lz4.sqfs" },
        { "squashfs", "squashfs-xz.sqfs" },
        { "squashfs", "squashfs-sparse-1g.sqfs" },
        { "cpio", "tree-newc.cpio" },
        { "cpio", "tree-odc.cpio" },
        { "tar", "tree-pax.tar" },
        { "tar", "sparse-gnu.tar" },
        { "tar", "sparse-pax-1.0.tar" },
        { "tar", "names-binary-gnu.tar" },
        { "cpio", "names-binary.cpio" },
        { "zip", "tree.zip" },
        { "7z", "tree.7z" },
        { "gzip", "small.tar.gz" },
        { "xz", "small.tar.xz" },
        { "bzip2", "small.tar.bz2" },
        { "zstd", "small.tar.zst" },
        { "lz4", "small.tar.lz4" },
        { "lzo", "small.tar.lzo" },
        { "lzma", "small.tar.lzma" },
    };

    [Theory]
    [MemberData(nameof(ReaderSeeds))]
    public async Task Mutated_input_raises_only_format_errors(string format, string fixture)
    {
        var reader = FormatRegistry.CreateDefault().Readers.First(r => r.Format == format); // squashfs: the 4.0 little-endian reader
        byte[] original = File.ReadAllBytes(TestPaths.Fixture(fixture));
        // A stable seed per case (HashCode is randomised per process), so a failure reproduces.
        var random = new Random(fixture.Aggregate(original.Length, (h, c) => (h * 31) + c));
        var limits = ReadLimits.Default with { MaxTotalBytes = 64L << 20, MaxFiles = 5000, RatioFloorBytes = 1 << 20 };
        int identified = 0;
        var task = Task.Run(() =>
        {
            for (int i = 0; i < Mutations; i++)
            {
                byte[] input = Mutate(original, random);
                identified += Exercise(reader, input, limits) ? 1 : 0;
            }
        });
        var finished = await Task.WhenAny(task, Task.Delay(PerReaderBudget));
        Assert.True(finished == task, $"{format} did not finish {Mutations} mutated inputs in {PerReaderBudget}");
        await task;

        // Mutations keep the header intact often enough that the reader's body is really exercised.
        Assert.True(identified > Mutations / 5, $"only {identified} of {Mutations} mutated inputs were identified");
    }

    [Fact]
    public void Block_size_words_with_high_bits_set_are_corrupt_data_not_crashes()
    {
        // Found by fuzzing: a block-size word with bits above 24 set once became a negative length.
        using var context = new ReadContext(ReadLimits.Default);
        var bytes = File.ReadAllBytes(TestPaths.Fixture("squashfs-lzo.sqfs"));
        var read = new SquashFsReader().Read(new MemoryByteSource(bytes), context);
        var busybox = read.FileSystem!.Entries.Single(e => e.Path == "/bin/busybox");
        var fs = Assert.IsType<Core.Formats.SquashFs.SquashFsFileSource>(busybox.Content).Filesystem;
        Assert.Throws<CorruptDataException>(() => { _ = fs.ReadDataBlock(96, 0xFF000100u, new byte[4096]); });
    }

    [Fact]
    public void Random_bytes_through_the_whole_engine_raise_nothing()
    {
        var random = new Random(1234);
        var registry = FormatRegistry.CreateDefault();
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 9000)];
            random.NextBytes(bytes);

            // Plant a random magic so readers see their own signature followed by noise.
            var sig = registry.Readers[random.Next(registry.Readers.Length)].Signatures[0];
            int at = random.Next(0, Math.Max(1, bytes.Length - 300));
            if (at + sig.Offset + sig.Magic.Length <= bytes.Length)
            {
                sig.Magic.CopyTo(bytes, at + sig.Offset);
            }

            using var context = new ReadContext(ReadLimits.Default with { MaxTotalBytes = 32L << 20 });
            var layers = new Unpacker(registry).Unpack(new MemoryByteSource(bytes), "random.bin", context);
            Assert.Equal(bytes.Length, layers.Sum(l => l.Size));
        }
    }

    [Fact]
    public void Chunked_and_one_shot_reads_of_squashfs_files_agree()
    {
        using var context = new ReadContext(ReadLimits.Default);
        var bytes = File.ReadAllBytes(TestPaths.Fixture("squashfs-xz.sqfs"));
        var read = new SquashFsReader().Read(new MemoryByteSource(bytes), context);
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
                Drain(child.Data);
            }

            foreach (var entry in result.FileSystem?.Entries ?? [])
            {
                if (entry.Content is { } content)
                {
                    Drain(content);
                }
            }

            Assert.True(context.Budget.BytesProduced <= limits.MaxTotalBytes);
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

    internal static byte[] Mutate(byte[] original, Random random)
    {
        byte[] data = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                return data[..random.Next(0, data.Length)];
            case 1:
                for (int i = 0, n = random.Next(1, 9); i < n; i++)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                return data;
            case 2:
                // Inflate a length-like field: a 32-bit word somewhere in the first 4 KiB becomes huge.
                int at = random.Next(0, Math.Max(1, Math.Min(4096, data.Length) - 4));
                BitConverter.GetBytes(random.Next(2) == 0 ? 0x7FFFFFFF : random.Next()).CopyTo(data, at);
                return data;
            default:
                int start = random.Next(data.Length);
                random.NextBytes(data.AsSpan(start, Math.Min(data.Length - start, random.Next(1, 512))));
                return data;
        }
    }
}
