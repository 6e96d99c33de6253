using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Formats;

namespace FirmwareGate.Core.Tests.Support;

/// <summary>
/// Seeded mutations of one fixture through one reader (the mutations of <see cref="FuzzTests"/>): only
/// FirmwareFormatException may escape, the output limit holds, children and file contents read back.
/// </summary>
internal static class FormatFuzzer
{
    /// <summary><see cref="Run"/> on a worker thread, failing when it takes longer than <paramref name="bound"/> (a hang).</summary>
    public static async Task<int> RunWithin(IFormatReader reader, byte[] original, int seed, TimeSpan bound, int mutations = 300)
    {
        var task = Task.Run(() => Run(reader, original, seed, mutations));
        Assert.True(await Task.WhenAny(task, Task.Delay(bound)) == task, $"{mutations} mutated inputs did not finish in {bound.TotalSeconds} s");
        return await task;
    }

    public static int Run(IFormatReader reader, byte[] original, int seed, int mutations = 300)
    {
        var random = new Random(seed);
        var limits = ReadLimits.Default with { MaxTotalBytes = 64L << 20, MaxFiles = 5000, RatioFloorBytes = 1 << 20 };
        int identified = 0;
        for (int i = 0; i < mutations; i++)
        {
            byte[] input = FuzzTests.Mutate(original, random);
            var source = new MemoryByteSource(input);
            using var context = new ReadContext(limits);
            try
            {
                if (!reader.TryIdentify(source, out _))
                {
                    continue;
                }

                identified++;
                var result = reader.Read(source, context);
                Assert.True(result.Length > 0 && result.Length <= input.Length, $"length {result.Length} of {input.Length}");
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
        }

        return identified;
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
