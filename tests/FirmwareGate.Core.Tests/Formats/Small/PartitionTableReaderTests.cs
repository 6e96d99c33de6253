using System.Buffers.Binary;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Formats.Small;

/// <summary>MBR and GPT disks built by tests/fixtures/small-formats/make-partition-tables.sh (sfdisk, sgdisk).</summary>
public sealed class PartitionTableReaderTests
{
    private static string Fixture(string name) => TestPaths.Fixture(Path.Combine("PartitionTable", name));

    [Theory]
    [InlineData("mbr.img", "mbr", 131)] // to the end of the last partition; the 2 sectors after it are padding
    [InlineData("gpt.img", "gpt", 186)] // to the backup header in the last sector
    public void Each_partition_is_analysed_and_yields_the_tree(string image, string scheme, int sectors)
    {
        using var result = Scan.Run(Fixture(image));
        var table = result.Single(scheme);
        var tree = ManifestRow.Load(Fixture("tree.files.tsv"));
        Assert.Empty(TreeComparer.Differences(result.Single("squashfs").FileSystem!, tree));
        Assert.Empty(TreeComparer.Differences(result.Single("cpio").FileSystem!, tree));
        Assert.Empty(table.Warnings);
        Assert.Equal(sectors * 512, table.Size);
    }

    [Fact]
    public void Mbr_primary_and_logical_partitions_match_sfdisk()
    {
        var read = Read(File.ReadAllBytes(Fixture("mbr.img")));
        Assert.Equal("mbr", read.Format);

        // sfdisk -d: "mbr.img1 : start= 1, size= 32, type=83"; logical partitions are numbered from 5.
        var expected = File.ReadAllLines(Fixture("mbr.sfdisk.txt")).Where(l => l.StartsWith("mbr.img", StringComparison.Ordinal) && !l.Contains("type=5", StringComparison.Ordinal))
            .Select(l => (Name: l.Split(' ')[0]["mbr.img".Length..], Start: long.Parse(l.Split("start=")[1].Split(',')[0].Trim(), System.Globalization.CultureInfo.InvariantCulture) * 512))
            .ToList();
        Assert.Equal(expected, read.Children.Select(c => (c.Name!, c.Offset!.Value)).ToList());
    }

    [Fact]
    public void Gpt_partitions_are_named_and_the_protective_mbr_defers()
    {
        var read = Read(File.ReadAllBytes(Fixture("gpt.img")));
        Assert.Equal("gpt", read.Format);
        Assert.Equal(["1-rootfs", "2-data"], read.Children.Select(c => c.Name!));
        Assert.Equal(34 * 512, read.Children[0].Offset);
        Assert.Equal("0fc63daf-8483-4772-8e79-3d69d8477de4", read.Children[0].Details!["partitionType"]);
    }

    [Fact]
    public void An_extended_partition_chain_that_loops_stops_with_a_warning()
    {
        byte[] disk = File.ReadAllBytes(Fixture("mbr.img"));

        // The first EBR (sector 33) points its "next" entry back at itself (offset 0 from the extended start).
        int next = (33 * 512) + 446 + 16;
        BinaryPrimitives.WriteUInt32LittleEndian(disk.AsSpan(next + 8), 0);
        var read = Read(disk);
        Assert.Contains(read.Warnings, w => w.Contains("a loop", StringComparison.Ordinal));
        Assert.Equal(["1", "5"], read.Children.Select(c => c.Name!));
    }

    [Fact]
    public void A_bad_gpt_entry_array_crc_is_reported_and_a_bad_header_crc_falls_back_to_the_mbr()
    {
        byte[] disk = File.ReadAllBytes(Fixture("gpt.img"));
        disk[(2 * 512) + 56] ^= 0x20; // a letter of the first partition's name
        Assert.Contains(Read(disk).Warnings, w => w.Contains("entry array CRC32 mismatch", StringComparison.Ordinal));
        disk[512 + 40] ^= 1; // first usable LBA, covered by the header CRC
        var read = Read(disk);
        Assert.Equal("mbr", read.Format);
        Assert.Equal("0xee", read.Children.Single().Details!["partitionType"]);
    }

    [Fact]
    public void Boot_sectors_that_only_end_in_55aa_are_not_partition_tables()
    {
        var sector = new byte[4096];
        new Random(5).NextBytes(sector.AsSpan(0, 510));
        sector[510] = 0x55;
        sector[511] = 0xAA;
        Assert.False(new PartitionTableReader().TryIdentify(new MemoryByteSource(sector), out _));
    }

    [Fact]
    public void Truncated_disks_keep_the_partitions_that_start_inside()
    {
        byte[] disk = File.ReadAllBytes(Fixture("mbr.img"));
        var read = Read(disk[..(40 * 512)]);
        Assert.Contains(read.Warnings, w => w.Contains("truncated", StringComparison.Ordinal));
        Assert.Equal(2, read.Children.Count);
        Assert.Throws<TruncatedInputException>(() => Read(File.ReadAllBytes(Fixture("gpt.img"))[..(10 * 512)]));
    }

    [Theory]
    [InlineData("mbr.img", 2102)]
    [InlineData("gpt.img", 2103)]
    public void Mutated_disks_raise_only_format_errors(string image, int seed)
    {
        Assert.True(FormatFuzzer.Run(new PartitionTableReader(), File.ReadAllBytes(Fixture(image)), seed) > 60);
    }

    private static ReadResult Read(byte[] bytes)
    {
        using var context = new ReadContext(ReadLimits.Default);
        var source = new MemoryByteSource(bytes);
        Assert.True(new PartitionTableReader().TryIdentify(source, out _));
        return new PartitionTableReader().Read(source, context);
    }
}
