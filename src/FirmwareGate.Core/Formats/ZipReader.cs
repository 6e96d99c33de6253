using System.Buffers;
using System.Buffers.Binary;
using FirmwareGate.Core.Sources;
using SharpCompress.Archives;
using SharpCompress.Archives.Zip;
using SharpCompress.Readers;

namespace FirmwareGate.Core.Formats;

/// <summary>ZIP (APPNOTE 6.3.x). The archive ends at the end-of-central-directory record that points back at its directory.</summary>
public sealed class ZipReader : SharpCompressArchiveReader
{
    private const int EocdSize = 22;
    private const long MaxScan = 4L << 30;

    /// <inheritdoc/>
    public override string Format => "zip";

    // "PK\x03\x04": local file header signature 0x04034b50 (APPNOTE §4.3.7).
    /// <inheritdoc/>
    public override IReadOnlyList<Signature> Signatures { get; } = [new([0x50, 0x4B, 0x03, 0x04])];

    /// <inheritdoc/>
    public override bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[30];
        if (source.ReadFully(0, h) < 30)
        {
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(h[4..]);
        ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[26..]);
        if ((version & 0xFF) > 63 || method is not (0 or 8 or 9 or 12 or 14 or 93 or 95 or 98 or 99) || nameLength is 0 or > 1024)
        {
            return false;
        }

        // The member name must be text: a stray "PK\x03\x04" in binary data rarely passes, so the
        // search for the end record below runs only for real local headers.
        Span<byte> name = stackalloc byte[nameLength];
        if (source.ReadFully(30, name) < nameLength || name.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0)
        {
            return false;
        }

        length = FindEnd(source);
        return length > 0;
    }

    /// <summary>Finds the first EOCD whose central directory ends right before it.</summary>
    private static long FindEnd(IByteSource source)
    {
        const int chunk = 1 << 20;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunk + EocdSize);
        try
        {
            for (long off = 0; off < Math.Min(source.Length, MaxScan); off += chunk)
            {
                int n = source.ReadFully(off, buffer.AsSpan(0, (int)Math.Min(chunk + EocdSize, source.Length - off)));
                var span = buffer.AsSpan(0, n);
                int i = 0;
                while (i < Math.Min(n, chunk))
                {
                    int hit = span[i..].IndexOf("PK\x05\x06"u8);
                    if (hit < 0 || i + hit >= chunk)
                    {
                        break;
                    }

                    i += hit;
                    if (i + EocdSize <= n)
                    {
                        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(span[(i + 12)..]);
                        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[(i + 16)..]);
                        int comment = BinaryPrimitives.ReadUInt16LittleEndian(span[(i + 20)..]);
                        long eocd = off + i;
                        if (cdOffset + cdSize == eocd || cdOffset == 0xFFFFFFFF)
                        {
                            return Math.Min(eocd + EocdSize + comment, source.Length);
                        }
                    }

                    i++;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return -1;
    }

    /// <inheritdoc/>
    protected override IArchive Open(Stream stream) => ZipArchive.OpenArchive(stream, new ReaderOptions { LeaveStreamOpen = false });
}
