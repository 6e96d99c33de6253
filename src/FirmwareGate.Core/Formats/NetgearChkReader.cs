using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FirmwareGate.Core.Formats.Vendor;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// Netgear CHK images, the layout of OpenWrt firmware-utils src/mkchkimg.c: a big-endian header
/// (magic, header length, region, kernel and rootfs checksums and lengths, image and header checksums)
/// followed by the board id, then the kernel and the rootfs. Every checksum is Netgear's two-sum one.
/// </summary>
public sealed class NetgearChkReader : IFormatReader
{
    private const int FixedHeaderSize = 40;
    private const int MaxBoardIdLength = 64; // mkchkimg.c MAX_BOARD_ID_LEN

    private static class FieldOffsets
    {
        public const int Magic = 0;
        public const int HeaderLength = 4;
        public const int Region = 8;
        public const int KernelChecksum = 16;
        public const int RootfsChecksum = 20;
        public const int KernelLength = 24;
        public const int RootfsLength = 28;
        public const int ImageChecksum = 32;
        public const int HeaderChecksum = 36;
    }

    /// <inheritdoc/>
    public string Format => "netgear-chk";

    // "*#$^" = 2a 23 24 5e (mkchkimg.c: hdr->magic = htonl(0x2a23245e)).
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("*#$^"u8.ToArray())];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[FixedHeaderSize];
        if (source.ReadFully(0, h) < FixedHeaderSize || !TryLayout(h, out long headerLength, out long kernelLength, out long rootfsLength))
        {
            return false;
        }

        length = headerLength + kernelLength + rootfsLength;
        return true;
    }

    private static bool TryLayout(ReadOnlySpan<byte> h, out long headerLength, out long kernelLength, out long rootfsLength)
    {
        headerLength = BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.HeaderLength..]);
        kernelLength = BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.KernelLength..]);
        rootfsLength = BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.RootfsLength..]);
        return BinaryPrimitives.ReadUInt32BigEndian(h) == 0x2a23245e
            && headerLength >= FixedHeaderSize && headerLength <= FixedHeaderSize + MaxBoardIdLength
            && kernelLength > 0;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        Span<byte> h = stackalloc byte[FixedHeaderSize + MaxBoardIdLength];
        source.ReadExactly(0, h[..FixedHeaderSize], Format);
        if (!TryLayout(h, out long headerLength, out long kernelLength, out long rootfsLength))
        {
            throw new CorruptDataException(Format, 0, "netgear-chk header is not valid");
        }

        source.ReadExactly(0, h[..(int)headerLength], Format);
        var header = h[..(int)headerLength];
        string boardId = Encoding.ASCII.GetString(header[FixedHeaderSize..]).TrimEnd('\0');
        var result = new ReadResult { Length = Math.Min(checked(headerLength + kernelLength + rootfsLength), source.Length) };
        result.Details["boardId"] = boardId;
        result.Details["region"] = header[FieldOffsets.Region].ToString(CultureInfo.InvariantCulture);

        // The header checksum was computed with its own field still zero (mkchkimg.c).
        byte[] zeroed = header.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(zeroed.AsSpan(FieldOffsets.HeaderChecksum), 0);
        Verify(result, "header", BinaryPrimitives.ReadUInt32BigEndian(header[FieldOffsets.HeaderChecksum..]), VendorChecksums.Netgear(new MemoryByteSource(zeroed), context.CancellationToken));

        long kernelEnd = checked(headerLength + kernelLength);
        if (kernelEnd > source.Length)
        {
            result.Warnings.Add($"netgear-chk at 0x0: kernel of {kernelLength} bytes runs past the {source.Length} bytes available");
            result.Children.Add(new ChildBlob(source.SliceFrom(headerLength), headerLength) { Carved = true });
            return result;
        }

        var kernel = source.Slice(headerLength, kernelLength);
        Verify(result, "kernel", BinaryPrimitives.ReadUInt32BigEndian(header[FieldOffsets.KernelChecksum..]), VendorChecksums.Netgear(kernel, context.CancellationToken));
        result.Children.Add(new ChildBlob(kernel, headerLength) { Carved = true });
        if (rootfsLength == 0)
        {
            Verify(result, "image", BinaryPrimitives.ReadUInt32BigEndian(header[FieldOffsets.ImageChecksum..]), VendorChecksums.Netgear(kernel, context.CancellationToken));
            return result;
        }

        if (kernelEnd + rootfsLength > source.Length)
        {
            result.Warnings.Add($"netgear-chk at 0x0: rootfs of {rootfsLength} bytes runs past the {source.Length} bytes available");
            result.Children.Add(new ChildBlob(source.SliceFrom(kernelEnd), kernelEnd) { Carved = true });
            return result;
        }

        var rootfs = source.Slice(kernelEnd, rootfsLength);
        Verify(result, "rootfs", BinaryPrimitives.ReadUInt32BigEndian(header[FieldOffsets.RootfsChecksum..]), VendorChecksums.Netgear(rootfs, context.CancellationToken));
        Verify(result, "image", BinaryPrimitives.ReadUInt32BigEndian(header[FieldOffsets.ImageChecksum..]), VendorChecksums.Netgear(source.Slice(headerLength, kernelLength + rootfsLength), context.CancellationToken));
        result.Children.Add(new ChildBlob(rootfs, kernelEnd) { Carved = true });
        return result;
    }

    private static void Verify(ReadResult result, string part, uint stored, uint actual)
    {
        result.Details[part + "ChecksumValid"] = stored == actual ? "true" : "false";
        if (stored != actual)
        {
            result.Warnings.Add($"netgear-chk at 0x0: {part} checksum mismatch (header 0x{stored:x8}, data 0x{actual:x8})");
        }
    }
}
