using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Tests.Formats.Ext4;

/// <summary>
/// Seeded mutations of the ext2/3/4 fixtures' metadata (the first 512 KiB: superblock, descriptors,
/// inode tables, directories, maps): only FirmwareFormatException may escape, limits hold, nothing hangs.
/// </summary>
public sealed class Ext4FuzzTests
{
    private const int Mutations = 150;
    private const int MetadataBytes = 512 << 10;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("ext2-1k")]
    [InlineData("ext3-1k")]
    [InlineData("ext4-4k")]
    [InlineData("ext4-inline")]
    [InlineData("ext4-64bit")]
    public async Task Mutated_metadata_raises_only_format_errors(string image)
    {
        byte[] original = Ext4FixtureTests.Image(image);
        var random = new Random(image.Aggregate(original.Length, (h, c) => (h * 31) + c));
        var limits = ReadLimits.Default with { MaxTotalBytes = 64L << 20, MaxFiles = 5000 };
        int identified = 0;
        var task = Task.Run(() =>
        {
            for (int i = 0; i < Mutations; i++)
            {
                byte[] head = FuzzTests.Mutate(original[..MetadataBytes], random);
                byte[] input = head.Length < MetadataBytes ? head : [.. head, .. original.AsSpan(MetadataBytes)];
                identified += Exercise(input, limits) ? 1 : 0;
            }
        });
        var finished = await Task.WhenAny(task, Task.Delay(Budget));
        Assert.True(finished == task, $"{image}: {Mutations} mutated inputs took longer than {Budget}");
        await task;
        Assert.True(identified > Mutations / 5, $"only {identified} of {Mutations} mutated inputs were identified");
    }

    private static bool Exercise(byte[] input, ReadLimits limits)
    {
        var reader = new Ext4Reader();
        var source = new MemoryByteSource(input);
        using var context = new ReadContext(limits);
        try
        {
            if (!reader.TryIdentify(source, out _))
            {
                return false;
            }

            var result = reader.Read(source, context);
            var buffer = new byte[65536];
            foreach (var entry in result.FileSystem?.Entries ?? [])
            {
                for (long off = 0; entry.Content is { } c && off < Math.Min(c.Length, 1L << 20); off += buffer.Length)
                {
                    c.ReadFully(off, buffer);
                }
            }
        }
        catch (FirmwareFormatException)
        {
            // The one allowed outcome for bad input.
        }

        return true;
    }
}
