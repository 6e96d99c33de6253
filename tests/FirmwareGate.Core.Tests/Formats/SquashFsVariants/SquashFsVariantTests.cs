using System.Buffers.Binary;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Formats.SquashFsVariants;

/// <summary>
/// SquashFS 3.x (both byte orders), big-endian 4.0 and vendor LZMA images from
/// tests/fixtures/squashfs-variants/make-squashfs3.py, written from the squashfs-tools layouts
/// (squashfs_compat.h for 3.x, squashfs_fs.h for 4.0; the gzip ones cross-checked with unsquashfs),
/// against the tree the script made them from; then truncated, patched and mutated images.
/// </summary>
public sealed class SquashFsVariantTests
{
    private static readonly IReadOnlyList<ManifestRow> Tree = ManifestRow.Load(Fixture("squashfs-variants.files.tsv"));

    private static string Fixture(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "squashfs-variants", name);

    [Theory]
    [InlineData("squashfs3-le-gzip.img", "3.1", "little-endian", "gzip")]
    [InlineData("squashfs3-le-stored.img", "3.1", "little-endian", "gzip")]
    [InlineData("squashfs3-be-gzip.img", "3.1", "big-endian", "gzip")]
    [InlineData("squashfs3-le-lzma-alone.img", "3.1", "little-endian", "lzma")]
    [InlineData("squashfs3-be-lzma-raw.img", "3.1", "big-endian", "lzma-raw")]
    [InlineData("squashfs4-be-gzip.img", "4.0", "big-endian", "gzip")]
    [InlineData("squashfs4-le-gzip.img", "4.0", null, "gzip")]
    [InlineData("squashfs4-le-gzipid-lzma.img", "4.0", null, "lzma")]
    public void Every_variant_yields_the_source_tree(string image, string version, string? byteOrder, string compression)
    {
        using var result = Scan.Run(Fixture(image));
        var layer = result.Single("squashfs");
        Assert.Equal(version, layer.Details["version"]);
        if (byteOrder is not null)
        {
            Assert.Equal(byteOrder, layer.Details["byteOrder"]);
        }

        Assert.Equal(compression, layer.Compression);
        Assert.Empty(TreeComparer.Differences(layer.FileSystem!, Tree));
        Assert.Equal(Tree.Count, layer.FileSystem!.Entries.Count);
        Assert.True(result.Complete, string.Join('\n', result.Warnings));
        Assert.Equal(new FileInfo(Fixture(image)).Length, layer.Size);
    }

    [Theory]
    [InlineData("squashfs3-le-lzma-alone.img")]
    [InlineData("squashfs3-be-lzma-raw.img")]
    [InlineData("squashfs4-be-gzip.img")]
    public void Managed_codecs_read_the_same_tree(string image)
    {
        using var result = Scan.Run(Fixture(image), native: false);
        Assert.Empty(TreeComparer.Differences(result.Single("squashfs").FileSystem!, Tree));
    }

    [Fact]
    public void Chunked_and_one_shot_reads_agree()
    {
        using var context = new ReadContext(ReadLimits.Default);
        var read = new SquashFsLegacyReader().Read(new MemoryByteSource(File.ReadAllBytes(Fixture("squashfs3-be-gzip.img"))), context);
        foreach (var file in read.FileSystem!.Entries.Where(e => e.Type == EntryType.File && e.Size > 0))
        {
            var whole = Bytes(file);
            var pieces = new byte[file.Size];
            for (long off = 0; off < file.Size; off += 777)
            {
                file.Content!.ReadFully(off, pieces.AsSpan((int)off, (int)Math.Min(777, file.Size - off)));
            }

            Assert.Equal(whole, pieces);
        }
    }

    [Theory]
    [InlineData("squashfs3-le-gzip.img")]
    [InlineData("squashfs3-be-gzip.img")]
    [InlineData("squashfs4-be-gzip.img")]
    [InlineData("squashfs3-le-lzma-alone.img")]
    public void Truncated_images_fail_with_format_errors_or_warnings(string image)
    {
        var bytes = File.ReadAllBytes(Fixture(image));
        for (int cut = 0; cut < bytes.Length; cut += 211)
        {
            var source = new MemoryByteSource(bytes.AsMemory(0, cut));
            using var context = new ReadContext(ReadLimits.Default);
            var reader = new SquashFsLegacyReader();
            if (!reader.TryIdentify(source, out _))
            {
                Assert.True(cut < 119, $"a {cut}-byte cut of {image} was not identified");
                continue;
            }

            try
            {
                var result = reader.Read(source, context);
                if (cut < long.Parse(result.Details["bytesUsed"], System.Globalization.CultureInfo.InvariantCulture))
                {
                    Assert.NotEmpty(result.Warnings);
                }

                ReadAll(result);
            }
            catch (FirmwareFormatException)
            {
                // The allowed outcome.
            }
        }
    }

    [Theory]
    [InlineData(4, "inode count")] // inodes
    [InlineData(37, "uid count")] // no_uids
    [InlineData(55, "fragment count")] // fragments
    [InlineData(63, "bytes used")] // bytes_used (64-bit)
    [InlineData(87, "inode table start")]
    [InlineData(103, "fragment table start")]
    public void Inflated_superblock_fields_raise_only_format_errors(int offset, string what)
    {
        var bytes = File.ReadAllBytes(Fixture("squashfs3-le-gzip.img"));
        foreach (uint value in new uint[] { 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF })
        {
            var copy = (byte[])bytes.Clone();
            if (offset == 37)
            {
                copy[offset] = (byte)value;
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(offset), value);
            }

            // Either no reader claims the image or the claiming one fails with a format error.
            Survives(copy);
            Assert.NotNull(what);
        }
    }

    [Fact]
    public void A_directory_that_names_the_root_is_reported_not_walked_again()
    {
        // In the stored-metadata image the listing of /usr/lib is plain bytes: a 9-byte
        // squashfs_dir_header_3 (count:8, start_block, inode_number) then one 5-byte entry
        // (offset:13, type:3, size:8, inode_number:16) named "deep". Point it at the root inode.
        var bytes = File.ReadAllBytes(Fixture("squashfs3-le-stored.img"));
        int name = IndexOfEntry(bytes, "deep"u8);
        ulong root = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(43));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(name - 5 - 8), (uint)(root >> 16));
        ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(name - 5));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(name - 5), (ushort)((bits & 0xE000) | (int)(root & 0x1FFF)));

        using var context = new ReadContext(ReadLimits.Default);
        var result = new SquashFsLegacyReader().Read(new MemoryByteSource(bytes), context);
        Assert.Contains(result.Warnings, w => w.Contains("/usr/lib/deep", StringComparison.Ordinal) && w.Contains("same listing", StringComparison.Ordinal));
        Assert.Equal(Tree.Count - 1, result.FileSystem!.Entries.Count);
    }

    [Fact]
    public void A_directory_header_with_an_inode_outside_the_table_skips_the_entry()
    {
        var bytes = File.ReadAllBytes(Fixture("squashfs3-le-stored.img"));
        int name = IndexOfEntry(bytes, "deep"u8);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(name - 5 - 8), 0x7FFFFFFF);
        using var context = new ReadContext(ReadLimits.Default);
        var result = new SquashFsLegacyReader().Read(new MemoryByteSource(bytes), context);
        Assert.Contains(result.Warnings, w => w.Contains("/usr/lib/deep", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("squashfs3-le-gzip.img")]
    [InlineData("squashfs3-le-stored.img")]
    [InlineData("squashfs3-be-gzip.img")]
    [InlineData("squashfs3-be-lzma-raw.img")]
    [InlineData("squashfs4-be-gzip.img")]
    [InlineData("squashfs4-le-gzipid-lzma.img")]
    public async Task Mutated_images_raise_only_format_errors(string image)
    {
        byte[] original = File.ReadAllBytes(Fixture(image));
        var random = new Random(image.Aggregate(original.Length, (h, c) => (h * 31) + c));
        int identified = 0;
        var task = Task.Run(() =>
        {
            for (int i = 0; i < 300; i++)
            {
                identified += Survives(FuzzTests.Mutate(original, random)) ? 1 : 0;
            }
        });
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == task, "300 mutated images did not finish in 60 s");
        await task;
        Assert.True(identified > 60, $"only {identified} mutated images were identified");
    }

    [Fact]
    public void Random_bytes_after_a_valid_superblock_are_not_an_unhandled_error()
    {
        var random = new Random(321);
        foreach (string image in new[] { "squashfs3-le-gzip.img", "squashfs3-be-gzip.img", "squashfs4-be-gzip.img" })
        {
            var head = File.ReadAllBytes(Fixture(image)).AsSpan(0, 119).ToArray();
            for (int i = 0; i < 100; i++)
            {
                var bytes = new byte[20480];
                random.NextBytes(bytes);
                head.CopyTo(bytes, 0);
                Survives(bytes);
            }
        }
    }

    /// <summary>Reads the image with whichever SquashFS reader identifies it; true when one did.</summary>
    private static bool Survives(byte[] input)
    {
        var source = new MemoryByteSource(input);
        var limits = ReadLimits.Default with { MaxTotalBytes = 64L << 20, MaxFiles = 5000 };
        foreach (IFormatReader reader in new IFormatReader[] { new SquashFsReader(), new SquashFsLegacyReader() })
        {
            using var context = new ReadContext(limits);
            try
            {
                if (!reader.TryIdentify(source, out _))
                {
                    continue;
                }

                var result = reader.Read(source, context);
                Assert.InRange(result.Length, 1, input.Length);
                ReadAll(result);
            }
            catch (FirmwareFormatException)
            {
                // The one allowed outcome for bad input.
            }

            return true;
        }

        return false;
    }

    private static void ReadAll(ReadResult result)
    {
        foreach (var e in result.FileSystem!.Entries.Where(e => e.Content is not null))
        {
            Bytes(e);
        }
    }

    private static byte[] Bytes(FsEntry e)
    {
        var b = new byte[e.Content!.Length];
        e.Content.ReadExactly(0, b, "test");
        return b;
    }

    /// <summary>Where the name of a 3.x directory entry starts: 3 bytes after its size byte (length - 1).</summary>
    private static int IndexOfEntry(byte[] image, ReadOnlySpan<byte> name)
    {
        for (int at = image.AsSpan().IndexOf(name); at >= 0; at = image.AsSpan(at + 1).IndexOf(name) is int next and >= 0 ? at + 1 + next : -1)
        {
            if (at >= 14 && image[at - 3] == name.Length - 1)
            {
                return at;
            }
        }

        throw new InvalidOperationException("entry not found");
    }
}
