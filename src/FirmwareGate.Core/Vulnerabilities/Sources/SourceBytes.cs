using System.Buffers;
using System.IO.Compression;

namespace FirmwareGate.Core.Vulnerabilities.Sources;

/// <summary>The content of one offline file in a pooled buffer, gunzipped when it starts with the gzip magic.</summary>
internal sealed class SourceBytes : IDisposable
{
    private byte[]? _buffer;

    private SourceBytes(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    /// <summary>Content length in bytes.</summary>
    public int Length { get; }

    /// <summary>The content.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>The content.</summary>
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>True when <paramref name="data"/> starts with the gzip magic (RFC 1952 §2.3.1: 1f 8b).</summary>
    public static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    /// <summary>Reads a file, bounded by <paramref name="limits"/>.</summary>
    public static SourceBytes Load(string path, SourceLimits limits)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            if (file.Length > limits.MaxFileBytes)
            {
                throw new VulnerabilitySourceException($"{path}: {file.Length} bytes is more than the {limits.MaxFileBytes} bytes a source file may have");
            }

            var raw = ReadAll(file, path, (int)file.Length, limits.MaxFileBytes);
            if (!IsGzip(raw.Span))
            {
                return raw;
            }

            using (raw)
            {
                return Gunzip(raw.Memory, path, limits.MaxDecompressedBytes);
            }
        }
        catch (IOException ex)
        {
            throw new VulnerabilitySourceException($"{path}: cannot be read ({ex.Message})");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new VulnerabilitySourceException($"{path}: cannot be read ({ex.Message})");
        }
    }

    /// <summary>Decompresses gzip <paramref name="data"/>, at most <paramref name="maxBytes"/> of output.</summary>
    public static SourceBytes Gunzip(ReadOnlyMemory<byte> data, string name, long maxBytes)
    {
        try
        {
            using var input = new MemoryStream(data.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            return ReadAll(gzip, name, Math.Max(4096, data.Length * 4), maxBytes);
        }
        catch (InvalidDataException ex)
        {
            throw new VulnerabilitySourceException($"{name}: damaged gzip data ({ex.Message})");
        }
    }

    /// <summary>Copies <paramref name="data"/> into a pooled buffer.</summary>
    public static SourceBytes Copy(ReadOnlySpan<byte> data)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length));
        data.CopyTo(buffer);
        return new SourceBytes(buffer, data.Length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static SourceBytes ReadAll(Stream stream, string name, int sizeHint, long maxBytes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, (int)Math.Min(sizeHint, Math.Min(maxBytes, Array.MaxLength)) + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= maxBytes || length >= Array.MaxLength)
                    {
                        throw new VulnerabilitySourceException($"{name}: content is larger than the {maxBytes} bytes a source may expand to");
                    }

                    var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Min((long)buffer.Length * 2, maxBytes + 1), Array.MaxLength));
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }

                var read = stream.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    throw new VulnerabilitySourceException($"{name}: content is larger than the {maxBytes} bytes a source may expand to");
                }
            }

            var result = new SourceBytes(buffer, length);
            buffer = null;
            return result;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
