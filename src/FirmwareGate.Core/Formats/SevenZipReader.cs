using System.Buffers.Binary;
using System.IO.Hashing;
using FirmwareGate.Core.Sources;
using SharpCompress.Archives;
using SharpCompress.Archives.SevenZip;
using SharpCompress.Readers;

namespace FirmwareGate.Core.Formats;

/// <summary>7z archives; the signature header gives the exact archive length.</summary>
public sealed class SevenZipReader : SharpCompressArchiveReader
{
    private const int SignatureHeaderSize = 32;

    /// <inheritdoc/>
    public override string Format => "7z";

    // 37 7a bc af 27 1c: "7z\xBC\xAF\x27\x1C" (7zFormat.txt, SignatureHeader).
    /// <inheritdoc/>
    public override IReadOnlyList<Signature> Signatures { get; } = [new([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])];

    /// <inheritdoc/>
    public override bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[SignatureHeaderSize];
        if (source.ReadFully(0, h) < SignatureHeaderSize || Crc32.HashToUInt32(h[12..32]) != BinaryPrimitives.ReadUInt32LittleEndian(h[8..]))
        {
            return false;
        }

        ulong nextOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[12..]);
        ulong nextSize = BinaryPrimitives.ReadUInt64LittleEndian(h[20..]);
        if (nextOffset > (ulong)source.Length || nextSize > (ulong)source.Length)
        {
            return false;
        }

        length = SignatureHeaderSize + (long)nextOffset + (long)nextSize;
        return true;
    }

    /// <inheritdoc/>
    protected override IArchive Open(Stream stream) => SevenZipArchive.OpenArchive(stream, new ReaderOptions { LeaveStreamOpen = false });
}
