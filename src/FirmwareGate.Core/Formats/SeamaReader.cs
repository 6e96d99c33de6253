using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FirmwareGate.Core.Formats.Vendor;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// D-Link SEAMA images, the layout of OpenWrt firmware-utils src/seama.h and seama.c: a 12-byte
/// big-endian header (magic, reserved, meta size, image size), the image's MD5 when the size is not
/// zero, NUL-separated meta data, then the image. A size of zero marks a seal whose content follows.
/// </summary>
public sealed class SeamaReader : IFormatReader
{
    private const int HeaderSize = 12;
    private const int DigestSize = 16;

    private static class FieldOffsets
    {
        public const int Magic = 0;
        public const int MetaSize = 6;
        public const int ImageSize = 8;
    }

    /// <inheritdoc/>
    public string Format => "seama";

    // SEAMA_MAGIC 0x5EA3A417, stored big-endian: 5e a3 a4 17.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new([0x5E, 0xA3, 0xA4, 0x17])];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[HeaderSize];
        if (source.ReadFully(0, h) < HeaderSize || BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.Magic..]) != 0x5EA3A417)
        {
            return false;
        }

        long end = DataOffset(h) + BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.ImageSize..]);
        if (DataOffset(h) > source.Length)
        {
            return false;
        }

        length = end;
        return true;
    }

    private static long DataOffset(ReadOnlySpan<byte> h) =>
        HeaderSize + (BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.ImageSize..]) > 0 ? DigestSize : 0) + BinaryPrimitives.ReadUInt16BigEndian(h[FieldOffsets.MetaSize..]);

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        Span<byte> h = stackalloc byte[HeaderSize];
        source.ReadExactly(0, h, Format);
        long size = BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.ImageSize..]);
        int metaSize = BinaryPrimitives.ReadUInt16BigEndian(h[FieldOffsets.MetaSize..]);
        long dataOffset = DataOffset(h);
        byte[] meta = new byte[metaSize];
        source.ReadExactly(dataOffset - metaSize, meta, Format);
        var result = new ReadResult { Length = Math.Min(dataOffset + size, source.Length) };
        string[] entries = Encoding.ASCII.GetString(meta).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        result.Details["meta"] = string.Join(";", entries);
        result.Details["imageSize"] = size.ToString(CultureInfo.InvariantCulture);
        if (size == 0)
        {
            // A seal: the SEAMA images it wraps follow and are found by their own magic.
            return result;
        }

        if (dataOffset + size > source.Length)
        {
            result.Warnings.Add($"seama at 0x0: image of {size} bytes runs past the {source.Length - dataOffset} bytes available; MD5 not checked");
            result.Children.Add(new ChildBlob(source.SliceFrom(dataOffset), dataOffset) { Carved = true });
            return result;
        }

        Span<byte> stored = stackalloc byte[DigestSize];
        source.ReadExactly(HeaderSize, stored, Format);
        var image = source.Slice(dataOffset, size);
        byte[] actual = VendorChecksums.Md5([], image, context.CancellationToken);
        bool valid = stored.SequenceEqual(actual);
        result.Details["md5Valid"] = valid ? "true" : "false";
        if (!valid)
        {
            result.Warnings.Add($"seama at 0x0: MD5 mismatch (header {Convert.ToHexStringLower(stored)}, image {Convert.ToHexStringLower(actual)})");
        }

        result.Children.Add(new ChildBlob(image, dataOffset) { Carved = true });
        return result;
    }
}
