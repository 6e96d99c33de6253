using System.Buffers.Binary;

namespace FirmwareGate.Core.Formats.CramFs;

/// <summary>
/// struct cramfs_super (include/uapi/linux/cramfs_fs.h): magic, size, flags, future, the 16-byte
/// signature "Compressed ROMFS", fsid {crc, edition, blocks, files}, a 16-byte name and the root inode.
/// </summary>
internal sealed record CramFsSuperblock
{
    /// <summary>sizeof(struct cramfs_super).</summary>
    public const int Size = 76;

    /// <summary>Where the superblock sits when a 512-byte boot block precedes it (mkfs.cramfs -p).</summary>
    public const int PaddedStart = 512;

    /// <summary>Offset of fsid.crc in the superblock.</summary>
    public const int CrcOffset = 32;

    /// <summary>CRAMFS_MAGIC 0x28cd3d45: 45 3d cd 28 in a little-endian image, 28 cd 3d 45 in a big-endian one.</summary>
    public const uint Magic = 0x28CD3D45;

    /// <summary>CRAMFS_FLAG_FSID_VERSION_2: fsid crc, blocks and files are valid.</summary>
    public const uint FlagFsidVersion2 = 0x1;

    /// <summary>CRAMFS_FLAG_HOLES: blocks of zeros may be stored with no bytes.</summary>
    public const uint FlagHoles = 0x100;

    /// <summary>CRAMFS_FLAG_WRONG_SIGNATURE: the signature field is not "Compressed ROMFS".</summary>
    public const uint FlagWrongSignature = 0x200;

    /// <summary>CRAMFS_FLAG_SHIFTED_ROOT_OFFSET: the root directory follows a 512-byte boot block.</summary>
    public const uint FlagShiftedRootOffset = 0x400;

    /// <summary>CRAMFS_FLAG_EXT_BLOCK_POINTERS: block pointers carry the uncompressed and direct flags.</summary>
    public const uint FlagExtBlockPointers = 0x800;

    /// <summary>CRAMFS_SUPPORTED_FLAGS of the kernel: the low byte plus the four flags above.</summary>
    public const uint SupportedFlags = 0xFF | FlagHoles | FlagWrongSignature | FlagShiftedRootOffset | FlagExtBlockPointers;

    private static ReadOnlySpan<byte> SignatureText => "Compressed ROMFS"u8;

    public required bool BigEndian { get; init; }

    /// <summary>0, or 512 when a boot block precedes the superblock.</summary>
    public required int Start { get; init; }

    /// <summary>Image length in bytes from the start of the boot block, if any.</summary>
    public required uint ImageSize { get; init; }

    public required uint Flags { get; init; }

    public required uint Crc { get; init; }

    public required uint Edition { get; init; }

    public required uint Blocks { get; init; }

    public required uint Files { get; init; }

    public required byte[] Name { get; init; }

    public required CramFsInode Root { get; init; }

    /// <summary>Reads the superblock at <paramref name="start"/>; null when the magic or the signature is wrong.</summary>
    public static CramFsSuperblock? TryParse(ReadOnlySpan<byte> b, int start)
    {
        if (b.Length < Size)
        {
            return null;
        }

        bool big;
        if (BinaryPrimitives.ReadUInt32LittleEndian(b) == Magic)
        {
            big = false;
        }
        else if (BinaryPrimitives.ReadUInt32BigEndian(b) == Magic)
        {
            big = true;
        }
        else
        {
            return null;
        }

        uint flags = U32(b, 8, big);
        if ((flags & FlagWrongSignature) == 0 && !b.Slice(16, 16).SequenceEqual(SignatureText))
        {
            return null;
        }

        return new CramFsSuperblock
        {
            BigEndian = big,
            Start = start,
            ImageSize = U32(b, 4, big),
            Flags = flags,
            Crc = U32(b, CrcOffset, big),
            Edition = U32(b, 36, big),
            Blocks = U32(b, 40, big),
            Files = U32(b, 44, big),
            Name = b.Slice(48, 16).ToArray(),
            Root = CramFsInode.Parse(b.Slice(64, CramFsInode.Size12), big),
        };
    }

    private static uint U32(ReadOnlySpan<byte> b, int offset, bool big) =>
        big ? BinaryPrimitives.ReadUInt32BigEndian(b[offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(b[offset..]);

    public bool HasFsid2 => (Flags & FlagFsidVersion2) != 0;

    public bool ExtBlockPointers => (Flags & FlagExtBlockPointers) != 0;

    /// <summary>
    /// The root is a directory whose entries start right after the superblock (or are absent), and the
    /// claimed size holds the superblock: the kernel's own checks in cramfs_read_super.
    /// </summary>
    public bool IsPlausible =>
        (Root.Mode & 0xF000) == 0x4000
        && (Root.Offset == 0 || Root.Offset == Start + Size || (Start == 0 && Root.Offset == PaddedStart + Size))
        && (!HasFsid2 || ImageSize >= (uint)(Start + Size));
}
