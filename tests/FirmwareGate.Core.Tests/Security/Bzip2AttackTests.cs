using System.Diagnostics;
using System.Text;
using FirmwareGate.Core.Compression;
using FirmwareGate.Core.Formats;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;
using SharpCompress.Compressors;
using SharpCompress.Compressors.BZip2;

namespace FirmwareGate.Core.Tests.Security;

/// <summary>
/// bzip2 layers end exactly where their last stream ends (padding after it stays padding), streams
/// that follow at once decode as one layer, and floods of tiny streams stop at <see cref="Bzip2Reader.MaxStreams"/>.
/// Every case runs on the system libbz2 and on the managed decoder.
/// </summary>
public sealed class Bzip2AttackTests
{
    /// <summary>bz2.compress(b'y' * 10) from Python: 39 bytes, one block.</summary>
    internal static readonly byte[] TinyStream = Convert.FromHexString("425A68393141592653595B68FE0500000240800100002020002100820B1772453850905B68FE05");

    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    public static TheoryData<bool> Decoders() => [true, false];

    internal static byte[] Compress(byte[] data)
    {
        var packed = new MemoryStream();
        using (var z = BZip2Stream.Create(packed, CompressionMode.Compress, decompressConcatenated: false, leaveOpen: true))
        {
            z.Write(data);
        }

        return packed.ToArray();
    }

    /// <summary>Tiny valid streams, <paramref name="count"/> of them, each followed by <paramref name="gap"/> zero bytes.</summary>
    internal static byte[] Flood(int count, int gap)
    {
        var flood = new byte[count * (TinyStream.Length + gap)];
        for (int i = 0; i < count; i++)
        {
            TinyStream.CopyTo(flood, i * (TinyStream.Length + gap));
        }

        return flood;
    }

    private static ReadContext Context(bool native)
    {
        if (native)
        {
            Assert.True(LibBzip2.IsAvailable, "libbz2.so.1.0 should be present on Debian");
        }

        return new ReadContext(ReadLimits.Default) { UseNativeCodecs = native };
    }

    private static byte[] Decoded(ReadResult result)
    {
        var data = Assert.Single(result.Children).Data;
        var bytes = new byte[data.Length];
        Assert.Equal(bytes.Length, data.ReadFully(0, bytes));
        return bytes;
    }

    [Fact]
    public void The_tiny_stream_is_a_valid_bzip2_stream()
    {
        using var context = Context(native: true);
        var result = new Bzip2Reader().Read(new MemoryByteSource(TinyStream), context);
        Assert.Equal(Encoding.ASCII.GetBytes(new string('y', 10)), Decoded(result));
        Assert.Equal(TinyStream.Length, result.Length);
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Padding_after_a_stream_stays_padding(bool native)
    {
        byte[] content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello world ", 5)));
        byte[] stream = Compress(content);
        byte[] image = [.. stream, .. Enumerable.Repeat((byte)0xFF, 64)];
        using var context = Context(native);

        var reader = new Bzip2Reader();
        Assert.True(reader.TryIdentify(new MemoryByteSource(image), out _));
        var result = reader.Read(new MemoryByteSource(image), context);

        Assert.Empty(result.Warnings);
        Assert.Equal(stream.Length, result.Length);
        Assert.Equal(content, Decoded(result));
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Padded_stream_in_an_image_is_one_layer_then_padding(bool native)
    {
        byte[] content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 200).Select(i => $"line {i}\n")));
        byte[] stream = Compress(content);
        byte[] image = [.. stream, .. Enumerable.Repeat((byte)0xFF, 4096)];
        using var context = Context(native);

        var layers = new Unpacker(FormatRegistry.CreateDefault()).Unpack(new MemoryByteSource(image), "flash.bin", context);

        var bzip2 = Assert.Single(layers, l => l.Format == "bzip2");
        Assert.Equal(0, bzip2.Offset);
        Assert.Equal(stream.Length, bzip2.Size);
        Assert.Empty(bzip2.Warnings);
        Assert.Equal(content.Length, Assert.Single(bzip2.Children).Size);
        Assert.Contains(layers, l => l.Format == "padding" && l.Offset == stream.Length);
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Concatenated_streams_decode_as_one_layer_that_ends_at_the_last(bool native)
    {
        byte[][] parts = [.. Enumerable.Range(0, 3).Select(i => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"part {i} ", 10 + i))))];
        byte[][] streams = [.. parts.Select(Compress)];
        byte[] image = [.. streams.SelectMany(s => s), .. "BZh0 not a stream"u8];
        using var context = Context(native);

        var result = new Bzip2Reader().Read(new MemoryByteSource(image), context);

        Assert.Empty(result.Warnings);
        Assert.Equal(streams.Sum(s => s.Length), result.Length);
        Assert.Equal(parts.SelectMany(p => p).ToArray(), Decoded(result));
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Truncated_second_stream_keeps_the_first_with_a_warning(bool native)
    {
        byte[] first = Compress("first stream"u8.ToArray());
        byte[] second = Compress(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"{i * 7919 % 1000} "))));
        byte[] image = [.. first, .. second.AsSpan(0, second.Length / 2)];
        using var context = Context(native);

        var result = new Bzip2Reader().Read(new MemoryByteSource(image), context);

        Assert.Contains(result.Warnings, w => w.Contains("corrupt or truncated", StringComparison.Ordinal));
        Assert.StartsWith("first stream", Encoding.ASCII.GetString(Decoded(result)), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Truncated_only_stream_is_corrupt(bool native)
    {
        byte[] stream = Compress(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"{i * 7919 % 1000} "))));
        using var context = Context(native);
        Assert.ThrowsAny<FirmwareFormatException>(() => new Bzip2Reader().Read(new MemoryByteSource(stream.AsSpan(0, stream.Length / 2).ToArray()), context));
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Concatenated_flood_stops_at_the_stream_limit(bool native)
    {
        // 9 MB of the flood is 230,000 streams; twice the limit shows the bound as well.
        byte[] flood = Flood(2 * Bzip2Reader.MaxStreams, gap: 0);
        using var context = Context(native);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var result = new Bzip2Reader().Read(new MemoryByteSource(flood), context);
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var warning = Assert.Single(result.Warnings);
        Assert.Contains($"more than {Bzip2Reader.MaxStreams} bzip2 streams", warning, StringComparison.Ordinal);
        Assert.Contains("streams", context.Budget.LimitsHit);
        Assert.Equal(flood.Length, result.Length);
        Assert.Equal(Bzip2Reader.MaxStreams * 10, Decoded(result).Length);
        Assert.True(clock.Elapsed < HangGuard, $"took {clock.Elapsed}");

        // libbz2 allocates natively; the managed decoder allocates 5.4 MB of tables per BZh9 stream.
        long bound = native ? 16L << 20 : Bzip2Reader.MaxStreams * (6L << 20);
        Assert.True(allocated < bound, $"allocated {allocated} bytes");
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Junk_separated_flood_stops_at_the_stream_limit(bool native)
    {
        byte[] flood = Flood(2 * Bzip2Reader.MaxStreams, gap: 8);
        using var context = Context(native);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var layers = new Unpacker(FormatRegistry.CreateDefault()).Unpack(new MemoryByteSource(flood), "flood.bin", context);
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var bzip2 = layers.Where(l => l.Format == "bzip2").ToList();
        Assert.Equal(Bzip2Reader.MaxStreams + 1, bzip2.Count);
        var last = bzip2[^1];
        Assert.Equal(flood.Length, last.Offset + last.Size);
        var warning = Assert.Single(layers.SelectMany(l => l.Descendants()).SelectMany(l => l.Warnings));
        Assert.Contains($"more than {Bzip2Reader.MaxStreams} bzip2 streams", warning, StringComparison.Ordinal);
        Assert.Contains("streams", context.Budget.LimitsHit);
        Assert.True(clock.Elapsed < HangGuard, $"took {clock.Elapsed}");

        long bound = (native ? 256L << 20 : Bzip2Reader.MaxStreams * (6L << 20)) + (256L << 20);
        Assert.True(allocated < bound, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Stream_limit_is_per_scan_across_layers()
    {
        using var context = Context(native: true);
        var reader = new Bzip2Reader();
        for (int i = 0; i < Bzip2Reader.MaxStreams; i++)
        {
            Assert.Empty(reader.Read(new MemoryByteSource(TinyStream), context).Warnings);
        }

        var stopped = reader.Read(new MemoryByteSource(TinyStream), context);
        Assert.Empty(stopped.Children);
        Assert.Contains(stopped.Warnings, w => w.Contains("bzip2 streams", StringComparison.Ordinal));
    }
}
