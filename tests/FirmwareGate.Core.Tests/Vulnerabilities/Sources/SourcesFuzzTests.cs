using CsCheck;
using FirmwareGate.Core.Vulnerabilities.Sources;

namespace FirmwareGate.Core.Tests.Vulnerabilities.Sources;

/// <summary>Random and mutated bytes: the only exception that may leave a reader is <see cref="VulnerabilitySourceException"/>.</summary>
public sealed class SourcesFuzzTests
{
    private static readonly byte[] Punctuation = "{}[],:\"0-e\\ "u8.ToArray();

    private static readonly byte[][] Seeds =
    [
        File.ReadAllBytes(SourceFiles.ApiPage),
        File.ReadAllBytes(Path.Combine(SourceFiles.NvdFolder, "CVE-2021-42386.json")),
        SourceFiles.Utf8(SourceFiles.Cve5Record),
        SourceFiles.Utf8(SourceFiles.OsvRecord),
        SourceFiles.Utf8("[" + SourceFiles.OsvRecord + "," + SourceFiles.OsvWithdrawn + "]"),
        SourceFiles.Utf8(SourceFiles.EpssCsv),
        SourceFiles.Gzip(SourceFiles.Utf8(SourceFiles.EpssCsv)),
        File.ReadAllBytes(SourceFiles.KevCatalogue)[..4000].Concat(SourceFiles.Utf8("}]}")).ToArray(),
    ];

    [Fact]
    public void Mutated_sources_raise_only_source_errors_and_count_what_they_add()
    {
        Gen.Int.Sample(
            seed =>
            {
                var rng = new Random(seed);
                var data = Mutate(Seeds[rng.Next(Seeds.Length)], rng);
                var sink = new RecordList();
                var counts = new ImportCounts();
                try
                {
                    OfflineSources.ReadContent(data, "fuzz", sink, counts);
                }
                catch (VulnerabilitySourceException ex)
                {
                    Assert.StartsWith("fuzz: ", ex.Message, StringComparison.Ordinal);
                }

                Assert.Equal(counts.Records, sink.Records.Count);
                Assert.Equal(counts.Kev, sink.Kev.Count);
                Assert.Equal(counts.Epss, sink.Epss.Count);
            },
            iter: 1500);
    }

    [Fact]
    public void Mutated_pages_raise_only_source_errors_and_add_nothing_when_they_do()
    {
        var page = Seeds[0];
        Gen.Int.Sample(
            seed =>
            {
                var rng = new Random(seed);
                var data = Mutate(page, rng);
                var sink = new RecordList();
                try
                {
                    NvdJsonReader.ReadPage(data, "page", sink, new ImportCounts());
                }
                catch (VulnerabilitySourceException)
                {
                    Assert.Empty(sink.Records);
                }
            },
            iter: 1000);
    }

    [Fact]
    public void Random_bytes_are_refused_with_a_source_error()
    {
        Gen.Byte.Array[0, 300].Sample(data =>
        {
            var sink = new RecordList();
            var ex = Assert.Throws<VulnerabilitySourceException>(() => OfflineSources.ReadContent(data, "noise", sink, new ImportCounts()));
            Assert.StartsWith("noise: ", ex.Message, StringComparison.Ordinal);
            Assert.Equal(0, sink.Total);
        });
    }

    private static byte[] Mutate(byte[] seed, Random rng)
    {
        var data = (byte[])seed.Clone();
        switch (rng.Next(5))
        {
            case 0:
                return data[..rng.Next(data.Length)];
            case 1:
                for (var i = rng.Next(1, 8); i > 0; i--)
                {
                    data[rng.Next(data.Length)] = (byte)rng.Next(256);
                }

                return data;
            case 2:
                for (var i = rng.Next(1, 8); i > 0; i--)
                {
                    data[rng.Next(data.Length)] = Punctuation[rng.Next(Punctuation.Length)];
                }

                return data;
            case 3:
                var at = rng.Next(data.Length);
                var cut = Math.Min(data.Length - at, rng.Next(1, 200));
                return [.. data[..at], .. data[(at + cut)..]];
            default:
                var dup = rng.Next(data.Length);
                var len = Math.Min(data.Length - dup, rng.Next(1, 200));
                return [.. data[..dup], .. data.AsSpan(dup, len), .. data[dup..]];
        }
    }
}
