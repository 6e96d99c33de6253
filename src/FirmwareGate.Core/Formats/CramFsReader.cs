using System.Globalization;
using FirmwareGate.Core.Formats.CramFs;
using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// cramfs (include/uapi/linux/cramfs_fs.h, fs/cramfs/README), little- and big-endian, with or without
/// the 512-byte boot block before the superblock: directories, files as zlib block lists (holes, and the
/// uncompressed and direct block pointers of newer kernels), symlinks, devices, fifos and sockets. The
/// fsid CRC is verified; sizes are the 24 bits and gids the 8 bits the image stores.
/// </summary>
public sealed class CramFsReader : IFormatReader
{
    /// <inheritdoc/>
    public string Format => "cramfs";

    // 45 3d cd 28 / 28 cd 3d 45: CRAMFS_MAGIC 0x28cd3d45 little- then big-endian, at the start of the
    // image or after a 512-byte boot block (mkfs.cramfs -p).
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } =
    [
        new([0x45, 0x3D, 0xCD, 0x28]),
        new([0x28, 0xCD, 0x3D, 0x45]),
        new([0x45, 0x3D, 0xCD, 0x28], CramFsSuperblock.PaddedStart),
        new([0x28, 0xCD, 0x3D, 0x45], CramFsSuperblock.PaddedStart),
    ];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        var sb = Find(source);
        length = sb is { HasFsid2: true } ? sb.ImageSize : -1;
        return sb is not null;
    }

    private static CramFsSuperblock? Find(IByteSource source)
    {
        Span<byte> h = stackalloc byte[CramFsSuperblock.Size];
        foreach (int start in (ReadOnlySpan<int>)[0, CramFsSuperblock.PaddedStart])
        {
            if (source.ReadFully(start, h) == CramFsSuperblock.Size && CramFsSuperblock.TryParse(h, start) is { IsPlausible: true } sb)
            {
                return sb;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        var sb = Find(source) ?? throw new CorruptDataException(Format, 0, "no cramfs superblock with a directory root at 0 or 512");
        var fs = new CramFsFilesystem(source, sb, context);
        var warnings = new List<string>();
        if (sb.HasFsid2 && sb.ImageSize > source.Length)
        {
            warnings.Add($"cramfs at 0x0: the superblock claims {sb.ImageSize} bytes, {source.Length} are available (truncated); reading what is there");
        }

        if ((sb.Flags & ~CramFsSuperblock.SupportedFlags) != 0)
        {
            warnings.Add($"cramfs at 0x{sb.Start:x}: flags 0x{sb.Flags:x} include ones the kernel does not support (0x{sb.Flags & ~CramFsSuperblock.SupportedFlags:x})");
        }

        bool? crcOk = fs.VerifyCrc();
        if (crcOk == false)
        {
            warnings.Add($"cramfs at 0x{sb.Start + CramFsSuperblock.CrcOffset:x}: fsid CRC 0x{sb.Crc:x8} does not match the image's");
        }

        var tree = fs.BuildTree();
        warnings.AddRange(fs.Warnings);
        if (sb.HasFsid2 && sb.Files != 0 && fs.InodeCount + 1 != sb.Files)
        {
            warnings.Add($"cramfs at 0x{sb.Start:x}: the superblock counts {sb.Files} inodes, the directories hold {fs.InodeCount + 1}");
        }

        long length = sb.ImageSize >= fs.MaxEnd && sb.ImageSize <= source.Length ? sb.ImageSize : Math.Min(Math.Max(fs.MaxEnd, sb.ImageSize), source.Length);
        var result = new ReadResult { Length = length, Compression = "zlib", FileSystem = tree };
        result.Details["endianness"] = sb.BigEndian ? "big" : "little";
        result.Details["flags"] = "0x" + sb.Flags.ToString("x", CultureInfo.InvariantCulture);
        result.Details["blockSize"] = fs.BlockSize.ToString(CultureInfo.InvariantCulture);
        result.Details["size"] = sb.ImageSize.ToString(CultureInfo.InvariantCulture);
        result.Details["edition"] = sb.Edition.ToString(CultureInfo.InvariantCulture);
        result.Details["name"] = Unpacking.EntryName.Display(Unpacking.EntryName.Decode(sb.Name.AsSpan(0, Math.Max(0, Array.IndexOf(sb.Name, (byte)0) is int z && z >= 0 ? z : sb.Name.Length))));
        if (sb.Start > 0)
        {
            result.Details["bootBlock"] = sb.Start.ToString(CultureInfo.InvariantCulture);
        }

        if (crcOk is { } ok)
        {
            result.Details["crc"] = ok ? "ok" : "mismatch";
        }

        result.Warnings.AddRange(warnings);
        return result;
    }
}
