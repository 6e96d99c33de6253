using System.Buffers;
using FirmwareGate.Core.Compression;
using FirmwareGate.Core.Sources;
using SharpCompress.Compressors;
using SharpCompress.Compressors.BZip2;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// bzip2 streams, decoded one at a time with the system libbz2 when present, SharpCompress otherwise.
/// Each stream's exact end is known, so padding after it stays padding; streams that follow at once
/// (the next bytes start another bzip2 header) continue the layer, as bzip2 -d does.
/// </summary>
public sealed class Bzip2Reader : IFormatReader
{
    /// <summary>
    /// Most bzip2 streams one scan decodes. Each costs a decoder set-up (microseconds in libbz2; in managed
    /// code about 1.5 ms and 5.4 MB of fresh tables for a BZh9 stream), and 40 bytes make a valid stream, so
    /// nothing else bounds a flood of them: 1024 keeps a 9 MB flood near 2 s on the managed path.
    /// </summary>
    public const int MaxStreams = 1024;

    /// <inheritdoc/>
    public string Format => "bzip2";

    // "BZh" + level '1'..'9', then the block magic 31 41 59 26 53 59 (pi) or end magic 17 72 45 38 50 90.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("BZh"u8.ToArray())];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        return StreamStartsAt(source, 0);
    }

    private static bool StreamStartsAt(IByteSource source, long offset)
    {
        Span<byte> h = stackalloc byte[10];
        h = h[..source.ReadFully(offset, h)];
        return h.Length == 10 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' && h[3] is >= (byte)'1' and <= (byte)'9'
            && (h[4..].SequenceEqual((ReadOnlySpan<byte>)[0x31, 0x41, 0x59, 0x26, 0x53, 0x59])
                || h[4..].SequenceEqual((ReadOnlySpan<byte>)[0x17, 0x72, 0x45, 0x38, 0x50, 0x90]));
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        bool native = context.UseNativeCodecs && LibBzip2.IsAvailable;
        long start = 0;
        int streams = 0;
        LibBzip2.OneStream? nativeDecoder = null;
        ByteSourceStream? managedInput = null;
        long Consumed() => nativeDecoder?.TotalIn ?? managedInput?.Position ?? 0;

        using var output = context.CreateOutput(Format, 0, () => start + Consumed());
        var warnings = new List<string>();
        long length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 17);
        Stream? decoder = null;
        try
        {
            do
            {
                if (!context.Budget.TryAddStream(MaxStreams))
                {
                    var limit = context.Budget.Hit(new LimitExceededException(Format, start, "streams",
                        $"more than {MaxStreams} bzip2 streams in one scan"));
                    warnings.Add(limit.Message + "; the rest is not decoded");
                    start = source.Length;
                    break;
                }

                var slice = source.SliceFrom(start);
                if (native)
                {
                    decoder = nativeDecoder = new LibBzip2.OneStream(slice);
                }
                else
                {
                    managedInput = new ByteSourceStream(slice);
                    decoder = BZip2Stream.Create(managedInput, CompressionMode.Decompress, decompressConcatenated: false, leaveOpen: true, tolerateTruncatedStream: false);
                }

                Pump(decoder, output, buffer, context.CancellationToken);
                start += Consumed();
                decoder.Dispose();
                decoder = nativeDecoder = null;
                managedInput = null;
                streams++;
            }
            while (StreamStartsAt(source, start));

            length = start;
        }
        catch (LimitExceededException e)
        {
            warnings.Add(e.Message + "; decoding stopped");
            var stopped = new ReadResult { Length = source.Length };
            stopped.Warnings.AddRange(warnings);
            return stopped;
        }
        catch (Exception e) when (e is not OperationCanceledException and not FirmwareFormatException)
        {
            length = Math.Min(start + Consumed(), source.Length);
            if (output.Length == 0)
            {
                throw new CorruptDataException(Format, length, e.Message);
            }

            warnings.Add($"{Format}: stream is corrupt or truncated after {output.Length} decoded bytes ({e.Message}); kept what decoded");
        }
        finally
        {
            decoder?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var result = new ReadResult { Length = Math.Max(1, length) };
        result.Warnings.AddRange(warnings);
        if (streams > 0 || output.Length > 0)
        {
            result.Children.Add(new ChildBlob(output.ToSource(), 0));
        }

        return result;
    }

    private static void Pump(Stream decoder, Stream output, byte[] buffer, CancellationToken ct)
    {
        int n;
        while ((n = decoder.Read(buffer, 0, buffer.Length)) > 0)
        {
            ct.ThrowIfCancellationRequested();
            output.Write(buffer, 0, n);
        }
    }
}
