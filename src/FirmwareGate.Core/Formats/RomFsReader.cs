using System.Buffers.Binary;
using System.Globalization;
using FirmwareGate.Core.Formats.RomFs;
using FirmwareGate.Core.Sources;
using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Formats;

/// <summary>
/// romfs (Linux Documentation/filesystems/romfs.rst): the "-rom1fs-" header with its full size and the
/// checksum of its first 512 bytes (verified; a mismatch is a warning), then 16-byte aligned file headers
/// of every type: hard links, directories, files, symlinks, block and character devices, sockets and
/// fifos. Loops in next chains, in directories and in hard-link targets are reported and cut.
/// </summary>
public sealed class RomFsReader : IFormatReader
{
    private const int SizeOffset = 8;
    private const int ChecksumOffset = 12;
    private const int NameOffset = 16;
    private const int ChecksumSpan = 512;

    /// <inheritdoc/>
    public string Format => "romfs";

    // 2d 72 6f 6d 31 66 73 2d "-rom1fs-": romfs.rst, offset 0 of the image.
    /// <inheritdoc/>
    public IReadOnlyList<Signature> Signatures { get; } = [new("-rom1fs-"u8.ToArray())];

    /// <inheritdoc/>
    public bool TryIdentify(IByteSource source, out long length)
    {
        length = -1;
        Span<byte> h = stackalloc byte[NameOffset];
        if (source.ReadFully(0, h) < NameOffset || !h[..8].SequenceEqual("-rom1fs-"u8))
        {
            return false;
        }

        uint size = BinaryPrimitives.ReadUInt32BigEndian(h[SizeOffset..]);
        if (size < NameOffset + RomFsFilesystem.HeaderSize)
        {
            return false;
        }

        length = size;
        return true;
    }

    /// <inheritdoc/>
    public ReadResult Read(IByteSource source, ReadContext context)
    {
        if (!TryIdentify(source, out long size))
        {
            throw new CorruptDataException(Format, 0, "no -rom1fs- header with a plausible size");
        }

        var warnings = new List<string>();
        if (size > source.Length)
        {
            warnings.Add($"romfs at 0x0: the header claims {size} bytes, {source.Length} are available (truncated); reading what is there");
        }

        long end = Math.Min(size, source.Length);
        bool checksumOk = CheckSum(source, end);
        if (!checksumOk)
        {
            warnings.Add($"romfs at 0x{ChecksumOffset:x}: the checksum of the first {Math.Min(ChecksumSpan, end)} bytes does not sum to zero");
        }

        Span<byte> nameBuf = stackalloc byte[256];
        long root = RomFsFilesystem.AfterName(source, NameOffset, end, nameBuf, out int nameLength);
        if (root < 0)
        {
            throw new CorruptDataException(Format, NameOffset, "the volume name has no NUL within 256 bytes");
        }

        var fs = new RomFsFilesystem(source, end, context);
        var tree = fs.BuildTree(root);
        warnings.AddRange(fs.Warnings);
        if (fs.BadChecksums > 0)
        {
            warnings.Add($"romfs: {fs.BadChecksums} file headers have a checksum that does not sum to zero");
        }

        var result = new ReadResult { Length = end, Compression = "none", FileSystem = tree };
        result.Details["size"] = size.ToString(CultureInfo.InvariantCulture);
        result.Details["volume"] = EntryName.Display(EntryName.Decode(nameBuf[..nameLength]));
        result.Details["checksum"] = checksumOk ? "ok" : "mismatch";
        result.Details["headers"] = fs.HeaderCount.ToString(CultureInfo.InvariantCulture);
        result.Warnings.AddRange(warnings);
        return result;
    }

    // romfs.rst: the 32-bit big-endian words of the first 512 bytes (or of the whole image, if smaller) sum to zero.
    private static bool CheckSum(IByteSource source, long end)
    {
        Span<byte> first = stackalloc byte[ChecksumSpan];
        int n = source.ReadFully(0, first[..(int)Math.Min(ChecksumSpan, end)]);
        return RomFsFilesystem.Sum(first[..(n & ~3)]) == 0;
    }
}
