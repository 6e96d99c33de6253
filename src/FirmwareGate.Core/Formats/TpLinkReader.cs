using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FirmwareGate.Core.Formats.Vendor;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// TP-Link v1/v2 firmware headers, the layout of OpenWrt firmware-utils src/mktplinkfw.c (struct fw_header,
/// 512 bytes, big-endian): vendor and version strings, hardware id, an MD5 of the whole image computed with
/// md5sum1 holding a fixed salt, and the kernel, rootfs and boot loader offsets and lengths.
/// </summary>
public sealed class TpLinkReader : IFormatReader
{
    private const int HeaderSize = 512;
    private const int Md5Size = 16;

    // mktplinkfw.c md5salt_normal / md5salt_boot: md5sum1 holds one of these while the MD5 is computed.
    private static readonly byte[] SaltNormal = [0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb, 0xdd, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x38];
    private static readonly byte[] SaltBoot = [0x8c, 0xef, 0x33, 0x5b, 0xd5, 0xc5, 0xce, 0xfa, 0xa7, 0x9c, 0x28, 0xda, 0xb2, 0xe9, 0x0f, 0x42];

    private static class FieldOffsets
    {
        public const int Version = 0;
        public const int VendorName = 4;     // char[24]
        public const int FirmwareVersion = 28; // char[36]
        public const int HardwareId = 64;
        public const int HardwareRevision = 68;
        public const int Md5Sum1 = 76;
        public const int KernelLoad = 116;
        public const int KernelEntry = 120;
        public const int FirmwareLength = 124;
        public const int KernelOffset = 128;
        public const int KernelLength = 132;
        public const int RootfsOffset = 136;
        public const int RootfsLength = 140;
        public const int BootOffset = 144;
        public const int BootLength = 148;
    }

    /// <inheritdoc/>
    public string Format => "tplink";

    // HEADER_VERSION_V1 0x01000000 and V2 0x02000000 (big-endian), each followed by the vendor name,
    // which mktplinkfw always fills with "TP-LINK Technologies" (-V overrides it; such images are not found).
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } =
    [
        new([0x01, 0x00, 0x00, 0x00, (byte)'T', (byte)'P', (byte)'-', (byte)'L', (byte)'I', (byte)'N', (byte)'K']),
        new([0x02, 0x00, 0x00, 0x00, (byte)'T', (byte)'P', (byte)'-', (byte)'L', (byte)'I', (byte)'N', (byte)'K']),
    ];

    private readonly record struct Part(string Name, long Offset, long Length);

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        byte[] h = new byte[HeaderSize];
        if (source.ReadFully(0, h) < HeaderSize || !TryParts(h, out var parts))
        {
            return false;
        }

        length = parts.Max(p => p.Offset + p.Length);
        return true;
    }

    private static bool TryParts(ReadOnlySpan<byte> h, out List<Part> parts)
    {
        parts = [];
        uint version = BinaryPrimitives.ReadUInt32BigEndian(h[FieldOffsets.Version..]);
        if (version is not (0x01000000 or 0x02000000))
        {
            return false;
        }

        (string Name, int OffsetField, int LengthField)[] fields =
        [
            ("kernel", FieldOffsets.KernelOffset, FieldOffsets.KernelLength),
            ("rootfs", FieldOffsets.RootfsOffset, FieldOffsets.RootfsLength),
            ("boot", FieldOffsets.BootOffset, FieldOffsets.BootLength),
        ];
        foreach (var (name, offsetField, lengthField) in fields)
        {
            long offset = BinaryPrimitives.ReadUInt32BigEndian(h[offsetField..]);
            long length = BinaryPrimitives.ReadUInt32BigEndian(h[lengthField..]);
            if (length == 0)
            {
                continue;
            }

            if (offset < HeaderSize)
            {
                return false;
            }

            parts.Add(new Part(name, offset, length));
        }

        parts.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        for (int i = 1; i < parts.Count; i++)
        {
            if (parts[i].Offset < parts[i - 1].Offset + parts[i - 1].Length)
            {
                return false;
            }
        }

        return parts.Count > 0;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        byte[] h = new byte[HeaderSize];
        source.ReadExactly(0, h, Format);
        if (!TryParts(h, out var parts))
        {
            throw new CorruptDataException(Format, 0, "tplink header is not valid");
        }

        long partsEnd = parts.Max(p => p.Offset + p.Length);
        long firmwareLength = BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(FieldOffsets.FirmwareLength));

        // The MD5 covers the file as written: up to fw_length when the tool padded it, else up to the last part.
        long covered = partsEnd <= source.Length ? VerifyMd5(source, h, partsEnd, firmwareLength, context) : 0;
        var result = new ReadResult { Length = covered > 0 ? covered : Math.Min(partsEnd, source.Length) };
        AddDetails(h, result);
        if (partsEnd > source.Length)
        {
            result.Warnings.Add($"tplink at 0x0: parts end at {partsEnd}, past the {source.Length} bytes available; MD5 not checked");
        }
        else
        {
            result.Details["md5Valid"] = covered > 0 ? "true" : "false";
            if (covered == 0)
            {
                result.Warnings.Add("tplink at 0x0: MD5 of the image does not match md5sum1");
            }
        }

        foreach (var part in parts.Where(p => p.Offset < source.Length))
        {
            long length = Math.Min(part.Length, source.Length - part.Offset);
            result.Children.Add(new ChildBlob(source.Slice(part.Offset, length), part.Offset) { Carved = true });
        }

        return result;
    }

    private static long VerifyMd5(IByteSource source, byte[] header, long partsEnd, long firmwareLength, ReadContext context)
    {
        byte[] stored = header.AsSpan(FieldOffsets.Md5Sum1, Md5Size).ToArray();
        byte[] salted = (byte[])header.Clone();
        byte[] salt = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(FieldOffsets.BootLength)) == 0 ? SaltNormal : SaltBoot;
        salt.CopyTo(salted, FieldOffsets.Md5Sum1);
        long[] candidates = firmwareLength > partsEnd && firmwareLength <= source.Length ? [firmwareLength, partsEnd] : [partsEnd];
        foreach (long length in candidates)
        {
            byte[] actual = VendorChecksums.Md5(salted, source.Slice(HeaderSize, length - HeaderSize), context.CancellationToken);
            if (actual.AsSpan().SequenceEqual(stored))
            {
                return length;
            }
        }

        return 0;
    }

    private static void AddDetails(byte[] h, ReadResult result)
    {
        var span = h.AsSpan();
        result.Details["version"] = (BinaryPrimitives.ReadUInt32BigEndian(span) >> 24).ToString(CultureInfo.InvariantCulture);
        result.Details["vendor"] = CString(span.Slice(FieldOffsets.VendorName, 24));
        result.Details["firmwareVersion"] = CString(span.Slice(FieldOffsets.FirmwareVersion, 36));
        result.Details["hardwareId"] = "0x" + BinaryPrimitives.ReadUInt32BigEndian(span[FieldOffsets.HardwareId..]).ToString("x8", CultureInfo.InvariantCulture);
        result.Details["hardwareRevision"] = BinaryPrimitives.ReadUInt32BigEndian(span[FieldOffsets.HardwareRevision..]).ToString(CultureInfo.InvariantCulture);
        result.Details["load"] = "0x" + BinaryPrimitives.ReadUInt32BigEndian(span[FieldOffsets.KernelLoad..]).ToString("x8", CultureInfo.InvariantCulture);
        result.Details["entry"] = "0x" + BinaryPrimitives.ReadUInt32BigEndian(span[FieldOffsets.KernelEntry..]).ToString("x8", CultureInfo.InvariantCulture);
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? field : field[..end]);
    }
}
