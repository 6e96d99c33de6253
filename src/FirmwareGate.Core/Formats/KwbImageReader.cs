using System.Buffers.Binary;
using System.Globalization;
using FirmwareGate.Core.Formats.Vendor;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// Marvell kwbimage boot images (Kirkwood/Dove v0, Armada v1), the layout of U-Boot's tools/kwbimage.h and
/// tools/kwbimage.c: a 32-byte main header with an 8-bit checksum, v0 extension and binary headers with
/// their own 8-bit checksums or v1 optional headers, then the boot payload (U-Boot) at srcaddr,
/// blocksize bytes ending in a 32-bit sum of its little-endian words.
/// </summary>
public sealed class KwbImageReader : IFormatReader
{
    private const int MainHeaderSize = 0x20;
    private const int ExtHeaderV0Size = 0x1E0;
    private const int ExtHeaderV0Gap = 0x20;
    private const int BinHeaderV0Size = 0x800;
    private const int MaxHeaderSize = 192 * 1024; // kwbimage_verify_header's bound

    // Boot source ids, kwbimage.h "Boot Type - block ID".
    private const byte I2c = 0x4D, Spi = 0x5A, Nand = 0x8B, Sata = 0x78, Pex = 0x9C, Uart = 0x69, Sdio = 0xAE;

    private static class FieldOffsets
    {
        public const int BlockId = 0x0;
        public const int NandEccModeOrFlags = 0x1;
        public const int BlockSize = 0x4;
        public const int Version = 0x8;
        public const int HeaderSizeMsb = 0x9;  // v1
        public const int HeaderSizeLsb = 0xA;  // v1
        public const int SrcAddr = 0xC;
        public const int DestAddr = 0x10;
        public const int ExecAddr = 0x14;
        public const int Bin = 0x1D;           // v0
        public const int Ext = 0x1E;
        public const int Checksum = 0x1F;
    }

    /// <inheritdoc/>
    public string Format => "kwbimage";

    // There is no magic: the first byte is the boot source and the second the NAND ECC mode (v0) or
    // flags (v1), zero or small. The header's 8-bit checksum and field checks do the rest.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } =
    [
        .. new byte[] { I2c, Spi, Sata, Pex, Uart, Sdio }.SelectMany(id => new[] { new Signature([id, 0x00]), new Signature([id, 0x01]) }),
        new([Nand, 0x00]), new([Nand, 0x01]), new([Nand, 0x02]), new([Nand, 0x03]),
    ];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        if (!TryReadLayout(source, out var layout))
        {
            return false;
        }

        length = layout.Length;
        return true;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        if (!TryReadLayout(source, out var layout))
        {
            throw new CorruptDataException(Format, 0, "kwbimage header is not valid");
        }

        var result = new ReadResult { Length = layout.Length };
        Span<byte> h = stackalloc byte[MainHeaderSize];
        source.ReadExactly(0, h, Format);
        result.Details["version"] = layout.Version.ToString(CultureInfo.InvariantCulture);
        result.Details["bootFrom"] = BootSourceName(h[FieldOffsets.BlockId]) ?? "unknown";
        result.Details["load"] = "0x" + BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.DestAddr..]).ToString("x8", CultureInfo.InvariantCulture);
        result.Details["entry"] = "0x" + BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.ExecAddr..]).ToString("x8", CultureInfo.InvariantCulture);
        result.Details["headerSize"] = layout.HeaderSize.ToString(CultureInfo.InvariantCulture);
        result.Details["headerChecksumValid"] = "true";

        if (layout.Version == 0)
        {
            VerifyV0ExtensionHeaders(source, h, result);
        }

        var payload = source.Slice(layout.DataOffset, layout.DataSize - 4);
        Span<byte> stored = stackalloc byte[4];
        source.ReadExactly(layout.DataOffset + layout.DataSize - 4, stored, Format);
        uint expected = BinaryPrimitives.ReadUInt32LittleEndian(stored);
        uint actual = VendorChecksums.Sum32LittleEndian(payload, context.CancellationToken);
        result.Details["dataChecksumValid"] = expected == actual ? "true" : "false";
        if (expected != actual)
        {
            result.Warnings.Add($"kwbimage at 0x0: image data checksum mismatch (stored 0x{expected:x8}, computed 0x{actual:x8})");
        }

        result.Children.Add(new ChildBlob(payload, layout.DataOffset, Label: "u-boot") { Carved = true });
        return result;
    }

    private static void VerifyV0ExtensionHeaders(IByteSource source, ReadOnlySpan<byte> main, ReadResult result)
    {
        int ext = main[FieldOffsets.Ext];
        int bin = main[FieldOffsets.Bin];
        byte[] buffer = new byte[BinHeaderV0Size];
        long pos = MainHeaderSize;
        for (int i = 0; i < ext; i++)
        {
            // Extension headers are 0x1E0 bytes, 0x20 apart; the last byte is the sum of the others.
            var span = buffer.AsSpan(0, ExtHeaderV0Size);
            source.ReadExactly(pos, span, "kwbimage");
            if (VendorChecksums.Sum8(span[..^1]) != span[^1])
            {
                result.Warnings.Add($"kwbimage at 0x{pos:x}: extension header {i} checksum mismatch");
            }

            pos += ExtHeaderV0Size + (i + 1 < ext ? ExtHeaderV0Gap : 0);
        }

        for (int i = 0; i < bin; i++)
        {
            // bin_hdr_v0: checksum at 0x2F over the 0x2E bytes before it (kwbimage_verify_header).
            source.ReadExactly(pos, buffer, "kwbimage");
            if (VendorChecksums.Sum8(buffer.AsSpan(0, 0x2E)) != buffer[0x2F])
            {
                result.Warnings.Add($"kwbimage at 0x{pos:x}: binary header {i} checksum mismatch");
            }

            pos += BinHeaderV0Size;
        }
    }

    private readonly record struct Layout(int Version, long HeaderSize, long DataOffset, long DataSize, long Length);

    /// <summary>Checks the main header and works out where the data sits, as kwbimage_verify_header does.</summary>
    private static bool TryReadLayout(IByteSource source, out Layout layout)
    {
        layout = default;
        Span<byte> h = stackalloc byte[MainHeaderSize];
        if (source.ReadFully(0, h) < MainHeaderSize || BootSourceName(h[FieldOffsets.BlockId]) is null)
        {
            return false;
        }

        int version = h[FieldOffsets.Version];
        long headerSize;
        int checksumLength;
        if (version == 0)
        {
            int ext = h[FieldOffsets.Ext], bin = h[FieldOffsets.Bin];
            headerSize = MainHeaderSize + (ext * ExtHeaderV0Size) + (ext > 1 ? (ext - 1) * ExtHeaderV0Gap : 0) + (bin * BinHeaderV0Size);
            checksumLength = MainHeaderSize;
        }
        else if (version == 1)
        {
            headerSize = (h[FieldOffsets.HeaderSizeMsb] << 16) | BinaryPrimitives.ReadUInt16LittleEndian(h[FieldOffsets.HeaderSizeLsb..]);
            if (headerSize < MainHeaderSize || headerSize > MaxHeaderSize)
            {
                return false;
            }

            checksumLength = (int)headerSize;
        }
        else
        {
            return false;
        }

        if (headerSize > source.Length || !HeaderChecksumMatches(source, h, checksumLength))
        {
            return false;
        }

        long size = BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.BlockSize..]);
        long src = BinaryPrimitives.ReadUInt32LittleEndian(h[FieldOffsets.SrcAddr..]);
        byte blockId = h[FieldOffsets.BlockId];
        if (size < 4 || size % 4 != 0)
        {
            return false;
        }

        // SATA counts srcaddr in sectors (512 bytes unless the config said otherwise); PCIe puts the data after the headers.
        if (blockId == Sata)
        {
            src *= 512;
        }
        else if (blockId == Pex && src == 0xFFFFFFFF)
        {
            src = headerSize;
        }

        if (src < headerSize || src % 4 != 0 || src + size > source.Length)
        {
            return false;
        }

        long end = src + size;
        layout = new Layout(version, headerSize, src, size, end + AlignmentPadding(source, end, Alignment(blockId)));
        return true;
    }

    private static bool HeaderChecksumMatches(IByteSource source, ReadOnlySpan<byte> main, int length)
    {
        byte sum;
        if (length == MainHeaderSize)
        {
            sum = VendorChecksums.Sum8(main);
        }
        else
        {
            byte[] header = new byte[length];
            if (source.ReadFully(0, header) < length)
            {
                return false;
            }

            sum = VendorChecksums.Sum8(header);
        }

        // The sum covers the checksum byte itself: take it out again.
        byte stored = main[FieldOffsets.Checksum];
        return (byte)(sum - stored) == stored;
    }

    /// <summary>kwbimage_generate pads the final image with zeros to the boot source's block.</summary>
    private static int Alignment(byte blockId) => blockId switch
    {
        Sata or Sdio => 512,
        Spi or Nand => 256,
        Uart => 128,
        _ => 4,
    };

    private static long AlignmentPadding(IByteSource source, long end, int alignment)
    {
        long pad = (alignment - (end % alignment)) % alignment;
        if (pad == 0 || end + pad > source.Length)
        {
            return 0;
        }

        Span<byte> tail = stackalloc byte[512];
        tail = tail[..(int)pad];
        return source.ReadFully(end, tail) == pad && !tail.ContainsAnyExcept((byte)0) ? pad : 0;
    }

    private static string? BootSourceName(byte blockId) => blockId switch
    {
        I2c => "i2c",
        Spi => "spi",
        Nand => "nand",
        Sata => "sata",
        Pex => "pex",
        Uart => "uart",
        Sdio => "sdio",
        _ => null,
    };
}
