using System.IO.Compression;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Tests.Support;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>Decompression bombs, self-nesting archives and entry floods end early with a named limit.</summary>
public sealed class BombTests
{
    /// <summary>10 GiB of zeros as 10240 concatenated gzip members of 1 MiB each (about 10 MB on disk).</summary>
    private static string WriteZeroGzipBomb(TempDir temp)
    {
        var member = new MemoryStream();
        using (var gz = new GZipStream(member, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gz.Write(new byte[1 << 20]);
        }

        string path = temp.Combine("bomb.gz");
        using var file = File.Create(path);
        for (int i = 0; i < 10240; i++)
        {
            file.Write(member.GetBuffer(), 0, (int)member.Length);
        }

        return path;
    }

    [Fact]
    public void Ten_gigabyte_zero_gzip_stops_at_the_ratio_limit_with_bounded_memory()
    {
        using var temp = new TempDir();
        string bomb = WriteZeroGzipBomb(temp);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        using var result = Scan.Run(bomb);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Contains("ratio", result.LimitsHit);
        Assert.Contains(result.Warnings, w => w.Contains("decompression bomb", StringComparison.Ordinal));
        Assert.Equal(3, result.ExitCode(allowIncomplete: false));
        Assert.True(allocated < 256L << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Total_bytes_limit_stops_decoding_when_the_ratio_allows_it()
    {
        using var temp = new TempDir();
        string bomb = WriteZeroGzipBomb(temp);
        using var result = Scan.Run(bomb, ReadLimits.Default with { MaxRatio = 1e9, MaxTotalBytes = 64L << 20 });
        Assert.Contains("totalBytes", result.LimitsHit);
        Assert.Contains(result.Warnings, w => w.Contains("--max-total-bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Self_nesting_gzip_stops_at_the_depth_limit()
    {
        byte[] data = File.ReadAllBytes(TestPaths.Fixture("small.tar"));
        for (int i = 0; i < 40; i++)
        {
            var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            {
                gz.Write(data);
            }

            data = ms.ToArray();
        }

        using var context = new ReadContext(ReadLimits.Default with { MaxDepth = 8 });
        var layers = new Unpacker(FormatRegistry.CreateDefault()).Unpack(new MemoryByteSource(data), "nested.gz", context);
        int depth = 0;
        for (var layer = layers[0]; layer.Children.Count > 0; layer = layer.Children[0])
        {
            depth++;
        }

        Assert.Equal(8, depth);
        Assert.Contains("depth", context.Budget.LimitsHit);
        Assert.Contains(layers.SelectMany(l => l.Descendants()).SelectMany(l => l.Warnings), w => w.Contains("--max-depth", StringComparison.Ordinal));
    }

    [Fact]
    public void Entry_flood_stops_at_the_file_limit()
    {
        using var result = Scan.Run(TestPaths.Fixture("tree-newc.cpio"), ReadLimits.Default with { MaxFiles = 5 });
        Assert.Contains("files", result.LimitsHit);
        Assert.Contains(result.Warnings, w => w.Contains("--max-files", StringComparison.Ordinal));
    }
}
