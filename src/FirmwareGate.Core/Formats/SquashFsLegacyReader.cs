using System.Globalization;
using FirmwareGate.Core.Formats.SquashFs;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// The SquashFS variants older and vendor firmware ships, next to <see cref="SquashFsReader"/> (4.0
/// little-endian): SquashFS 3.0 and 3.1 in either byte order ("hsqs" little-endian, "sqsh" big-endian)
/// with gzip blocks or the vendor LZMA blocks of sqlzma/OpenWrt (LZMA-alone header, or raw LZMA with
/// lc=3 lp=0 pb=2), and big-endian 4.0 with any compressor. Layouts: squashfs-tools squashfs_compat.h
/// (3.x) and squashfs_fs.h (4.0).
/// </summary>
public sealed class SquashFsLegacyReader : IFormatReader
{
    private const int PadTo = 4096;

    /// <inheritdoc/>
    public string Format => "squashfs";

    // "hsqs": SQUASHFS_MAGIC 0x73717368 little-endian; "sqsh": the same magic big-endian.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("hsqs"u8.ToArray()), new("sqsh"u8.ToArray())];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[SquashFsLegacySuperblock.MaxSize];
        if (source.ReadFully(0, h) < SquashFsLegacySuperblock.MaxSize || SquashFsLegacySuperblock.Parse(h) is not { IsPlausible: true } sb)
        {
            return false;
        }

        length = (long)sb.BytesUsed;
        return true;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        Span<byte> h = stackalloc byte[SquashFsLegacySuperblock.MaxSize];
        source.ReadExactly(0, h, Format);
        if (SquashFsLegacySuperblock.Parse(h) is not { IsPlausible: true } sb)
        {
            throw new CorruptDataException(Format, 0, "superblock fields are inconsistent");
        }

        var warnings = new List<string>();
        long used = (long)sb.BytesUsed;
        if (used > source.Length)
        {
            warnings.Add($"squashfs at 0x0: bytes_used {used} exceeds the {source.Length} bytes available (truncated); reading what is there");
        }

        var codec = ChooseCodec(source, sb, context);
        var fs = new SquashFsLegacyFilesystem(source, sb, codec, context);
        var tree = fs.ReadTree();
        warnings.AddRange(fs.Warnings);

        long padded = (used + PadTo - 1) / PadTo * PadTo;
        long length = Math.Min(source.Length, padded <= source.Length && IsZero(source, used, padded - used) ? padded : used);
        var result = new ReadResult { Length = length, Compression = codec.Name, FileSystem = tree };
        result.Details["blockSize"] = sb.BlockSize.ToString(CultureInfo.InvariantCulture);
        result.Details["inodes"] = sb.InodeCount.ToString(CultureInfo.InvariantCulture);
        result.Details["bytesUsed"] = used.ToString(CultureInfo.InvariantCulture);
        result.Details["version"] = sb.Version;
        result.Details["byteOrder"] = sb.BigEndian ? "big-endian" : "little-endian";
        result.Details["mkfsTime"] = sb.MkfsTime.ToString(CultureInfo.InvariantCulture);
        result.Warnings.AddRange(warnings);
        return result;
    }

    /// <summary>
    /// 3.x images say nothing of their compressor (gzip by the format, LZMA in vendor builds), and vendor
    /// 4.0 images may say gzip over LZMA blocks: the first compressed inode table block decides.
    /// </summary>
    private SquashFsCodec ChooseCodec(IByteSource source, SquashFsLegacySuperblock sb, ReadContext context)
    {
        if (sb.Major == 4 && sb.Compression != 1)
        {
            return SquashFsCodec.Create(sb.Compression, context.UseNativeCodecs)
                ?? throw new CorruptDataException(Format, 20, $"unknown compressor {sb.Compression}");
        }

        return SquashFsCodec.DetectAt(source, (long)sb.InodeTable, sb.BigEndian, sb.MetadataHeaderExtra, context.UseNativeCodecs)
            ?? throw new CorruptDataException(Format, (long)sb.InodeTable, "the first inode table block decodes neither as gzip nor as LZMA");
    }

    private static bool IsZero(IByteSource source, long offset, long count)
    {
        Span<byte> buf = stackalloc byte[PadTo];
        int n = source.ReadFully(offset, buf[..(int)count]);
        return n == count && buf[..n].IndexOfAnyExcept((byte)0) < 0;
    }
}
