using System.Buffers.Binary;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats.RomFs;

/// <summary>
/// romfs images from tests/fixtures/romfs/make-romfs.sh (genromfs) against the tree the script made them
/// from, and images patched by the layout of Linux Documentation/filesystems/romfs.rst (header checksum,
/// file headers: next with type and exec bit, spec, size, checksum, name) for loops and corrupt input.
/// </summary>
public sealed class RomFsReaderTests
{
    private static readonly IReadOnlyList<ManifestRow> Tree = ManifestRow.Load(Fixture("romfs.files.tsv"));

    internal static string Fixture(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "romfs", name);

    [Theory]
    [InlineData("romfs.img")]
    [InlineData("romfs-aligned.img")]
    public void Genromfs_images_yield_the_source_tree(string image)
    {
        using var result = Scan.Run(Fixture(image));
        var layer = result.Single("romfs");
        Assert.Equal("ok", layer.Details["checksum"]);
        Assert.Equal("fixture", layer.Details["volume"]);
        Assert.Empty(TreeComparer.Differences(layer.FileSystem!, Tree));
        Assert.Equal(Tree.Count, layer.FileSystem!.Entries.Count);
        Assert.True(result.Complete, string.Join('\n', result.Warnings));
        Assert.Empty(layer.Warnings);
    }

    [Fact]
    public void A_header_checksum_mismatch_is_a_warning_and_the_tree_is_still_read()
    {
        var bytes = File.ReadAllBytes(Fixture("romfs.img"));
        bytes[12] ^= 0x01;
        var result = Read(bytes);
        Assert.Equal("mismatch", result.Details["checksum"]);
        Assert.Contains(result.Warnings, w => w.Contains("checksum", StringComparison.Ordinal));
        Assert.Equal(Tree.Count, result.FileSystem!.Entries.Count);
    }

    [Fact]
    public void A_next_chain_that_loops_is_cut()
    {
        // Point the last header of /data back at the first one of its chain.
        var bytes = File.ReadAllBytes(Fixture("romfs.img"));
        int text = Header(bytes, "text.txt");
        int dot = Header(bytes, ".", after: Header(bytes, "data") + 16);
        uint next = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(text));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(text), (uint)dot | (next & 0xF));
        var result = Read(bytes);
        Assert.Contains(result.Warnings, w => w.Contains("a loop in the next chain", StringComparison.Ordinal));
        Assert.Contains(result.FileSystem!.Entries, e => e.Path == "/data/text.txt");
    }

    [Fact]
    public void A_hard_link_to_itself_is_reported_not_followed_forever()
    {
        var bytes = File.ReadAllBytes(Fixture("romfs.img"));
        // genromfs writes the second name it meets as the hard link (type 0).
        int link = Header(bytes, "hardlink.txt");
        string path = "/usr/lib/hardlink.txt";
        if ((BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(link)) & 7) != 0)
        {
            (link, path) = (Header(bytes, "text.txt"), "/data/text.txt");
        }

        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(link)) & 7);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(link + 4), (uint)link);
        var result = Read(bytes);
        Assert.Contains(result.Warnings, w => w.Contains("hard link", StringComparison.Ordinal));
        Assert.DoesNotContain(result.FileSystem!.Entries, e => e.Path == path);
    }

    [Fact]
    public void A_directory_that_contains_its_parent_is_entered_once()
    {
        // /usr/lib/deep's spec pointed at the root's first header.
        var bytes = File.ReadAllBytes(Fixture("romfs.img"));
        int deep = Header(bytes, "deep");
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(deep + 4), 0x20);
        var result = Read(bytes);
        Assert.Contains(result.Warnings, w => w.Contains("already listed", StringComparison.Ordinal));
        Assert.DoesNotContain(result.FileSystem!.Entries, e => e.Path.StartsWith("/usr/lib/deep/", StringComparison.Ordinal));
    }

    [Fact]
    public void Data_past_the_end_is_reported()
    {
        var bytes = File.ReadAllBytes(Fixture("romfs.img"));
        int busybox = Header(bytes, "busybox");
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(busybox + 8), 0x7FFF_0000);
        var result = Read(bytes);
        Assert.Contains(result.Warnings, w => w.Contains("past the end", StringComparison.Ordinal));
        Assert.DoesNotContain(result.FileSystem!.Entries, e => e.Path == "/bin/busybox");
    }

    [Fact]
    public void A_file_limit_stops_the_read_with_a_limit_error()
    {
        using var context = new ReadContext(ReadLimits.Default with { MaxFiles = 5 });
        var bytes = File.ReadAllBytes(Fixture("romfs.img"));
        Assert.Throws<LimitExceededException>(() => new RomFsReader().Read(new MemoryByteSource(bytes), context));
    }

    [Fact]
    public void Truncated_images_read_what_is_there()
    {
        var bytes = File.ReadAllBytes(Fixture("romfs.img"));
        for (int cut = 40; cut < bytes.Length; cut += 331)
        {
            var source = new MemoryByteSource(bytes.AsMemory(0, cut));
            using var context = new ReadContext(ReadLimits.Default);
            try
            {
                var result = new RomFsReader().Read(source, context);
                Assert.InRange(result.Length, 32, cut);
                ReadAll(result);
            }
            catch (FirmwareFormatException)
            {
                // A root header past the cut: the allowed outcome.
            }
        }
    }

    [Theory]
    [InlineData("romfs.img")]
    [InlineData("romfs-aligned.img")]
    public async Task Mutated_images_raise_only_format_errors(string image)
    {
        byte[] original = File.ReadAllBytes(Fixture(image));
        int identified = await FormatFuzzer.RunWithin(new RomFsReader(), original, image.Aggregate(original.Length, (h, c) => (h * 31) + c), TimeSpan.FromSeconds(60));
        Assert.True(identified > 60, $"only {identified} mutated images were identified");
    }

    [Fact]
    public void Random_bytes_after_a_valid_header_are_not_an_unhandled_error()
    {
        var random = new Random(79);
        byte[] head = File.ReadAllBytes(Fixture("romfs.img")).AsSpan(0, 32).ToArray();
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[head.Length + random.Next(0, 20000)];
            random.NextBytes(bytes);
            head.CopyTo(bytes, 0);
            using var context = new ReadContext(ReadLimits.Default);
            try
            {
                var result = new RomFsReader().Read(new MemoryByteSource(bytes), context);
                Assert.InRange(result.Length, 32, bytes.Length);
                ReadAll(result);
            }
            catch (FirmwareFormatException)
            {
                // Allowed.
            }
        }
    }

    private static ReadResult Read(byte[] bytes)
    {
        using var context = new ReadContext(ReadLimits.Default);
        return new RomFsReader().Read(new MemoryByteSource(bytes), context);
    }

    private static void ReadAll(ReadResult result)
    {
        foreach (var e in result.FileSystem!.Entries.Where(e => e.Content is not null))
        {
            var b = new byte[e.Content!.Length];
            e.Content.ReadExactly(0, b, "test");
        }
    }

    // The 16-byte header before a name: names start 16-byte aligned and end in NUL.
    private static int Header(byte[] bytes, string name, int after = 0)
    {
        var needle = System.Text.Encoding.ASCII.GetBytes(name + "\0");
        for (int at = Math.Max(32, after); at + needle.Length <= bytes.Length; at += 16)
        {
            if (bytes.AsSpan(at, needle.Length).SequenceEqual(needle))
            {
                return at - 16;
            }
        }

        throw new InvalidOperationException(name);
    }
}
