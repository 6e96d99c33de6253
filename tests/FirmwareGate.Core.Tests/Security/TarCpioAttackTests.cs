using System.Diagnostics;
using System.Text;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Formats;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>
/// Crafted tar and cpio headers: numbers out of range, hostile sparse maps, over-long names.
/// Each becomes a warning on the layer (never another exception), with the members around it kept.
/// </summary>
public sealed class TarCpioAttackTests
{
    private static readonly byte[] Before = "before\n"u8.ToArray();

    private static ReadResult ReadTar(byte[] bytes, ReadLimits? limits = null) => TarFormatTests.ReadTar(bytes, limits);

    private static ReadResult ReadCpio(byte[] bytes, ReadLimits? limits = null) => TarFormatTests.ReadCpio(bytes, limits);

    private static List<string> Paths(ReadResult read) => [.. read.FileSystem!.Entries.Select(e => e.Path)];

    [Theory]
    [InlineData("18446744073709551615")] // 2^64 - 1
    [InlineData("18446744073709551616")]
    [InlineData("9223372036854775808")] // 2^63
    [InlineData("99999999999999999999999999")]
    [InlineData("-1")]
    [InlineData("12abc")]
    public void Pax_size_out_of_range_is_corrupt_data(string size)
    {
        var tar = new TarBytes()
            .File("before.txt", Before)
            .Pax('x', ("size", Encoding.ASCII.GetBytes(size)))
            .File("victim.bin", "data"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        Assert.Equal(["/before.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains($"size '{size}' is not a number", StringComparison.Ordinal) && w.EndsWith("archive read up to here", StringComparison.Ordinal));
    }

    [Fact]
    public void Pax_size_of_the_largest_long_is_truncation_not_an_internal_error()
    {
        var tar = new TarBytes()
            .File("before.txt", Before)
            .Pax('x', ("size", "9223372036854775807"u8.ToArray()))
            .File("victim.bin", "data"u8.ToArray())
            .Finish();

        using var context = new ReadContext(ReadLimits.Default);
        var layers = new Unpacker(FormatRegistry.CreateDefault()).Unpack(new MemoryByteSource(tar), "pax.tar", context);

        // The first tar layer; the engine carves the bytes after a broken member again.
        var layer = layers.First(l => l.Format == "tar");
        Assert.Equal(["/before.txt"], layer.FileSystem!.Entries.Select(e => e.Path));
        Assert.Contains(layer.Warnings, w => w.Contains("(9223372036854775807 bytes) runs past the end of the input (truncated)", StringComparison.Ordinal));
        Assert.DoesNotContain(layers.SelectMany(l => l.Descendants().Prepend(l)).SelectMany(l => l.Warnings), w => w.Contains("internal error", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0 })] // -16
    [InlineData(new byte[] { 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })] // 2^88 - 1
    [InlineData(new byte[] { 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })] // long.MaxValue
    public void Base256_size_that_is_negative_or_huge_stops_with_a_warning(byte[] sizeField)
    {
        var tar = new TarBytes()
            .File("before.txt", Before)
            .Header("victim.bin", '0', 0, h => sizeField.CopyTo(h, 124))
            .Finish();

        var read = ReadTar(tar);

        Assert.Equal(["/before.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("bad size field; archive read up to here", StringComparison.Ordinal) || w.Contains("runs past the end of the input (truncated)", StringComparison.Ordinal));

        // The same header first in the input: the input is not a tar, a format error and nothing else.
        var alone = new TarBytes().Header("victim.bin", '0', 0, h => sizeField.CopyTo(h, 124)).Finish();
        var e = Record.Exception(() => ReadTar(alone));
        Assert.True(e is null || e is FirmwareFormatException, $"{e?.GetType().Name}: {e?.Message}");
    }

    public static TheoryData<string, string, string> BadPaxSparseMaps() => new()
    {
        // realsize, map (0.1), the expected complaint
        { "1000", "100,10,0,10", "overlaps or precedes" },
        { "1000", "0,20,10,10", "overlaps or precedes" },
        { "1000", "0,10,995,10", "ends past the real size 1000" },
        { "1000", "0,10", "the member stores 20" },
        { "1000", "9223372036854775807,2", "ends past the real size" },
        { "9223372036854775807", "9223372036854775800,20", "ends past the real size" },
        { "1000", "99999999999999999999,1", "GNU.sparse.map value" },
        { "1000", "0,10,5", "odd count" },
        { "1000", "", "GNU.sparse.map value" },
        { "18446744073709551616", "0,20", "GNU.sparse.size" },
    };

    [Theory]
    [MemberData(nameof(BadPaxSparseMaps))]
    public void Bad_pax_sparse_maps_skip_only_their_member(string realSize, string map, string complaint)
    {
        var tar = new TarBytes()
            .File("before.txt", Before)
            .Pax('x', ("GNU.sparse.size", Encoding.ASCII.GetBytes(realSize)), ("GNU.sparse.map", Encoding.ASCII.GetBytes(map)), ("GNU.sparse.name", "sparse.bin"u8.ToArray()))
            .File("GNUSparseFile.1/sparse.bin", new byte[20])
            .File("after.txt", "after\n"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        Assert.Equal(["/after.txt", "/before.txt"], Paths(read));
        var warning = Assert.Single(read.Warnings);
        Assert.StartsWith("tar at 0x800: sparse member 'sparse.bin': ", warning, StringComparison.Ordinal);
        Assert.Contains(complaint, warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Pax_sparse_0_0_records_that_do_not_alternate_skip_the_member()
    {
        var tar = new TarBytes()
            .Pax('x', ("GNU.sparse.size", "100"u8.ToArray()), ("GNU.sparse.offset", "0"u8.ToArray()), ("GNU.sparse.offset", "10"u8.ToArray()), ("GNU.sparse.numbytes", "10"u8.ToArray()))
            .File("sparse.bin", new byte[10])
            .File("after.txt", "after\n"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        Assert.Equal(["/after.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("do not alternate", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1000000000000000000\n", 528, "regions in")]
    [InlineData("2\n0\n", 528, "other than a number")]
    [InlineData("2\n0\n", 4, "sparse map of 2 regions in 4 bytes")]
    [InlineData("1\n0\n1\n", 6, "sparse map runs past the member data")]
    [InlineData("1\n0\n99999999999999999999\n", 528, "other than a number")]
    [InlineData("1\nx\n1\n", 528, "other than a number")]
    [InlineData("\n", 528, "other than a number")]
    public void Bad_pax_sparse_1_0_maps_skip_only_their_member(string map, int dataLength, string complaint)
    {
        var data = new byte[dataLength];
        Encoding.ASCII.GetBytes(map).CopyTo(data, 0);
        var tar = new TarBytes()
            .Pax('x', ("GNU.sparse.major", "1"u8.ToArray()), ("GNU.sparse.minor", "0"u8.ToArray()), ("GNU.sparse.realsize", "4096"u8.ToArray()), ("GNU.sparse.name", "real.bin"u8.ToArray()))
            .File("GNUSparseFile.1/real.bin", data)
            .File("after.txt", "after\n"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        Assert.Equal(["/after.txt"], Paths(read));
        var warning = Assert.Single(read.Warnings);
        Assert.Contains("sparse member 'real.bin'", warning, StringComparison.Ordinal);
        Assert.Contains(complaint, warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_holes_count_toward_the_output_limit()
    {
        // 1 byte of data in a file of 2^62 bytes: the holes are what it produces.
        var data = new byte[513];
        "1\n0\n1\n"u8.CopyTo(data);
        data[512] = 0x41;
        var tar = new TarBytes()
            .Pax('x', ("GNU.sparse.major", "1"u8.ToArray()), ("GNU.sparse.minor", "0"u8.ToArray()), ("GNU.sparse.realsize", "4611686018427387904"u8.ToArray()), ("GNU.sparse.name", "huge.bin"u8.ToArray()))
            .File("GNUSparseFile.1/huge.bin", data)
            .File("after.txt", "after\n"u8.ToArray())
            .Finish();

        using var context = new ReadContext(ReadLimits.Default);
        var read = new TarReader().Read(new MemoryByteSource(tar), context);

        Assert.Equal(["/after.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("sparse member 'huge.bin'", StringComparison.Ordinal) && w.Contains("--max-total-bytes", StringComparison.Ordinal));
        Assert.Contains("totalBytes", context.Budget.LimitsHit);
        Assert.Equal(0, context.Budget.BytesProduced); // Refused, not charged: later layers still decode.

        // Within the limit the same member expands.
        var read2 = ReadTar(new TarBytes()
            .Pax('x', ("GNU.sparse.major", "1"u8.ToArray()), ("GNU.sparse.minor", "0"u8.ToArray()), ("GNU.sparse.realsize", "1048576"u8.ToArray()), ("GNU.sparse.name", "ok.bin"u8.ToArray()))
            .File("GNUSparseFile.1/ok.bin", data)
            .Finish());
        var ok = Assert.Single(read2.FileSystem!.Entries);
        Assert.Equal(1048576, ok.Size);
        var head = new byte[2];
        ok.Content!.ReadFully(0, head);
        Assert.Equal([0x41, 0], head);
    }

    [Fact]
    public void Old_gnu_sparse_map_out_of_order_skips_the_member()
    {
        var tar = new TarBytes()
            .Header("sparse.bin", 'S', 20, h =>
            {
                TarBytes.Octal(h.AsSpan(386, 12), 100);
                TarBytes.Octal(h.AsSpan(398, 12), 10);
                TarBytes.Octal(h.AsSpan(410, 12), 0);
                TarBytes.Octal(h.AsSpan(422, 12), 10);
                TarBytes.Octal(h.AsSpan(483, 12), 1000);
            })
            .Data(new byte[20])
            .File("after.txt", "after\n"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        Assert.Equal(["/after.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("sparse member 'sparse.bin'", StringComparison.Ordinal) && w.Contains("overlaps or precedes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Endless_old_gnu_sparse_extension_blocks_end_at_the_input(bool withRegions)
    {
        // 8 MiB of extension blocks, each saying another follows: bounded by the input, quickly.
        var tar = new TarBytes().File("before.txt", Before).Header("sparse.bin", 'S', 0, h =>
        {
            h[482] = 1;
            TarBytes.Octal(h.AsSpan(483, 12), 1L << 32);
        });
        var block = new byte[512];
        block[504] = 1;
        for (int i = 0; i < 16384; i++)
        {
            if (withRegions)
            {
                for (int k = 0; k < 21; k++)
                {
                    TarBytes.Octal(block.AsSpan(k * 24, 12), ((i * 21) + k) * 8L);
                    TarBytes.Octal(block.AsSpan((k * 24) + 12, 12), 0);
                }
            }

            tar.Block(block);
        }

        var input = tar.Finish()[..^1024];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var read = ReadTar(input);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 100L << 20, "allocated more than 100 MiB");
        Assert.Equal(["/before.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("sparse map extension blocks run past the end of the input (truncated)", StringComparison.Ordinal));
    }

    [Fact]
    public void Pax_owner_out_of_range_keeps_the_entry_with_the_header_owner()
    {
        var tar = new TarBytes()
            .Pax('x', ("uid", "18446744073709551616"u8.ToArray()), ("gid", "7"u8.ToArray()))
            .File("owned.txt", "x"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        var e = Assert.Single(read.FileSystem!.Entries);
        Assert.Equal(0, e.Uid);
        Assert.Equal(7, e.Gid);
        Assert.Contains(read.Warnings, w => w.Contains("pax uid '18446744073709551616' is not a number", StringComparison.Ordinal));
    }

    [Fact]
    public void Pax_record_lengths_past_the_header_are_ignored_with_a_warning()
    {
        var body = "2147483647 path=evil\n"u8.ToArray();
        var tar = new TarBytes()
            .Header("./PaxHeaders/x", 'x', body.Length).Data(body)
            .File("plain.txt", "plain\n"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        Assert.Equal(["/plain.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("malformed pax record at byte 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Extended_headers_over_1_MiB_stop_the_archive()
    {
        var tar = new TarBytes()
            .File("before.txt", Before)
            .Header("././@LongLink", 'L', (1 << 20) + 1).Data(new byte[(1 << 20) + 1])
            .File("after.txt", "after\n"u8.ToArray())
            .Finish();

        var read = ReadTar(tar);

        Assert.Equal(["/before.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("extended header of 1048577 bytes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gnu")]
    [InlineData("pax")]
    [InlineData("cpio")]
    public void Names_longer_than_the_path_limit_are_rejected_and_reading_goes_on(string style)
    {
        // 2,100 parts of "ab/": 6,300 bytes, past Linux PATH_MAX (4,096).
        var longName = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("ab/", 2100)) + "file");
        byte[] archive = style switch
        {
            "gnu" => new TarBytes().LongName(longName).File("placeholder", "x"u8.ToArray()).File("after.txt", "after\n"u8.ToArray()).Finish(),
            "pax" => new TarBytes().Pax('x', ("path", longName)).File("placeholder", "x"u8.ToArray()).File("after.txt", "after\n"u8.ToArray()).Finish(),
            _ => [.. CpioBytes.Newc(longName, "x"u8.ToArray()), .. CpioBytes.Newc("after.txt"u8.ToArray(), "after\n"u8.ToArray(), ino: 2), .. CpioBytes.Trailer()],
        };

        var read = style == "cpio" ? ReadCpio(archive) : ReadTar(archive);

        Assert.Equal(["/after.txt"], Paths(read));
        var rejected = Assert.Single(read.FileSystem!.RejectedPaths);
        Assert.StartsWith("ab/ab/", rejected, StringComparison.Ordinal);
        Assert.True(rejected.Length < 300, "the rejected name is shortened for reports");
        Assert.Contains(read.Warnings, w => w.Contains("has a path of 6305 bytes, more than 4096 (MaxPathBytes); not extracted", StringComparison.Ordinal));

        // The limit is the configured one, counted in bytes of the normalised path.
        var tight = style == "cpio" ? ReadCpio(archive, ReadLimits.Default with { MaxPathBytes = 10 }) : ReadTar(archive, ReadLimits.Default with { MaxPathBytes = 10 });
        Assert.Equal(["/after.txt"], Paths(tight));
        var loose = style == "cpio" ? ReadCpio(archive, ReadLimits.Default with { MaxPathBytes = 8192 }) : ReadTar(archive, ReadLimits.Default with { MaxPathBytes = 8192 });
        Assert.Equal(2, loose.FileSystem!.Entries.Count);
    }

    [Fact]
    public void Cpio_name_size_past_the_input_is_truncation()
    {
        var cpio = (byte[])[.. CpioBytes.Newc("before.txt"u8.ToArray(), Before), .. CpioBytes.Newc("x"u8.ToArray(), [], nameSize: "000FFFFF")];

        var read = ReadCpio(cpio);

        Assert.Equal(["/before.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("name runs past the end of the input (truncated)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("FFFFFFFF")]
    [InlineData("00000000")]
    public void Cpio_name_size_out_of_range_is_a_bad_header(string nameSize)
    {
        var cpio = (byte[])[.. CpioBytes.Newc("before.txt"u8.ToArray(), Before), .. CpioBytes.Newc("x"u8.ToArray(), [], nameSize: nameSize), .. CpioBytes.Trailer()];

        var read = ReadCpio(cpio);

        Assert.Equal(["/before.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("bad header; archive read up to here", StringComparison.Ordinal));
    }

    [Fact]
    public void Cpio_file_size_past_the_input_is_truncation()
    {
        var cpio = (byte[])[.. CpioBytes.Newc("before.txt"u8.ToArray(), Before), .. CpioBytes.Newc([(byte)'b', 0xFF], [], fileSize: "FFFFFFFF"), .. CpioBytes.Trailer()];

        var read = ReadCpio(cpio);

        Assert.Equal(["/before.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("member 'b\\xff' data (4294967295 bytes) runs past the end of the input (truncated)", StringComparison.Ordinal));
    }

    [Fact]
    public void Cpio_odc_largest_fields_are_truncation_not_overflow()
    {
        // odc: magic, dev ino mode uid gid nlink rdev (6 octal digits), mtime (11), namesize (6), filesize (11).
        var header = "070707" + "777777" + "777777" + "100644" + "777777" + "777777" + "777777" + "777777" + "77777777777" + "000002" + "77777777777";
        var odc = Encoding.ASCII.GetBytes(header + "x\0");

        var read = ReadCpio(odc);

        Assert.Empty(read.FileSystem!.Entries);
        Assert.Contains(read.Warnings, w => w.Contains("member 'x' data (8589934591 bytes) runs past the end of the input (truncated)", StringComparison.Ordinal));
    }

    [Fact]
    public void Cpio_symlink_target_longer_than_the_path_limit_is_not_a_link()
    {
        var target = Encoding.ASCII.GetBytes(new string('t', 5000));
        var cpio = (byte[])[.. CpioBytes.Newc("link"u8.ToArray(), target, mode: 0xA1FF), .. CpioBytes.Newc("after.txt"u8.ToArray(), Before, ino: 2), .. CpioBytes.Trailer()];

        var read = ReadCpio(cpio);

        Assert.Equal(["/after.txt"], Paths(read));
        Assert.Contains(read.Warnings, w => w.Contains("symlink 'link' has a target of 5000 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Cpio_names_that_are_not_utf8_stay_two_files()
    {
        var cpio = (byte[])[.. CpioBytes.Newc([(byte)'a', 0xFF], "ff"u8.ToArray(), ino: 1), .. CpioBytes.Newc([(byte)'a', 0xFE], "fe"u8.ToArray(), ino: 2), .. CpioBytes.Trailer()];

        var read = ReadCpio(cpio);

        Assert.Empty(read.Warnings);
        var names = read.FileSystem!.Entries.Select(e => Convert.ToHexString(EntryName.ToBytes(e.Path))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["2F61FE", "2F61FF"], names);
    }
}
