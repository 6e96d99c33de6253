using System.Globalization;
using FirmwareGate.Core.Formats.SquashFs;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>SquashFS 4.0, little-endian, with any of its six compressors (and vendor LZMA blocks under the gzip id).</summary>
public sealed class SquashFsReader : IFormatReader
{
    private const int PadTo = 4096;

    /// <inheritdoc/>
    public string Format => "squashfs";

    // 68 73 71 73 "hsqs": SQUASHFS_MAGIC 0x73717368 little-endian.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("hsqs"u8.ToArray())];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[SquashFsSuperblock.Size];
        if (source.ReadFully(0, h) < SquashFsSuperblock.Size)
        {
            return false;
        }

        var sb = SquashFsSuperblock.Parse(h);
        if (!sb.IsPlausible)
        {
            return false;
        }

        length = (long)sb.BytesUsed;
        return true;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        Span<byte> h = stackalloc byte[SquashFsSuperblock.Size];
        source.ReadExactly(0, h, Format);
        var sb = SquashFsSuperblock.Parse(h);
        if (!sb.IsPlausible)
        {
            throw new CorruptDataException(Format, 0, "superblock fields are inconsistent");
        }

        // Some vendor kernels write compression id 1 (gzip) over LZMA blocks: the first inode table block decides.
        var codec = (sb.Compression == 1 ? SquashFsCodec.DetectAt(source, (long)sb.InodeTable, false, 0, context.UseNativeCodecs) : null)
            ?? SquashFsCodec.Create(sb.Compression, context.UseNativeCodecs)
            ?? throw new CorruptDataException(Format, 20, $"unknown compressor {sb.Compression}");
        var warnings = new List<string>();
        long used = (long)sb.BytesUsed;
        if (used > source.Length)
        {
            warnings.Add($"squashfs at 0x0: bytes_used {used} exceeds the {source.Length} bytes available (truncated); reading what is there");
        }

        var fs = new SquashFsFilesystem(source, sb, codec, context);
        var tree = fs.ReadTree();
        warnings.AddRange(fs.Warnings);

        // mksquashfs pads the image to a multiple of 4 KiB; the padding belongs to the filesystem.
        long padded = (used + PadTo - 1) / PadTo * PadTo;
        long length = Math.Min(source.Length, padded <= source.Length && IsZero(source, used, padded - used) ? padded : used);
        var result = new ReadResult { Length = length, Compression = codec.Name, FileSystem = tree };
        result.Details["blockSize"] = sb.BlockSize.ToString(CultureInfo.InvariantCulture);
        result.Details["inodes"] = sb.InodeCount.ToString(CultureInfo.InvariantCulture);
        result.Details["bytesUsed"] = used.ToString(CultureInfo.InvariantCulture);
        result.Details["version"] = "4.0";
        result.Details["mkfsTime"] = sb.MkfsTime.ToString(CultureInfo.InvariantCulture);
        result.Warnings.AddRange(warnings);
        return result;
    }

    private static bool IsZero(IByteSource source, long offset, long count)
    {
        Span<byte> buf = stackalloc byte[PadTo];
        int n = source.ReadFully(offset, buf[..(int)count]);
        return n == count && buf[..n].IndexOfAnyExcept((byte)0) < 0;
    }
}
