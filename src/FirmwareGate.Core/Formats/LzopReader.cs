using System.Buffers;
using System.Buffers.Binary;
using FirmwareGate.Core.Compression;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// lzop files (lzop 1.04 file format, big-endian): header, then blocks of (decoded size, encoded
/// size, checksums, LZO1X data), ending with a zero size. U-Boot's "-C lzo" payloads use it.
/// </summary>
public sealed class LzopReader : IFormatReader
{
    private const uint FlagAdler32D = 0x1;
    private const uint FlagAdler32C = 0x2;
    private const uint FlagExtraField = 0x40;
    private const uint FlagCrc32D = 0x100;
    private const uint FlagCrc32C = 0x200;
    private const uint FlagFilter = 0x800;
    private const int MaxBlock = 64 << 20;

    /// <inheritdoc/>
    public string Format => "lzo";

    // 89 4c 5a 4f 00 0d 0a 1a 0a: "\x89LZO\0\r\n\x1a\n".
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new([0x89, 0x4C, 0x5A, 0x4F, 0x00, 0x0D, 0x0A, 0x1A, 0x0A])];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        return TryReadHeader(source, out _, out _);
    }

    private static bool TryReadHeader(IByteSource source, out long dataStart, out uint flags)
    {
        dataStart = 0;
        flags = 0;
        Span<byte> h = stackalloc byte[64 + 255];
        int n = source.ReadFully(0, h);
        if (n < 34)
        {
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16BigEndian(h[9..]);
        int pos = 13;
        if (version >= 0x0940)
        {
            pos += 2; // version needed to extract
        }

        byte method = h[pos++];
        if (method is < 1 or > 3)
        {
            return false;
        }

        if (version >= 0x0940)
        {
            pos++; // level
        }

        flags = BinaryPrimitives.ReadUInt32BigEndian(h[pos..]);
        pos += 4;
        if ((flags & FlagFilter) != 0)
        {
            pos += 4;
        }

        pos += 8; // mode, mtime low
        if (version >= 0x0940)
        {
            pos += 4; // mtime high
        }

        if (pos >= n)
        {
            return false;
        }

        int nameLength = h[pos++];
        pos += nameLength + 4; // name, header checksum
        if (pos > n)
        {
            return false;
        }

        dataStart = pos;
        if ((flags & FlagExtraField) != 0)
        {
            return false; // Never written by lzop itself; refuse rather than guess.
        }

        return true;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        if (!TryReadHeader(source, out long pos, out uint flags))
        {
            throw new CorruptDataException(Format, 0, "bad lzop header");
        }

        using var output = context.CreateOutput(Format, 0, () => pos);
        var warnings = new List<string>();
        Span<byte> word = stackalloc byte[4];
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (source.ReadFully(pos, word) < 4)
            {
                warnings.Add($"lzo at 0x{pos:x}: stream ends without its end marker (truncated)");
                break;
            }

            uint decoded = BinaryPrimitives.ReadUInt32BigEndian(word);
            pos += 4;
            if (decoded == 0)
            {
                break;
            }

            source.ReadExactly(pos, word, Format);
            uint encoded = BinaryPrimitives.ReadUInt32BigEndian(word);
            pos += 4;
            if (decoded > MaxBlock || encoded > decoded)
            {
                throw new CorruptDataException(Format, pos - 8, $"block sizes {encoded}/{decoded} out of range");
            }

            pos += ((flags & FlagAdler32D) != 0 ? 4 : 0) + ((flags & FlagCrc32D) != 0 ? 4 : 0);
            if (encoded < decoded)
            {
                pos += ((flags & FlagAdler32C) != 0 ? 4 : 0) + ((flags & FlagCrc32C) != 0 ? 4 : 0);
            }

            if (pos + encoded > source.Length)
            {
                warnings.Add($"lzo at 0x{pos:x}: block of {encoded} bytes runs past the end of the input (truncated)");
                break;
            }

            DecodeBlock(source, pos, (int)encoded, (int)decoded, output);
            pos += encoded;
        }

        var result = new ReadResult { Length = Math.Min(pos, source.Length) };
        result.Warnings.AddRange(warnings);
        result.Children.Add(new ChildBlob(output.ToSource(), 0));
        return result;
    }

    private void DecodeBlock(IByteSource source, long pos, int encoded, int decoded, DecodedOutput output)
    {
        byte[] input = ArrayPool<byte>.Shared.Rent(encoded);
        byte[] block = ArrayPool<byte>.Shared.Rent(decoded);
        try
        {
            source.ReadExactly(pos, input.AsSpan(0, encoded), Format);
            if (encoded == decoded)
            {
                output.Write(input.AsSpan(0, encoded));
                return;
            }

            int n;
            try
            {
                n = Lzo1xDecompressor.Decompress(input.AsSpan(0, encoded), block.AsSpan(0, decoded));
            }
            catch (InvalidDataException e)
            {
                throw new CorruptDataException(Format, pos, e.Message);
            }

            if (n != decoded)
            {
                throw new CorruptDataException(Format, pos, $"block decodes to {n} bytes, {decoded} expected");
            }

            output.Write(block.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(block);
        }
    }
}
