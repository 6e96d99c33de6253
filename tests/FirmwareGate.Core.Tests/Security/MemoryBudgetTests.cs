using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>Decoded layers live as long as the scan: what they keep in memory is bounded by the memory budget.</summary>
public sealed class MemoryBudgetTests
{
    [Fact]
    public void Hundred_zip_members_keep_memory_within_the_budget_and_spill_the_rest()
    {
        // 100 members of 4 MiB each: 400 MiB decoded if all stayed in memory.
        var members = Enumerable.Range(0, 100).Select(i => ($"m{i:d3}", Member(i, 4 << 20))).ToArray();
        byte[] zip = ZipAttackTests.RealZip(members);
        var limits = ReadLimits.Default with { InMemoryBytes = 8L << 20, MemoryBudgetBytes = 32L << 20 };

        using var context = new ReadContext(limits);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = new ZipReader().Read(new MemoryByteSource(zip), context);
        var files = result.FileSystem!.Entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        var last = new byte[1];
        foreach (var f in files)
        {
            f.Content!.ReadExactly(f.Size - 1, last, "test");
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100, files.Count);
        Assert.All(files, f => Assert.Equal(4L << 20, f.Size));
        Assert.True(context.PeakInMemoryBytes <= 32L << 20, $"peak {context.PeakInMemoryBytes} bytes in memory");
        Assert.True(context.InMemoryBytes is > 0 and <= 32L << 20, $"{context.InMemoryBytes} bytes in memory");
        Assert.True(allocated < 160L << 20, $"allocated {allocated} bytes");

        // Spilled members read back exactly.
        var expected = Member(99, 4 << 20);
        var actual = new byte[expected.Length];
        files[99].Content!.ReadExactly(0, actual, "test");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Outputs_spill_once_the_budget_is_used_and_release_it_when_abandoned()
    {
        var limits = ReadLimits.Default with { InMemoryBytes = 1L << 20, MemoryBudgetBytes = 1L << 20 };
        using var context = new ReadContext(limits);
        var chunk = new byte[600 << 10];

        var sources = new List<IByteSource>();
        for (int i = 0; i < 3; i++)
        {
            using var output = context.CreateOutput("test", 0, () => chunk.Length);
            output.Write(chunk);
            sources.Add(output.ToSource());
        }

        Assert.IsType<MemoryByteSource>(sources[0]);
        Assert.IsType<ScratchByteSource>(sources[1]);
        Assert.IsType<ScratchByteSource>(sources[2]);
        Assert.All(sources, s => Assert.Equal(chunk.Length, s.Length));
        Assert.True(context.PeakInMemoryBytes <= 1L << 20, $"peak {context.PeakInMemoryBytes}");

        long held = context.InMemoryBytes;
        using (var abandoned = context.CreateOutput("test", 0, () => 1))
        {
            abandoned.Write(new byte[100]);
            Assert.True(context.InMemoryBytes > held);
        }

        Assert.Equal(held, context.InMemoryBytes);
    }

    [Fact]
    public void Thousands_of_spilled_outputs_share_one_scratch_file_and_read_back_exactly()
    {
        // Once the budget is used, every output spills: each once held its own open scratch file,
        // and a zip of 90,000 members ran the process out of descriptors.
        var limits = ReadLimits.Default with { MemoryBudgetBytes = 0 };
        using var temp = new TempDir();
        using var context = new ReadContext(limits, tempRoot: temp.Path);
        var random = new Random(5);
        var expected = new List<byte[]>();
        var sources = new List<IByteSource>();
        for (int i = 0; i < 3000; i++)
        {
            // Sizes around the chunk borders: inside the first chunk, across it, across several.
            int size = (i % 100) switch { 0 => ScratchFile.FirstChunk + ScratchFile.Chunk + 7, < 10 => ScratchFile.FirstChunk + random.Next(-3, 3), < 50 => random.Next(1, 100), _ => random.Next(1, 5000) };
            var data = new byte[size];
            random.NextBytes(data);
            using var output = context.CreateOutput("test", 0, () => size);
            for (int at = 0; at < size; at += 40_000)
            {
                output.Write(data.AsSpan(at, Math.Min(40_000, size - at)));
            }

            expected.Add(data);
            sources.Add(output.ToSource());
        }

        Assert.All(sources, s => Assert.IsType<ScratchByteSource>(s));
        Assert.Single(Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories));
        int fds = Directory.GetFiles("/proc/self/fd").Length;
        Assert.True(fds < 1000, $"{fds} open descriptors");
        for (int i = 0; i < sources.Count; i += 7)
        {
            var back = new byte[expected[i].Length];
            Assert.Equal(back.Length, sources[i].ReadFully(0, back));
            Assert.Equal(expected[i], back);
        }
    }

    [Fact]
    public void Concurrent_outputs_never_overshoot_the_budget()
    {
        var limits = ReadLimits.Default with { InMemoryBytes = 4L << 20, MemoryBudgetBytes = 8L << 20 };
        using var context = new ReadContext(limits);
        var block = new byte[64 << 10];
        Parallel.For(0, 16, _ =>
        {
            using var output = context.CreateOutput("test", 0, () => 1L << 30);
            for (int i = 0; i < 48; i++)
            {
                output.Write(block);
            }

            Assert.Equal(48L * block.Length, output.ToSource().Length);
        });

        Assert.True(context.PeakInMemoryBytes <= 8L << 20, $"peak {context.PeakInMemoryBytes}");
    }

    [Fact]
    public void Lazy_member_is_decoded_once_however_often_it_is_read()
    {
        int decodes = 0;
        var data = new byte[1000];
        var lazy = new LazyByteSource(data.Length, () =>
        {
            Interlocked.Increment(ref decodes);
            return new MemoryByteSource(data);
        });

        Parallel.For(0, 8, i => lazy.Slice(i * 10, 10).ReadFully(0, new byte[10]));
        lazy.ReadFully(500, new byte[10]);

        Assert.Equal(1, decodes);
    }

    internal static byte[] Member(int seed, int size)
    {
        // Compressible but distinct per member: a repeated pattern that starts with the seed.
        var data = new byte[size];
        for (int i = 0; i < size; i++)
        {
            data[i] = (byte)((i / 4096) + seed);
        }

        return data;
    }
}
