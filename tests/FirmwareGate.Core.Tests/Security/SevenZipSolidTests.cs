using System.Diagnostics;
using System.Text;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>
/// A solid 7z folder of many small files (Fixtures/solid-5000.7z, tests/fixtures/make-7z-solid.sh):
/// read member by member, each member decoded the folder from its start again, N^2/2 members' worth
/// of uncharged work.
/// </summary>
public sealed class SevenZipSolidTests
{
    private const int Members = 5000;

    [Fact]
    public void Reading_every_member_of_a_solid_folder_decodes_the_folder_once()
    {
        using var context = new ReadContext(ReadLimits.Default);
        var watch = Stopwatch.StartNew();
        var result = new SevenZipReader().Read(Fixture(context), context);
        var files = result.FileSystem!.Entries.Where(e => e.Type == EntryType.File).ToList();
        long sum = files.Sum(f => f.Size);

        // Extraction reads members in parallel: the pass must run once and serve them all.
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 4 }, f =>
        {
            var content = new byte[f.Size];
            f.Content!.ReadExactly(0, content, "test");
            if (!content.AsSpan().SequenceEqual(Expected(f.Path)))
            {
                mismatches.Add(f.Path);
            }
        });
        watch.Stop();

        Assert.Equal(Members, files.Count);
        Assert.Empty(mismatches);
        Assert.Empty(result.Warnings);
        Assert.Equal(sum, context.Budget.BytesProduced);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");

        // Each small member holds an array of its own size, not an output's smallest buffer.
        Assert.True(context.PeakInMemoryBytes <= sum, $"{context.PeakInMemoryBytes} bytes in memory for {sum} decoded");
    }

    [Fact]
    public void Members_read_again_are_not_decoded_again()
    {
        using var context = new ReadContext(ReadLimits.Default);
        var result = new SevenZipReader().Read(Fixture(context), context);
        var files = result.FileSystem!.Entries.Where(e => e.Type == EntryType.File).ToList();
        var last = files.Single(f => f.Path == "/d49/f4999.txt");
        var first = files.Single(f => f.Path == "/d00/f0000.txt");

        var buffer = new byte[last.Size];
        last.Content!.ReadExactly(0, buffer, "test");
        long afterOne = context.Budget.BytesProduced;
        foreach (var f in files)
        {
            f.Content!.ReadFully(0, new byte[1]);
        }

        first.Content!.ReadExactly(0, new byte[first.Size], "test");
        Assert.Equal(Expected(last.Path), buffer);
        Assert.Equal(files.Sum(f => f.Size), afterOne);
        Assert.Equal(afterOne, context.Budget.BytesProduced);
    }

    [Fact]
    public void A_limit_hit_during_the_pass_is_recorded_once_and_the_members_left_report_it()
    {
        long total;
        using (var probe = new ReadContext(ReadLimits.Default))
        {
            total = new SevenZipReader().Read(Fixture(probe), probe).FileSystem!.Entries.Sum(e => e.Size);
        }

        var limits = ReadLimits.Default with { MaxTotalBytes = total / 2 };
        using var context = new ReadContext(limits);
        var result = new SevenZipReader().Read(Fixture(context), context);
        var files = result.FileSystem!.Entries.Where(e => e.Type == EntryType.File).OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        var failures = new List<LimitExceededException>();
        int decoded = 0;
        foreach (var f in files)
        {
            var content = new byte[f.Size];
            try
            {
                f.Content!.ReadExactly(0, content, "test");
                Assert.Equal(Expected(f.Path), content);
                decoded++;
            }
            catch (LimitExceededException e)
            {
                failures.Add(e);
            }
        }

        Assert.Equal(Members, decoded + failures.Count);
        Assert.InRange(decoded, Members / 4, Members * 3 / 4);
        Assert.All(failures, e => Assert.Equal("totalBytes", e.Limit));
        Assert.Contains(failures, e => e.Message.Contains("not decoded: decoding stopped at member", StringComparison.Ordinal));
        Assert.Equal(["totalBytes"], context.Budget.LimitsHit);
        Assert.True(context.Budget.BytesProduced <= limits.MaxTotalBytes + (64 << 10), $"decoded {context.Budget.BytesProduced} bytes");
    }

    [Fact]
    public void Solid_archive_scans_and_extracts_every_member()
    {
        using var temp = new TempDir();
        var watch = Stopwatch.StartNew();
        using var result = Scan.Run(TestPaths.Fixture("solid-5000.7z"), output: temp.Combine("out"));
        watch.Stop();

        var layer = result.Single("7z");
        Assert.Equal(Members, layer.FileSystem!.Entries.Count(e => e.Type == EntryType.File));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        var written = Directory.EnumerateFiles(temp.Combine("out"), "f4999.txt", SearchOption.AllDirectories).Single();
        Assert.Equal(Expected("/d49/f4999.txt"), File.ReadAllBytes(written));
    }

    private static IByteSource Fixture(ReadContext context) => context.Own(FileByteSource.Open(TestPaths.Fixture("solid-5000.7z")));

    // make-7z-solid.sh: /d<i/100>/f<i>.txt holds "file <i>\n" then i%37 lines "<i> <j>\n".
    private static byte[] Expected(string path)
    {
        int i = int.Parse(path.AsSpan(path.LastIndexOf('f') + 1, 4), System.Globalization.CultureInfo.InvariantCulture);
        var text = new StringBuilder().Append(System.Globalization.CultureInfo.InvariantCulture, $"file {i}\n");
        for (int j = 0; j < i % 37; j++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i} {j}\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
